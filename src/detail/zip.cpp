// Reading one member of a zip archive (cbapi/detail/zip.hpp): the CRC-32, the DEFLATE decoder (after zlib's puff.c)
// and the central-directory walk.

#include "cbapi/detail/zip.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cbapi/errors.hpp"

namespace cbapi::detail {

void Crc32::update(const char* data, std::size_t n) noexcept {
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    for (std::size_t i = 0; i < n; ++i)
        crc_ = table[(crc_ ^ static_cast<unsigned char>(data[i])) & 0xFF] ^ (crc_ >> 8);
}

Inflater::Inflater(std::istream& in, std::uint64_t limit, std::ostream& out, Crc32& crc, std::uint64_t max_output,
                   std::string_view member)
    : in_(in), left_(limit), out_(out), crc_(crc), max_output_(max_output), member_(member) {}

std::uint64_t Inflater::run() {
    int last = 0;
    do {
        last = static_cast<int>(bits(1));
        const unsigned type = bits(2);
        if (type == 0)
            stored();
        else if (type == 1)
            fixed();
        else if (type == 2)
            dynamic();
        else
            fail("invalid block type");
    } while (last == 0);
    flush();
    return total_;
}

[[noreturn]] void Inflater::fail(const char* why) { throw ApiError(std::string("Corrupt deflate data in zip: ") + why); }

unsigned Inflater::byte() {
    if (left_ == 0) fail("unexpected end of data");
    const int c = in_.get();
    if (c == std::char_traits<char>::eof()) fail("unexpected end of file");
    --left_;
    return static_cast<unsigned>(c);
}
unsigned Inflater::bits(int need) {
    unsigned long val = bitbuf_;
    while (bitcnt_ < need) {
        val |= static_cast<unsigned long>(byte()) << bitcnt_;
        bitcnt_ += 8;
    }
    bitbuf_ = val >> need;
    bitcnt_ -= need;
    return static_cast<unsigned>(val & ((1UL << need) - 1));
}

void Inflater::put(unsigned char c) {
    if (total_ >= max_output_) {
        flush();
        throw ApiError("Zip member '" + member_ + "' inflates to more than its declared " +
                       std::to_string(max_output_) + " bytes (stopped after writing " + std::to_string(total_) +
                       " bytes)");
    }
    window_[static_cast<std::size_t>(total_ & (window_size - 1))] = c;
    ++total_;
    pending_.push_back(static_cast<char>(c));
    if (pending_.size() >= 65536) flush();
}
void Inflater::flush() {
    if (pending_.empty()) return;
    crc_.update(pending_.data(), pending_.size());
    out_.write(pending_.data(), static_cast<std::streamsize>(pending_.size()));
    if (!out_) throw ApiError("Cannot write the extracted file");
    pending_.clear();
}

void Inflater::stored() {
    bitbuf_ = 0;
    bitcnt_ = 0;
    unsigned len = byte();
    len |= byte() << 8;
    unsigned nlen = byte();
    nlen |= byte() << 8;
    if (len != (~nlen & 0xFFFFu)) fail("stored block length mismatch");
    while (len-- > 0) put(static_cast<unsigned char>(byte()));
}

int Inflater::construct(Huffman& h, const short* length, int n) {
    h.count.fill(0);
    h.symbol.assign(static_cast<std::size_t>(n), 0);
    for (int s = 0; s < n; ++s) h.count[static_cast<std::size_t>(length[s])]++;
    if (h.count[0] == n) return 0;
    int left = 1;
    for (int len = 1; len < 16; ++len) {
        left <<= 1;
        left -= h.count[static_cast<std::size_t>(len)];
        if (left < 0) return left;
    }
    std::array<short, 16> offs{};
    for (int len = 1; len < 15; ++len)
        offs[static_cast<std::size_t>(len + 1)] =
            static_cast<short>(offs[static_cast<std::size_t>(len)] + h.count[static_cast<std::size_t>(len)]);
    for (int s = 0; s < n; ++s)
        if (length[s] != 0) h.symbol[static_cast<std::size_t>(offs[static_cast<std::size_t>(length[s])]++)] = static_cast<short>(s);
    return left;
}

int Inflater::decode(const Huffman& h) {
    int code = 0, first = 0, index = 0;
    for (int len = 1; len < 16; ++len) {
        code |= static_cast<int>(bits(1));
        const int count = h.count[static_cast<std::size_t>(len)];
        if (code - count < first) return h.symbol[static_cast<std::size_t>(index + (code - first))];
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
    }
    fail("invalid Huffman code");
}

void Inflater::codes(const Huffman& lencode, const Huffman& distcode) {
    static constexpr short lbase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                        31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static constexpr short lext[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static constexpr short dbase[30] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                                        193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static constexpr short dext[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    int symbol = 0;
    do {
        symbol = decode(lencode);
        if (symbol < 256) {
            put(static_cast<unsigned char>(symbol));
        } else if (symbol > 256) {
            symbol -= 257;
            if (symbol >= 29) fail("invalid length symbol");
            const unsigned len = static_cast<unsigned>(lbase[symbol]) + bits(lext[symbol]);
            const int dsym = decode(distcode);
            if (dsym < 0 || dsym >= 30) fail("invalid distance symbol");
            const unsigned dist = static_cast<unsigned>(dbase[dsym]) + bits(dext[dsym]);
            if (dist > total_) fail("distance too far back");
            for (unsigned i = 0; i < len; ++i)
                put(window_[static_cast<std::size_t>((total_ - dist) & (window_size - 1))]);
        }
    } while (symbol != 256);
}

void Inflater::fixed() {
    if (!fixed_ready_) {
        short lengths[288];
        int s = 0;
        for (; s < 144; ++s) lengths[s] = 8;
        for (; s < 256; ++s) lengths[s] = 9;
        for (; s < 280; ++s) lengths[s] = 7;
        for (; s < 288; ++s) lengths[s] = 8;
        construct(fixed_len_, lengths, 288);
        for (s = 0; s < 30; ++s) lengths[s] = 5;
        construct(fixed_dist_, lengths, 30);
        fixed_ready_ = true;
    }
    codes(fixed_len_, fixed_dist_);
}

void Inflater::dynamic() {
    static constexpr short order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    short lengths[320] = {};
    const int nlen = static_cast<int>(bits(5)) + 257;
    const int ndist = static_cast<int>(bits(5)) + 1;
    const int ncode = static_cast<int>(bits(4)) + 4;
    if (nlen > 286 || ndist > 30) fail("bad counts");
    int index = 0;
    for (; index < ncode; ++index) lengths[order[index]] = static_cast<short>(bits(3));
    for (; index < 19; ++index) lengths[order[index]] = 0;
    Huffman lencode, distcode;
    if (construct(lencode, lengths, 19) != 0) fail("incomplete code-length code");
    index = 0;
    while (index < nlen + ndist) {
        int symbol = decode(lencode);
        if (symbol < 16) {
            lengths[index++] = static_cast<short>(symbol);
        } else {
            short len = 0;
            if (symbol == 16) {
                if (index == 0) fail("repeat with no first length");
                len = lengths[index - 1];
                symbol = 3 + static_cast<int>(bits(2));
            } else if (symbol == 17) {
                symbol = 3 + static_cast<int>(bits(3));
            } else {
                symbol = 11 + static_cast<int>(bits(7));
            }
            if (index + symbol > nlen + ndist) fail("too many lengths");
            while (symbol-- > 0) lengths[index++] = len;
        }
    }
    if (lengths[256] == 0) fail("no end-of-block code");
    int err = construct(lencode, lengths, nlen);
    if (err < 0 || (err > 0 && nlen - lencode.count[0] != 1)) fail("incomplete literal/length code");
    err = construct(distcode, lengths + nlen, ndist);
    if (err < 0 || (err > 0 && ndist - distcode.count[0] != 1)) fail("incomplete distance code");
    codes(lencode, distcode);
}

std::uint32_t read_le(const unsigned char* p, int n) {
    std::uint32_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

// The archive's size and its central directory's number of entries.
struct CentralDirectory {
    std::uint64_t archive_size = 0;
    std::uint32_t entries = 0;
};

// Finds the end-of-central-directory record and seeks `in` to the central directory. `not_zip` is the message when
// there is no such record.
static CentralDirectory seek_central_directory(std::istream& in, const char* not_zip) {
    in.seekg(0, std::ios::end);
    const auto end = in.tellg();
    if (!in || end < 0) throw ApiError("Cannot read the zip archive");
    const auto size = static_cast<std::uint64_t>(end);
    const std::uint64_t tail = std::min<std::uint64_t>(size, 65535 + 22);
    std::vector<unsigned char> buf(static_cast<std::size_t>(tail));
    in.seekg(static_cast<std::streamoff>(size - tail));
    in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(tail));
    std::size_t eocd = std::string::npos;
    for (std::size_t i = tail >= 22 ? static_cast<std::size_t>(tail - 22) + 1 : 0; i-- > 0;) {
        if (read_le(&buf[i], 4) == 0x06054b50) {
            eocd = i;
            break;
        }
    }
    if (eocd == std::string::npos) throw ApiError(not_zip);
    const std::uint32_t entries = read_le(&buf[eocd + 10], 2);
    const std::uint32_t cd_offset = read_le(&buf[eocd + 16], 4);
    if (cd_offset == 0xFFFFFFFFu || cd_offset >= size) throw ApiError("Unsupported zip archive (zip64 or corrupt)");
    in.seekg(cd_offset);
    return {size, entries};
}

std::vector<std::string> zip_member_names(std::istream& in) {
    const std::uint32_t entries =
        seek_central_directory(in, "Not a zip archive (no end of central directory)").entries;
    std::vector<std::string> names;
    for (std::uint32_t e = 0; e < entries; ++e) {
        unsigned char h[46];
        if (!in.read(reinterpret_cast<char*>(h), 46) || read_le(h, 4) != 0x02014b50)
            throw ApiError("Corrupt zip central directory");
        const std::uint32_t name_len = read_le(h + 28, 2), extra_len = read_le(h + 30, 2), comment_len = read_le(h + 32, 2);
        std::string entry_name(name_len, '\0');
        if (!in.read(entry_name.data(), name_len)) throw ApiError("Corrupt zip central directory");
        in.seekg(extra_len + comment_len, std::ios::cur);
        names.push_back(std::move(entry_name));
    }
    return names;
}

std::uint64_t extract_zip_member(std::istream& in, const std::string& name, std::ostream& out,
                                 std::uint64_t max_bytes) {
    const CentralDirectory directory =
        seek_central_directory(in, "The download is not a zip archive (no end of central directory)");
    const std::uint64_t size = directory.archive_size;
    const std::uint32_t entries = directory.entries;
    for (std::uint32_t e = 0; e < entries; ++e) {
        unsigned char h[46];
        if (!in.read(reinterpret_cast<char*>(h), 46) || read_le(h, 4) != 0x02014b50)
            throw ApiError("Corrupt zip central directory");
        const std::uint32_t flags = read_le(h + 8, 2), method = read_le(h + 10, 2), crc = read_le(h + 16, 4);
        const std::uint32_t csize = read_le(h + 20, 4), usize = read_le(h + 24, 4);
        const std::uint32_t name_len = read_le(h + 28, 2), extra_len = read_le(h + 30, 2), comment_len = read_le(h + 32, 2);
        const std::uint32_t local = read_le(h + 42, 4);
        std::string entry_name(name_len, '\0');
        in.read(entry_name.data(), name_len);
        in.seekg(extra_len + comment_len, std::ios::cur);
        if (entry_name != name) continue;
        if ((flags & 1) != 0) throw ApiError("Zip member '" + name + "' is encrypted");
        if (csize == 0xFFFFFFFFu || usize == 0xFFFFFFFFu) throw ApiError("Unsupported zip archive (zip64)");
        if (usize > max_bytes)
            throw ApiError("Zip member '" + name + "' declares " + std::to_string(usize) +
                           " bytes, more than the limit of " + std::to_string(max_bytes) + " bytes");
        unsigned char lh[30];
        in.seekg(local);
        if (!in.read(reinterpret_cast<char*>(lh), 30) || read_le(lh, 4) != 0x04034b50) throw ApiError("Corrupt zip local header");
        // The local header must describe the same member as the central directory: a bomb may declare a small size
        // in one and a large one in the other. With a data descriptor (flag bit 3) the local fields may be zero.
        const bool descriptor = (read_le(lh + 6, 2) & 8) != 0;
        const auto agrees = [&](std::uint32_t local_value, std::uint32_t central_value) {
            return local_value == central_value || (descriptor && local_value == 0);
        };
        const std::uint32_t local_crc = read_le(lh + 14, 4), local_csize = read_le(lh + 18, 4), local_usize = read_le(lh + 22, 4);
        if (read_le(lh + 8, 2) != method || !agrees(local_crc, crc) || !agrees(local_csize, csize) || !agrees(local_usize, usize))
            throw ApiError("Zip member '" + name + "' is corrupt: its local header (" + std::to_string(local_usize) +
                           " bytes, " + std::to_string(local_csize) + " compressed) disagrees with the central directory (" +
                           std::to_string(usize) + " bytes, " + std::to_string(csize) + " compressed)");
        const std::uint32_t local_name_len = read_le(lh + 26, 2);
        std::string local_name(local_name_len, '\0');
        in.read(local_name.data(), local_name_len);
        if (!in || local_name != name) throw ApiError("Zip member '" + name + "' is corrupt: its local header names another member");
        in.seekg(read_le(lh + 28, 2), std::ios::cur);
        const auto data_start = in.tellg();
        if (!in || data_start < 0 || static_cast<std::uint64_t>(data_start) + csize > size)
            throw ApiError("Truncated zip member '" + name + "'");
        Crc32 check;
        std::uint64_t written = 0;
        if (method == 0) {
            if (csize != usize)
                throw ApiError("Zip member '" + name + "' is corrupt: stored with " + std::to_string(csize) +
                               " bytes but declares " + std::to_string(usize));
            std::vector<char> chunk(65536);
            std::uint64_t left = csize;
            while (left > 0) {
                const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
                if (!in.read(chunk.data(), static_cast<std::streamsize>(n))) throw ApiError("Truncated zip member '" + name + "'");
                check.update(chunk.data(), n);
                out.write(chunk.data(), static_cast<std::streamsize>(n));
                if (!out) throw ApiError("Cannot write the extracted file");
                left -= n;
                written += n;
            }
        } else if (method == 8) {
            written = Inflater(in, csize, out, check, usize, name).run();
        } else {
            throw ApiError("Zip member '" + name + "' uses unsupported compression method " + std::to_string(method));
        }
        if (written != usize || check.value() != crc)
            throw ApiError("Zip member '" + name + "' is corrupt (size or CRC-32 mismatch: " + std::to_string(written) +
                           " bytes, " + std::to_string(usize) + " declared)");
        return written;
    }
    throw ApiError("The zip archive has no member '" + name + "'");
}

std::uint64_t extract_zip_member(const std::string& zip_path, const std::string& name, std::ostream& out,
                                 std::uint64_t max_bytes) {
    std::ifstream in(zip_path, std::ios::binary);
    if (!in) throw ApiError("Cannot open " + zip_path);
    return extract_zip_member(in, name, out, max_bytes);
}

}  // namespace cbapi::detail
