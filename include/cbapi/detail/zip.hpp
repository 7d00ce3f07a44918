#pragma once
// Reading one member of a zip archive on disk, streamed: stored (method 0) and deflated (method 8) members, CRC-32
// checked. Used for Cb Response binary downloads (a zip with the member `filedata`). Memory stays bounded (a 32 KiB
// window) whatever the member's size. No zip64, no encryption (the server uses neither).
//
// Output is bounded: a member may not declare more than the caller's cap, inflating stops with an error as soon as
// the output would exceed the declared size (a zip bomb writes at most that many bytes), and the local header must
// agree with the central directory on the sizes and the CRC.

#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "cbapi/errors.hpp"

namespace cbapi::detail {

/// CRC-32 (IEEE 802.3, as zip uses), updatable.
class Crc32 {
public:
    /// Adds @p n bytes at @p data.
    void update(const char* data, std::size_t n) noexcept;
    /// The CRC of every byte added so far.
    std::uint32_t value() const noexcept { return crc_ ^ 0xFFFFFFFFu; }

private:
    std::uint32_t crc_ = 0xFFFFFFFFu;
};

/// A raw DEFLATE (RFC 1951) decoder reading from a stream and writing to another (after zlib's puff.c).
class Inflater {
public:
    /// @param in positioned at the start of the deflate data; at most `limit` bytes are read
    /// @param max_output the most bytes the data may inflate to (the member's declared size): decoding stops with an
    ///        ApiError before byte `max_output + 1` is written @param member the member's name, for error messages
    Inflater(std::istream& in, std::uint64_t limit, std::ostream& out, Crc32& crc,
             std::uint64_t max_output = std::numeric_limits<std::uint64_t>::max(), std::string_view member = {});

    /// Decodes every block. @return the number of bytes written @throws ApiError for corrupt data
    std::uint64_t run();

private:
    struct Huffman {
        std::array<short, 16> count{};
        std::vector<short> symbol;
    };

    [[noreturn]] static void fail(const char* why);
    unsigned byte();
    unsigned bits(int need);
    void put(unsigned char c);
    void flush();
    void stored();
    static int construct(Huffman& h, const short* length, int n);
    int decode(const Huffman& h);
    void codes(const Huffman& lencode, const Huffman& distcode);
    void fixed();
    void dynamic();

    static constexpr std::uint64_t window_size = 32768;
    std::istream& in_;
    std::uint64_t left_;
    std::ostream& out_;
    Crc32& crc_;
    unsigned long bitbuf_ = 0;
    int bitcnt_ = 0;
    std::uint64_t total_ = 0;
    std::array<unsigned char, window_size> window_{};
    std::string pending_;
    std::uint64_t max_output_;
    std::string member_;
    Huffman fixed_len_, fixed_dist_;
    bool fixed_ready_ = false;
};

/// A little-endian unsigned number of @p n bytes (n <= 4) at @p p.
std::uint32_t read_le(const unsigned char* p, int n);

/// The default cap on an extracted member (Binary::file()): the server keeps at most 25 MB of a binary.
inline constexpr std::uint64_t default_max_extracted_bytes = std::uint64_t(1) << 30;

/// The most bytes an archive holding one member of at most `max_member` bytes should take to download: the member,
/// deflate's worst case for stored data (about 1/64 more) and 1 MiB for headers and small metadata members.
inline constexpr std::uint64_t max_archive_bytes(std::uint64_t max_member) {
    return max_member + max_member / 64 + (std::uint64_t(1) << 20);
}

/// The names of the members of a zip archive read from `in` (seekable, positioned anywhere), in central directory
/// order (used for raw-sensor-data zips, whose member names are not known in advance).
/// @throws ApiError when the data is not a zip archive or its central directory is corrupt
std::vector<std::string> zip_member_names(std::istream& in);

/// Extracts the member `name` of a zip archive read from `in` (seekable, positioned anywhere) into `out`.
/// @param max_bytes the most bytes the member may declare (and so write)
/// @return the number of bytes written
/// @throws ApiError when the data is not a zip, lacks the member, uses an unsupported feature, declares more than
///         `max_bytes`, inflates to more than it declares (nothing beyond the declared size is written), has a local
///         header that disagrees with the central directory, or fails its CRC
std::uint64_t extract_zip_member(std::istream& in, const std::string& name, std::ostream& out,
                                 std::uint64_t max_bytes = default_max_extracted_bytes);

/// Extracts the member `name` of the zip file `zip_path` into `out`; see the stream form.
std::uint64_t extract_zip_member(const std::string& zip_path, const std::string& name, std::ostream& out,
                                 std::uint64_t max_bytes = default_max_extracted_bytes);

}  // namespace cbapi::detail
