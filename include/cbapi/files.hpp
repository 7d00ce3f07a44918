#pragma once
/// @file
/// Local files named after server data (binary downloads, Live Response `get_file` and memory dumps, exports): the
/// name a server supplies can never make the SDK write outside the directory the caller chose.

#include <filesystem>
#include <string>
#include <string_view>

#include "cbapi/errors.hpp"

namespace cbapi {

/// A file name safe to create in a directory, made from a name a server supplied (a path on a Windows or Unix
/// endpoint, an id, a report title): its last path component (after the last '/' or '\\'), with control
/// characters, ':' and the characters Windows refuses in names replaced by '_', at most 200 bytes.
/// @param server_name the name as the server gave it
/// @return a single path component; never empty, ".", ".." or absolute
/// @throws ApiError when nothing usable is left ("", ".", "..")
inline std::string safe_file_name(std::string_view server_name) {
    const auto slash = server_name.find_last_of("/\\");
    std::string_view last = slash == std::string_view::npos ? server_name : server_name.substr(slash + 1);
    std::string out;
    out.reserve(last.size());
    for (const char c : last) {
        const auto b = static_cast<unsigned char>(c);
        const bool refused = b < 0x20 || b == 0x7F || std::string_view("<>:\"|?*").find(c) != std::string_view::npos;
        out.push_back(refused ? '_' : c);
    }
    if (out.size() > 200) out.resize(200);
    if (out.empty() || out == "." || out == "..")
        throw ApiError("Refusing to write a file named '" + std::string(server_name) +
                       "': the server-supplied name has no usable file name");
    return out;
}

/// `directory / safe_file_name(server_name)`, checked to stay inside `directory`.
/// @param directory where the caller wants files @param server_name the name as the server gave it
/// @throws ApiError as safe_file_name()
inline std::filesystem::path safe_output_path(const std::filesystem::path& directory, std::string_view server_name) {
    const std::filesystem::path result = directory / safe_file_name(server_name);
    const auto parent = result.lexically_normal().parent_path();
    if (parent != directory.lexically_normal() && parent != (directory / "").lexically_normal().parent_path())
        throw ApiError("Refusing to write '" + result.string() + "' outside '" + directory.string() + "'");
    return result;
}

}  // namespace cbapi
