#pragma once
// Helpers of the Cb Response examples that report on binaries (new_binaries_after_date, new_binaries_with_netconns):
// the PE link time of a binary the server holds (as Python's time.asctime(time.gmtime(...)) prints it) and CSV rows.

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <string>
#include <system_error>

#include "cbapi/errors.hpp"
#include "cbapi/response/binary.hpp"
#include "common/process_output.hpp"

namespace cbapi::examples {

/// Whether `text` is a date as YYYY-MM-DD (digits and dashes in place; the server checks the rest).
inline bool is_date(const std::string& text) {
    if (text.size() != 10) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 4 || i == 7;
        if (dash ? text[i] != '-' : !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    }
    return true;
}

/// A directory only this process can use (mode 0700, unpredictable name), removed with what it holds.
class ScratchDirectory {
public:
    /// @throws ApiError when it cannot be created
    ScratchDirectory() {
        std::string pattern = (std::filesystem::temp_directory_path() / "cbapi-example.XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw ApiError("Cannot create a temporary directory in " + pattern);
        path_ = pattern;
    }
    ~ScratchDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// The link time (`FILE_HEADER.TimeDateStamp`) of a PE file's first bytes; nothing when they are not a PE file.
inline std::optional<std::uint32_t> pe_link_time(const std::string& head) {
    const auto le32 = [&](std::size_t at) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(head[at])) |
               static_cast<std::uint32_t>(static_cast<unsigned char>(head[at + 1])) << 8 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(head[at + 2])) << 16 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(head[at + 3])) << 24;
    };
    if (head.size() < 0x40 || head[0] != 'M' || head[1] != 'Z') return std::nullopt;
    const std::size_t pe = le32(0x3C);
    if (pe > head.size() || head.size() - pe < 12 || head.compare(pe, 4, std::string("PE\0\0", 4)) != 0)
        return std::nullopt;
    return le32(pe + 8);
}

/// A time in seconds since 1970 as Python's time.asctime(time.gmtime(t)): "Sun Aug 14 15:33:20 2016".
inline std::string asctime_utc(std::uint32_t seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[64];
    return std::string(buf, std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &tm));
}

/// Downloads a binary (into `scratch`, removed afterwards) and reads its PE link time.
/// @return the time as asctime_utc() prints it; nothing when the file is not a PE file
/// @throws ObjectNotFoundError when the server does not hold the file; the download's errors
inline std::optional<std::string> binary_link_time(const cbapi::response::Binary& binary,
                                                   const ScratchDirectory& scratch) {
    const auto file = scratch.path() / "binary";
    binary.file(file.string());
    std::string head(64 * 1024, '\0');
    {
        std::ifstream in(file, std::ios::binary);
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<std::size_t>(in.gcount()));
    }
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    const auto linked = pe_link_time(head);
    if (!linked) return std::nullopt;
    return asctime_utc(*linked);
}

/// One CSV row (Excel dialect, as Python's csv module writes it): fields quoted when needed, ended by "\r\n".
inline std::string csv_row(std::initializer_list<std::string> fields) {
    std::string row;
    for (const auto& f : fields) {
        if (!row.empty() || &f != fields.begin()) row += ',';
        row += csv_field(f);
    }
    return row + "\r\n";
}

}  // namespace cbapi::examples
