// AtomicFile, ScratchFile and the signal clean-up of temporaries (POSIX: openat/renameat relative to the target's
// directory, so the directory is resolved once and every later step works on the same one).
#include "cbapi/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <istream>
#include <ostream>
#include <random>
#include <streambuf>
#include <string>
#include <string_view>
#include <utility>

#include "cbapi/errors.hpp"

namespace cbapi {
namespace {

std::string os_error(int err) { return std::strerror(err); }

[[noreturn]] void fail(const std::string& what, int err) { throw ApiError(what + ": " + os_error(err)); }

/// 64 unpredictable bits as 16 hex digits.
std::string random_hex() {
    std::random_device rd;
    const std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    std::array<char, 17> text{};
    std::snprintf(text.data(), text.size(), "%016llx", static_cast<unsigned long long>(v));
    return text.data();
}

bool write_all(int fd, const char* data, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, data, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

/// The directory part of a target path ("." when it has none).
std::filesystem::path directory_of(const std::filesystem::path& target) {
    const auto parent = target.parent_path();
    return parent.empty() ? std::filesystem::path(".") : parent;
}

int open_directory(const std::filesystem::path& directory, const std::string& for_what) {
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail("Cannot write '" + for_what + "': cannot open the directory '" + directory.string() + "'", errno);
    return fd;
}

/// Creates `<base>.<random>.cbapi-tmp` exclusively in `dirfd`. @return the fd and the name
std::pair<int, std::string> create_temporary(int dirfd, const std::string& base, unsigned mode, int access,
                                             const std::string& for_what) {
    // Keep the name within NAME_MAX (255) whatever the target's name.
    const std::string stem = base.substr(0, 200);
    for (int attempt = 0;; ++attempt) {
        std::string name = stem + "." + random_hex() + ".cbapi-tmp";
        const int fd = ::openat(dirfd, name.c_str(), access | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                static_cast<mode_t>(mode));
        if (fd >= 0) return {fd, std::move(name)};
        if (errno != EEXIST || attempt == 16) fail("Cannot create a temporary file for '" + for_what + "'", errno);
    }
}

// --- the temporaries a signal handler removes ------------------------------------------------------------------
// Fixed slots that an async-signal-safe handler can walk: state 0 free, 1 being written, 2 holding a path. A path
// that does not fit, or a full table, is simply not registered (its temporary then survives a signal; its name says
// what it is).

struct Slot {
    std::atomic<int> state{0};
    std::array<char, 1024> path{};
};
std::array<Slot, 64> slots;

int register_temporary(const std::filesystem::path& path) {
    std::error_code ec;
    const std::string text = std::filesystem::absolute(path, ec).string();
    if (ec || text.size() >= Slot().path.size()) return -1;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        int expected = 0;
        if (!slots[i].state.compare_exchange_strong(expected, 1)) continue;
        std::memcpy(slots[i].path.data(), text.c_str(), text.size() + 1);
        slots[i].state.store(2);
        return static_cast<int>(i);
    }
    return -1;
}

void unregister_temporary(int slot) {
    if (slot >= 0) slots[static_cast<std::size_t>(slot)].state.store(0);
}

extern "C" void remove_temporaries_and_die(int sig) {
    const int saved = errno;
    for (auto& slot : slots)
        if (slot.state.load() == 2) ::unlink(slot.path.data());
    std::signal(sig, SIG_DFL);
    errno = saved;
    std::raise(sig);
}

// --- streams over a file descriptor --------------------------------------------------------------------------------

/// A buffered output streambuf writing to an fd; remembers the first error.
class FdOutBuf : public std::streambuf {
public:
    explicit FdOutBuf(int fd) : fd_(fd) { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
    int error() const { return error_; }
    std::uint64_t written() const { return written_ + static_cast<std::uint64_t>(pptr() - pbase()); }

protected:
    int_type overflow(int_type c) override {
        if (!drain()) return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override { return drain() ? 0 : -1; }

private:
    bool drain() {
        if (error_ != 0) return false;
        const auto n = static_cast<std::size_t>(pptr() - pbase());
        if (n > 0 && !write_all(fd_, pbase(), n)) {
            error_ = errno;
            return false;
        }
        written_ += n;
        setp(buffer_.data(), buffer_.data() + buffer_.size());
        return true;
    }

    int fd_;
    int error_ = 0;
    std::uint64_t written_ = 0;
    std::array<char, 65536> buffer_{};
};

/// A buffered, seekable input streambuf reading from an fd.
class FdInBuf : public std::streambuf {
public:
    explicit FdInBuf(int fd) : fd_(fd) { setg(buffer_.data(), buffer_.data(), buffer_.data()); }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        ssize_t n = 0;
        do {
            n = ::read(fd_, buffer_.data(), buffer_.size());
        } while (n < 0 && errno == EINTR);
        if (n <= 0) return traits_type::eof();
        setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
        return traits_type::to_int_type(*gptr());
    }
    pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override {
        off_type target = off;
        if (dir == std::ios_base::cur) {
            const off_t at = ::lseek(fd_, 0, SEEK_CUR);
            if (at < 0) return pos_type(off_type(-1));
            target = static_cast<off_type>(at) - (egptr() - gptr()) + off;
        } else if (dir == std::ios_base::end) {
            struct stat st {};
            if (::fstat(fd_, &st) != 0) return pos_type(off_type(-1));
            target = static_cast<off_type>(st.st_size) + off;
        }
        if (target < 0 || ::lseek(fd_, static_cast<off_t>(target), SEEK_SET) < 0) return pos_type(off_type(-1));
        setg(buffer_.data(), buffer_.data(), buffer_.data());
        return pos_type(target);
    }
    pos_type seekpos(pos_type pos, std::ios_base::openmode which) override {
        return seekoff(off_type(pos), std::ios_base::beg, which);
    }

private:
    int fd_;
    std::array<char, 65536> buffer_{};
};

/// What is at `name` in `dirfd`, not following a link: refuses links and anything but a regular file.
void check_target(int dirfd, const std::string& name, const std::filesystem::path& target) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) return;
        fail("Cannot write '" + target.string() + "'", errno);
    }
    if (S_ISLNK(st.st_mode))
        throw ApiError("Refusing to write '" + target.string() +
                       "': it is not a regular file: it is a symbolic link (the SDK never writes through one)");
    if (!S_ISREG(st.st_mode))
        throw ApiError("Refusing to replace '" + target.string() + "': it is not a regular file");
}

}  // namespace

// --- Names a server supplied ---------------------------------------------------------------------------------------

std::string safe_file_name(std::string_view server_name) {
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

std::filesystem::path safe_output_path(const std::filesystem::path& directory, std::string_view server_name) {
    const std::filesystem::path result = directory / safe_file_name(server_name);
    const auto parent = result.lexically_normal().parent_path();
    if (parent != directory.lexically_normal() && parent != (directory / "").lexically_normal().parent_path())
        throw ApiError("Refusing to write '" + result.string() + "' outside '" + directory.string() + "'");
    return result;
}

// --- AtomicFile ------------------------------------------------------------------------------------------------------

struct AtomicFile::Impl {
    std::filesystem::path target;
    std::filesystem::path directory;
    std::string name;           // the target's last component
    std::string temporary;      // the temporary's name in `dirfd` ("" once renamed or removed)
    int dirfd = -1;
    int fd = -1;
    int slot = -1;
    bool committed = false;
    std::unique_ptr<FdOutBuf> buffer;
    std::unique_ptr<std::ostream> out;

    void close_fd() noexcept {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    void remove_temporary() noexcept {
        close_fd();
        if (!temporary.empty()) ::unlinkat(dirfd, temporary.c_str(), 0);  // before unregistering: see the handler
        temporary.clear();
        unregister_temporary(slot);
        slot = -1;
    }
    ~Impl() {
        remove_temporary();
        if (dirfd >= 0) ::close(dirfd);
    }
};

AtomicFile::AtomicFile(const std::filesystem::path& target, unsigned mode) : impl_(std::make_unique<Impl>()) {
    auto& d = *impl_;
    d.target = target;
    d.name = target.filename().string();
    if (d.name.empty() || d.name == "." || d.name == "..")
        throw ApiError("Cannot write '" + target.string() + "': it does not name a file");
    d.directory = directory_of(target);
    d.dirfd = open_directory(d.directory, target.string());
    check_target(d.dirfd, d.name, target);
    auto [fd, temporary] = create_temporary(d.dirfd, d.name, mode, O_WRONLY, target.string());
    d.fd = fd;
    d.temporary = std::move(temporary);
    d.slot = register_temporary(d.directory / d.temporary);
    d.buffer = std::make_unique<FdOutBuf>(d.fd);
    d.out = std::make_unique<std::ostream>(d.buffer.get());
}

AtomicFile::~AtomicFile() = default;

void AtomicFile::write(std::string_view data) {
    auto& d = *impl_;
    if (d.fd < 0) throw ApiError("Cannot write '" + d.target.string() + "': the file was already committed or discarded");
    d.out->write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!*d.out) fail("Cannot write '" + d.target.string() + "'", d.buffer->error() != 0 ? d.buffer->error() : EIO);
}

std::ostream& AtomicFile::stream() { return *impl_->out; }

std::uint64_t AtomicFile::size() const { return impl_->buffer ? impl_->buffer->written() : 0; }

const std::filesystem::path& AtomicFile::target() const { return impl_->target; }

std::filesystem::path AtomicFile::temporary_path() const {
    return impl_->temporary.empty() ? std::filesystem::path() : impl_->directory / impl_->temporary;
}

void AtomicFile::commit() {
    auto& d = *impl_;
    const std::string what = "Cannot write '" + d.target.string() + "'";
    if (d.fd < 0) throw ApiError(what + ": the file was already committed or discarded");
    try {
        d.out->flush();
        if (!*d.out) fail(what, d.buffer->error() != 0 ? d.buffer->error() : EIO);
        if (::fsync(d.fd) != 0) fail(what, errno);
        const int fd = d.fd;
        d.fd = -1;
        if (::close(fd) != 0) fail(what, errno);
        check_target(d.dirfd, d.name, d.target);  // planted since we opened it?
        if (::renameat(d.dirfd, d.temporary.c_str(), d.dirfd, d.name.c_str()) != 0) fail(what, errno);
    } catch (...) {
        d.remove_temporary();
        throw;
    }
    d.temporary.clear();
    unregister_temporary(d.slot);
    d.slot = -1;
    d.committed = true;
    ::fsync(d.dirfd);  // the rename itself on disk; a failure here cannot undo it, and the data is complete
}

void AtomicFile::discard() noexcept { impl_->remove_temporary(); }

bool AtomicFile::committed() const { return impl_->committed; }

void write_file_atomically(const std::filesystem::path& target, std::string_view content, unsigned mode) {
    AtomicFile file(target, mode);
    file.write(content);
    file.commit();
}

void remove_temporary_files_on_signal() {
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction current {};
        if (::sigaction(sig, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
        struct sigaction action {};
        action.sa_handler = remove_temporaries_and_die;
        sigemptyset(&action.sa_mask);
        ::sigaction(sig, &action, nullptr);
    }
}

// --- ScratchFile -----------------------------------------------------------------------------------------------------

namespace detail {

struct ScratchFile::Impl {
    int fd = -1;
    std::uint64_t size = 0;
    std::unique_ptr<FdInBuf> buffer;
    std::unique_ptr<std::istream> in;
    ~Impl() {
        if (fd >= 0) ::close(fd);
    }
};

ScratchFile::ScratchFile(const std::filesystem::path& where) : impl_(std::make_unique<Impl>()) {
    const std::filesystem::path directory = where.empty() ? std::filesystem::path(".") : where;
    const std::string what = directory.string() + " (scratch space)";
#ifdef O_TMPFILE
    impl_->fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (impl_->fd >= 0) return;
#endif
    const int dirfd = open_directory(directory, what);
    try {
        auto [fd, name] = create_temporary(dirfd, ".cbapi-scratch", 0600, O_RDWR, what);
        impl_->fd = fd;
        ::unlinkat(dirfd, name.c_str(), 0);  // nameless from now on
    } catch (...) {
        ::close(dirfd);
        throw;
    }
    ::close(dirfd);
}

ScratchFile::~ScratchFile() = default;

void ScratchFile::write(std::string_view data) {
    if (!write_all(impl_->fd, data.data(), data.size())) fail("Cannot write the scratch file of a download", errno);
    impl_->size += data.size();
}

std::uint64_t ScratchFile::size() const { return impl_->size; }

std::istream& ScratchFile::reader() {
    if (!impl_->in) {
        impl_->buffer = std::make_unique<FdInBuf>(impl_->fd);
        impl_->in = std::make_unique<std::istream>(impl_->buffer.get());
    }
    impl_->in->clear();
    impl_->in->seekg(0);
    return *impl_->in;
}

}  // namespace detail

}  // namespace cbapi
