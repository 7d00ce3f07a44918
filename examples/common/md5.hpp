#pragma once
// MD5 (RFC 1321) of data and of files, for the examples that check what they downloaded against the MD5 the server
// names a binary by (dump_all_binaries). Not for anything that needs a secure hash.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "cbapi/errors.hpp"

namespace cbapi::examples {

/// An incremental MD5.
class Md5 {
public:
    /// Adds bytes.
    void update(std::string_view data) {
        for (char c : data) {
            block_[used_++] = static_cast<unsigned char>(c);
            if (used_ == 64) {
                transform();
                used_ = 0;
            }
        }
        length_ += data.size();
    }

    /// The digest as 32 upper-case hex digits (the form Cb Response names binaries by). Ends the computation.
    std::string hex_digest() {
        const std::uint64_t bits = length_ * 8;
        update(std::string_view("\x80", 1));
        while (used_ != 56) update(std::string_view("\0", 1));
        std::string tail;
        for (int i = 0; i < 8; ++i) tail.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
        update(tail);
        static constexpr char digits[] = "0123456789ABCDEF";
        std::string out;
        for (std::uint32_t word : state_)
            for (int i = 0; i < 4; ++i) {
                const auto byte = static_cast<unsigned>((word >> (8 * i)) & 0xFF);
                out.push_back(digits[byte >> 4]);
                out.push_back(digits[byte & 15]);
            }
        return out;
    }

private:
    static std::uint32_t rotate(std::uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

    void transform() {
        static constexpr std::array<unsigned, 64> shift = {
            7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
            5, 9,  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21,
            6, 10, 15, 21, 6, 10, 15, 21};
        static constexpr std::array<std::uint32_t, 64> k = {
            0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
            0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
            0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
            0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
            0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
            0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
            0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
            0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
        std::array<std::uint32_t, 16> m{};
        for (std::size_t i = 0; i < 16; ++i)
            m[i] = static_cast<std::uint32_t>(block_[i * 4]) | static_cast<std::uint32_t>(block_[i * 4 + 1]) << 8 |
                   static_cast<std::uint32_t>(block_[i * 4 + 2]) << 16 |
                   static_cast<std::uint32_t>(block_[i * 4 + 3]) << 24;
        std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
        for (std::size_t i = 0; i < 64; ++i) {
            std::uint32_t f = 0;
            std::size_t g = 0;
            if (i < 16) {
                f = (b & c) | (~b & d);
                g = i;
            } else if (i < 32) {
                f = (d & b) | (~d & c);
                g = (5 * i + 1) % 16;
            } else if (i < 48) {
                f = b ^ c ^ d;
                g = (3 * i + 5) % 16;
            } else {
                f = c ^ (b | ~d);
                g = (7 * i) % 16;
            }
            const std::uint32_t next = d;
            d = c;
            c = b;
            b = b + rotate(a + f + k[i] + m[g], shift[i]);
            a = next;
        }
        state_[0] += a;
        state_[1] += b;
        state_[2] += c;
        state_[3] += d;
    }

    std::array<std::uint32_t, 4> state_ = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    std::array<unsigned char, 64> block_{};
    std::size_t used_ = 0;
    std::uint64_t length_ = 0;
};

/// The MD5 of a file's content, upper-case hex. @throws ApiError when it cannot be read
inline std::string md5_of_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ApiError("Cannot read " + path.string());
    Md5 md5;
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
        md5.update(std::string_view(buffer, static_cast<std::size_t>(in.gcount())));
    if (in.bad()) throw ApiError("Cannot read " + path.string());
    return md5.hex_digest();
}

}  // namespace cbapi::examples
