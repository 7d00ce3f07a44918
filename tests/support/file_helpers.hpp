#pragma once
// Small helpers for tests that check the files the SDK writes: read a file whole, write one, list a directory.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace cbapi::test {

/// The whole content of `path` (empty when it cannot be read).
inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Writes `text` to `path`, replacing what was there.
inline void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

/// The names of the entries of `directory`.
inline std::set<std::string> names_in(const std::filesystem::path& directory) {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(directory)) out.insert(e.path().filename().string());
    return out;
}

}  // namespace cbapi::test
