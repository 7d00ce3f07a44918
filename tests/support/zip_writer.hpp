#pragma once
// Crafting zip archives in tests, honest or hostile: stored or deflated members, sizes and CRCs that the local
// header and the central directory may each state differently, and deflate streams that inflate to far more than
// they take (zip bombs), built in a few hundred kilobytes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cbapi/detail/zip.hpp"

namespace cbapi::test {

inline void put16(std::string& s, unsigned v) {
    s.push_back(static_cast<char>(v & 0xFF));
    s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
inline void put32(std::string& s, std::uint32_t v) {
    put16(s, v & 0xFFFF);
    put16(s, v >> 16);
}

inline std::uint32_t crc32(const std::string& data) {
    detail::Crc32 crc;
    crc.update(data.data(), data.size());
    return crc.value();
}

/// Writes raw deflate bits (LSB first) and fixed-Huffman codes (MSB first).
class DeflateBits {
public:
    void bits(std::uint32_t value, int n) {
        buffer_ |= static_cast<std::uint64_t>(value) << count_;
        count_ += n;
        while (count_ >= 8) {
            out_.push_back(static_cast<char>(buffer_ & 0xFF));
            buffer_ >>= 8;
            count_ -= 8;
        }
    }
    void code(std::uint32_t code, int n) {
        std::uint32_t reversed = 0;
        for (int i = 0; i < n; ++i) reversed |= ((code >> i) & 1U) << (n - 1 - i);
        bits(reversed, n);
    }
    void literal(unsigned char c) {
        if (c < 144)
            code(0x30U + c, 8);
        else
            code(0x190U + (c - 144U), 9);
    }
    void end_of_block() { code(0, 7); }
    std::string finish() {
        if (count_ > 0) out_.push_back(static_cast<char>(buffer_ & 0xFF));
        count_ = 0;
        buffer_ = 0;
        return out_;
    }

private:
    std::string out_;
    std::uint64_t buffer_ = 0;
    int count_ = 0;
};

/// One fixed-Huffman block of literals only.
inline std::string deflate_literals(const std::string& data) {
    DeflateBits d;
    d.bits(1, 1);  // last block
    d.bits(1, 2);  // fixed Huffman
    for (char c : data) d.literal(static_cast<unsigned char>(c));
    d.end_of_block();
    return d.finish();
}

/// `count` copies of `byte` (count >= 1): one literal, then matches of length 258 at distance 1 (13 bits each), so
/// 50 MB take about 300 KB.
inline std::string deflate_run(char byte, std::uint64_t count) {
    DeflateBits d;
    d.bits(1, 1);
    d.bits(1, 2);
    d.literal(static_cast<unsigned char>(byte));
    std::uint64_t left = count - 1;
    for (; left >= 258; left -= 258) {
        d.code(0xC5, 8);  // length symbol 285: 258
        d.code(0, 5);     // distance symbol 0: 1
    }
    for (; left > 0; --left) d.literal(static_cast<unsigned char>(byte));
    d.end_of_block();
    return d.finish();
}

/// A member as written: `payload` is what the archive holds (already deflated for method 8). The central directory
/// states `crc`, `compressed_size` and `size`; the local header states the same unless an override is set.
struct ZipMember {
    std::string name;
    std::string payload;
    unsigned method = 0;
    std::uint32_t crc = 0;
    std::uint32_t compressed_size = 0;
    std::uint32_t size = 0;
    std::optional<std::uint32_t> local_size;
    std::optional<std::uint32_t> local_compressed_size;
    std::optional<std::uint32_t> local_crc;
    unsigned flags = 0;
};

/// An honest stored member.
inline ZipMember stored_member(std::string name, const std::string& data) {
    return ZipMember{std::move(name), data, 0, crc32(data), static_cast<std::uint32_t>(data.size()),
                     static_cast<std::uint32_t>(data.size()), {}, {}, {}, 0};
}
/// An honest deflated member.
inline ZipMember deflated_member(std::string name, const std::string& data) {
    const std::string packed = deflate_literals(data);
    return ZipMember{std::move(name), packed, 8, crc32(data), static_cast<std::uint32_t>(packed.size()),
                     static_cast<std::uint32_t>(data.size()), {}, {}, {}, 0};
}
/// A member whose deflate stream inflates to `real_size` bytes of 'A' while it declares `declared_size` (with the
/// CRC of `declared_size` bytes of 'A', so only the size gives it away).
inline ZipMember bomb_member(std::string name, std::uint64_t real_size, std::uint32_t declared_size) {
    const std::string packed = deflate_run('A', real_size);
    return ZipMember{std::move(name), packed, 8, crc32(std::string(declared_size, 'A')),
                     static_cast<std::uint32_t>(packed.size()), declared_size, {}, {}, {}, 0};
}

inline std::string zip_archive(const std::vector<ZipMember>& members) {
    std::string zip, central;
    for (const auto& m : members) {
        const auto offset = static_cast<std::uint32_t>(zip.size());
        put32(zip, 0x04034b50);
        put16(zip, 20);
        put16(zip, m.flags);
        put16(zip, m.method);
        put16(zip, 0);
        put16(zip, 0x4B09);
        put32(zip, m.local_crc.value_or(m.crc));
        put32(zip, m.local_compressed_size.value_or(m.compressed_size));
        put32(zip, m.local_size.value_or(m.size));
        put16(zip, static_cast<unsigned>(m.name.size()));
        put16(zip, 0);
        zip += m.name;
        zip += m.payload;
        put32(central, 0x02014b50);
        put16(central, 20);
        put16(central, 20);
        put16(central, m.flags);
        put16(central, m.method);
        put16(central, 0);
        put16(central, 0x4B09);
        put32(central, m.crc);
        put32(central, m.compressed_size);
        put32(central, m.size);
        put16(central, static_cast<unsigned>(m.name.size()));
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put32(central, 0);
        put32(central, offset);
        central += m.name;
    }
    const auto cd_offset = static_cast<std::uint32_t>(zip.size());
    zip += central;
    put32(zip, 0x06054b50);
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, static_cast<unsigned>(members.size()));
    put16(zip, static_cast<unsigned>(members.size()));
    put32(zip, static_cast<std::uint32_t>(central.size()));
    put32(zip, cd_offset);
    put16(zip, 0);
    return zip;
}

}  // namespace cbapi::test
