#pragma once
/// @file
/// Local files the SDK and its examples write (binary downloads, Live Response `get_file` and memory dumps, exports).
/// The name a server supplies can never make the SDK write outside the directory the caller chose
/// (safe_output_path()), and every file is written through AtomicFile: never through a symbolic link, never left
/// half-written, and an existing file is replaced only by a complete new one.

#include "cbapi/fwd.hpp"

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
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
std::string safe_file_name(std::string_view server_name);

/// `directory / safe_file_name(server_name)`, checked to stay inside `directory`.
/// @param directory where the caller wants files @param server_name the name as the server gave it
/// @throws ApiError as safe_file_name()
std::filesystem::path safe_output_path(const std::filesystem::path& directory, std::string_view server_name);

/// Writes one file so that it is either left as it was or replaced by the complete new content: the bytes go to a
/// temporary file created exclusively (`O_CREAT|O_EXCL|O_NOFOLLOW`, an unpredictable name
/// `<name>.<random>.cbapi-tmp`) in the target's directory; commit() flushes it to disk (`fsync`) and renames it over
/// the target. Without commit() (an error, an exception, an early return) the destructor removes the temporary, so
/// no partial file is ever left under the target's name and an existing file keeps its content.
///
/// A target that is a symbolic link is refused (checked when opening and again before the rename; the rename
/// replaces a name and never writes through a link), as is a target that exists but is not a regular file.
///
/// After remove_temporary_files_on_signal(), SIGINT, SIGTERM and SIGHUP also remove the temporaries of open
/// AtomicFiles before the process ends. An AtomicFile is used by one thread at a time.
/// @code
/// cbapi::AtomicFile out("report.csv");
/// out.write("a,b\r\n");     // or out.stream() << ...
/// out.commit();              // report.csv now holds exactly this; before, it held its old content
/// @endcode
class AtomicFile {
public:
    /// Permission bits for files others should not read (downloads from endpoints, binaries, memory dumps).
    static constexpr unsigned private_mode = 0600;
    /// Permission bits for ordinary output (exports, reports).
    static constexpr unsigned shared_mode = 0644;

    /// Creates the temporary next to `target`.
    /// @param target the file to write (its directory must exist) @param mode permission bits of the new file
    ///        (before the umask)
    /// @throws ApiError when `target` is a symbolic link or exists and is not a regular file, or when the temporary
    ///         cannot be created
    explicit AtomicFile(const std::filesystem::path& target, unsigned mode = shared_mode);
    /// Removes the temporary unless commit() succeeded.
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// Appends bytes. @throws ApiError on a write error (disk full, ...) or after commit()/discard()
    void write(std::string_view data);
    /// A stream writing to the temporary (for `<<`); its errors are reported by commit().
    std::ostream& stream();
    /// The bytes written so far.
    std::uint64_t size() const;
    /// The file this writes.
    const std::filesystem::path& target() const;
    /// The temporary's path (empty after commit() or discard()).
    std::filesystem::path temporary_path() const;

    /// Flushes and syncs the temporary, then renames it over the target (and syncs the directory).
    /// @throws ApiError when a write failed, the data cannot be synced, the target became a symbolic link or
    ///         something other than a regular file, or the rename fails; the temporary is then removed (at the
    ///         latest by the destructor) and the target is as it was
    void commit();
    /// Removes the temporary now; the target is untouched. Idempotent.
    void discard() noexcept;
    /// Whether commit() succeeded.
    bool committed() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Writes `content` to `target` through an AtomicFile (see there).
/// @param target the file @param content its new content @param mode permission bits of the new file
/// @throws ApiError as AtomicFile
void write_file_atomically(const std::filesystem::path& target, std::string_view content,
                           unsigned mode = AtomicFile::shared_mode);

/// Installs handlers for SIGINT, SIGTERM and SIGHUP (those still at their default action) that remove the
/// temporaries of every open AtomicFile, then end the process by the same signal. For programs (the examples call
/// it); a library never installs signal handlers by itself. Idempotent.
void remove_temporary_files_on_signal();

namespace detail {

/// A scratch file without a name (created exclusively in a directory and unlinked at once, so nothing can be planted
/// at it and nothing is left behind, even by a hard kill): written once, then read back. Used for the zip of a
/// binary download before its member is extracted.
class ScratchFile {
public:
    /// @param directory where the space is taken (the target's directory) @throws ApiError when it cannot be created
    explicit ScratchFile(const std::filesystem::path& directory);
    ~ScratchFile();
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;

    /// Appends bytes. @throws ApiError on a write error
    void write(std::string_view data);
    /// The bytes written.
    std::uint64_t size() const;
    /// A seekable stream reading the file from its start (call after the last write()).
    std::istream& reader();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace detail

}  // namespace cbapi
