// ForwarderFile: `tail -F` over the Event Forwarder's JSON-lines file.
//
// One reader thread (run()) owns the file descriptor, the line buffer and the inotify watch. It reads whatever is
// there in 64 KiB chunks, hands complete lines over, then waits in poll() on an inotify descriptor (changes in the
// file's directory) and an eventfd (stop(), and "every handed-over record is confirmed"), never longer than the poll
// interval. After each wait it checks the path: another inode there means the file was rotated (finish the old one,
// open the new one); a size below the read position means it was truncated.
//
// At-least-once with a state file: every tracked record carries the position just after it; the DoneCallbacks, on
// any thread, mark records done, and the committed position is the one after the longest run of done records from
// the oldest. The reader thread writes it to the state file (at most once a second while busy, at once when nothing
// is outstanding, and when run() ends).
#include "cbapi/events/forwarder_file.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/files.hpp"
#include "cbapi/logging.hpp"
#include "events/forwarder_record.hpp"

namespace cbapi::events {

namespace {

constexpr std::size_t chunk_size = 64 * 1024;
constexpr auto state_write_interval = std::chrono::seconds(1);

/// A place in one file: which file (device + inode), the byte after the last handled line, and that line's number.
struct Position {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t offset = 0;
    std::uint64_t line = 0;
};

std::string errno_text(int error) {
    return std::strerror(error);
}

/// A file descriptor closed on destruction.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

/// What the DoneCallbacks share with the reader; outlives the ForwarderFile when a consumer confirms late.
struct Tracker {
    struct Entry {
        Position position;
        bool done = false;
    };

    Fd wake;  // eventfd: stop() and "nothing outstanding" wake the reader
    std::mutex mutex;
    std::deque<Entry> entries;  // oldest first
    std::uint64_t first_seq = 0;  // sequence number of entries.front()
    Position committed;
    bool changed = false;

    void notify() const {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(wake.get(), &one, sizeof one);
    }

    /// Registers a record (or a position change that needs no confirmation, `done` true); returns its sequence.
    std::uint64_t track(const Position& position, bool done) {
        std::lock_guard lock(mutex);
        entries.push_back(Entry{position, done});
        const std::uint64_t seq = first_seq + entries.size() - 1;
        if (done) {
            advance();
        }
        return seq;
    }

    void confirm(std::uint64_t seq) {
        bool idle = false;
        {
            std::lock_guard lock(mutex);
            if (seq < first_seq || seq - first_seq >= entries.size()) {
                return;
            }
            entries[static_cast<std::size_t>(seq - first_seq)].done = true;
            advance();
            idle = entries.empty();
        }
        if (idle) {
            notify();
        }
    }

    /// The committed position when it changed since the last call.
    std::optional<Position> take_change(bool only_when_idle) {
        std::lock_guard lock(mutex);
        if (!changed || (only_when_idle && !entries.empty())) {
            return std::nullopt;
        }
        changed = false;
        return committed;
    }

private:
    void advance() {
        while (!entries.empty() && entries.front().done) {
            committed = entries.front().position;
            changed = true;
            entries.pop_front();
            ++first_seq;
        }
    }
};

std::optional<Position> read_state(const std::string& state_path) {
    struct stat st {};
    if (::lstat(state_path.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        throw ApiError(
            fmt::format("forwarder file: cannot check the state file {}: {}", state_path, errno_text(errno)));
    }
    if (S_ISLNK(st.st_mode)) {
        throw ApiError(fmt::format("forwarder file: the state file {} is a symbolic link; refusing to follow it",
                                   state_path));
    }
    if (!S_ISREG(st.st_mode)) {
        throw ApiError(fmt::format("forwarder file: the state file {} is not a regular file", state_path));
    }
    Fd fd(::open(state_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        throw ApiError(fmt::format("forwarder file: cannot open the state file {}: {}", state_path, errno_text(errno)));
    }
    std::string text;
    std::array<char, 4096> chunk{};
    for (;;) {
        const auto n = ::read(fd.get(), chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw ApiError(
                fmt::format("forwarder file: cannot read the state file {}: {}", state_path, errno_text(errno)));
        }
        if (n == 0 || text.size() > 65536) {
            break;
        }
        text.append(chunk.data(), static_cast<std::size_t>(n));
    }
    const auto json = nlohmann::json::parse(text, nullptr, false);
    const auto field = [&](const char* key) -> std::uint64_t {
        if (!json.is_object() || !json.contains(key) || !json[key].is_number_unsigned()) {
            throw ApiError(fmt::format(
                "forwarder file: the state file {} is not a forwarder file state (no unsigned \"{}\"); remove it to "
                "start afresh",
                state_path, key));
        }
        return json[key].get<std::uint64_t>();
    };
    Position position;
    position.device = field("device");
    position.inode = field("inode");
    position.offset = field("offset");
    position.line = field("line");
    return position;
}

Position identity(const struct stat& st) {
    Position position;
    position.device = static_cast<std::uint64_t>(st.st_dev);
    position.inode = static_cast<std::uint64_t>(st.st_ino);
    return position;
}

bool same_file(const Position& a, const struct stat& st) {
    return a.device == static_cast<std::uint64_t>(st.st_dev) && a.inode == static_cast<std::uint64_t>(st.st_ino);
}

/// The position just after the last '\n' of the file at `path` (its end for StartAt::end), or nothing when it does not
/// exist or cannot be read.
std::optional<Position> end_of(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return std::nullopt;
    }
    Position position = identity(st);
    std::uint64_t offset = 0;
    std::string chunk(chunk_size, '\0');
    for (;;) {
        const auto n = ::read(fd.get(), chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        const char* begin = chunk.data();
        const char* end = begin + n;
        for (const char* p = begin; p < end; ++p) {
            p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
            if (p == nullptr) {
                break;
            }
            ++position.line;
            position.offset = offset + static_cast<std::uint64_t>(p - begin) + 1;
        }
        offset += static_cast<std::uint64_t>(n);
    }
    return position;
}

}  // namespace

struct ForwarderFile::Impl {
    ForwarderFileOptions options;
    std::shared_ptr<Tracker> tracker = std::make_shared<Tracker>();
    std::atomic<bool> stopping{false};
    std::optional<Position> initial_end;  // StartAt::end: the file's end when the source was made

    // Reader state (the run() thread only).
    Sink* sink = nullptr;
    Fd file;
    std::string file_name;     // the name it was opened by (for origins)
    Position file_id;          // device and inode of `file`
    std::uint64_t read_offset = 0;    // file offset of the next byte read()
    std::uint64_t buffer_offset = 0;  // file offset of buffer[0]
    std::uint64_t next_line = 1;      // number of the line starting at buffer[0]
    std::string buffer;               // the unterminated rest
    bool skipping = false;            // inside an over-long line: drop bytes up to its '\n'
    bool draining_rotated = false;    // `file` is a rotated file found by its inode at start: read it, then `path`
    Fd inotify;
    int watch = -1;
    std::chrono::steady_clock::time_point last_state_write{};
    std::string last_state_error;
    std::string last_open_problem;  // reported once, not after every wait

    std::string source_name() const { return "forwarder file " + options.path; }

    void report(std::string origin, std::string what) const {
        sink->report(SourceProblem{source_name(), std::move(origin), std::move(what)});
    }

    void report_open_problem(const std::string& name, const std::string& what) {
        if (what != last_open_problem) {
            last_open_problem = what;
            report(name, what);
        }
    }

    std::string directory() const {
        const auto parent = std::filesystem::path(options.path).parent_path();
        return parent.empty() ? std::string(".") : parent.string();
    }

    void ensure_watch() {
        if (!inotify || watch >= 0) {
            return;
        }
        watch = ::inotify_add_watch(inotify.get(), directory().c_str(),
                                    IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE |
                                        IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF);
        // When the directory does not exist yet the watch is retried after every wait (poll_interval bounds it).
    }

    /// Waits for a change, stop() or the poll interval, whichever comes first.
    void wait() {
        ensure_watch();
        std::array<pollfd, 2> fds{};
        fds[0] = pollfd{tracker->wake.get(), POLLIN, 0};
        fds[1] = pollfd{inotify ? inotify.get() : -1, POLLIN, 0};
        const auto timeout = static_cast<int>(std::min<std::chrono::milliseconds::rep>(
            options.poll_interval.count(), std::chrono::milliseconds::rep{60000}));
        const int ready = ::poll(fds.data(), fds.size(), timeout);
        if (ready <= 0) {
            return;
        }
        if ((fds[0].revents & POLLIN) != 0) {
            std::uint64_t count = 0;
            [[maybe_unused]] const auto n = ::read(tracker->wake.get(), &count, sizeof count);
        }
        if ((fds[1].revents & POLLIN) != 0) {
            alignas(inotify_event) std::array<char, 8192> events{};
            for (;;) {
                const auto n = ::read(inotify.get(), events.data(), events.size());
                if (n <= 0) {
                    break;
                }
                for (std::size_t at = 0; at < static_cast<std::size_t>(n);) {
                    inotify_event event{};
                    std::memcpy(&event, events.data() + at, sizeof event);
                    if ((event.mask & IN_IGNORED) != 0 && event.wd == watch) {
                        watch = -1;  // the directory went away: watch it again when it is back
                    }
                    at += sizeof(inotify_event) + event.len;
                }
            }
        }
    }

    void save_state(bool force) {
        if (options.state_file.empty()) {
            return;
        }
        const auto now = std::chrono::steady_clock::now();
        const bool due = force || now - last_state_write >= state_write_interval;
        const auto position = tracker->take_change(!due);
        if (!position) {
            return;
        }
        last_state_write = now;
        const nlohmann::json state = {{"version", 1},
                                      {"path", options.path},
                                      {"device", position->device},
                                      {"inode", position->inode},
                                      {"offset", position->offset},
                                      {"line", position->line}};
        try {
            write_file_atomically(options.state_file, state.dump() + "\n", AtomicFile::private_mode);
            last_state_error.clear();
        } catch (const std::exception& e) {
            // Keep the change pending so the next save tries again; report each distinct failure once.
            {
                std::lock_guard lock(tracker->mutex);
                tracker->changed = true;
            }
            if (last_state_error != e.what()) {
                last_state_error = e.what();
                report(options.state_file, std::string("cannot save the read position: ") + e.what());
            }
        }
    }

    /// Opens `name` (the followed path or a rotated file) and positions it at `offset`, numbering its lines from
    /// `line + 1`. Returns false when it does not exist.
    bool open_file(const std::string& name, std::uint64_t offset, std::uint64_t line) {
        Fd fd(::open(name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
        if (!fd) {
            if (errno != ENOENT) {
                report_open_problem(name, "cannot open: " + errno_text(errno) + "; trying again");
            }
            return false;
        }
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
            report_open_problem(name, "not a regular file; waiting for one");
            return false;
        }
        last_open_problem.clear();
        if (static_cast<std::uint64_t>(st.st_size) < offset) {
            report(name, fmt::format("the file is shorter ({} bytes) than the remembered position ({}): it was "
                                     "truncated; reading it from its start",
                                     st.st_size, offset));
            offset = 0;
            line = 0;
        }
        if (::lseek(fd.get(), static_cast<off_t>(offset), SEEK_SET) < 0) {
            report(name, "cannot seek: " + errno_text(errno));
            return false;
        }
        file = std::move(fd);
        file_name = name;
        file_id = identity(st);
        read_offset = offset;
        buffer_offset = offset;
        next_line = line + 1;
        buffer.clear();
        skipping = false;
        Position start = file_id;
        start.offset = offset;
        start.line = line;
        tracker->track(start, true);
        return true;
    }

    /// Looks in the directory for the file with this device and inode (the file read before a restart, rotated away
    /// since); returns its path.
    std::optional<std::string> find_rotated(const Position& id) const {
        const std::string dir = directory();
        DIR* handle = ::opendir(dir.c_str());
        if (handle == nullptr) {
            return std::nullopt;
        }
        std::optional<std::string> found;
        while (const dirent* entry = ::readdir(handle)) {
            const std::string candidate = (std::filesystem::path(dir) / entry->d_name).string();
            struct stat st {};
            if (::lstat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && same_file(id, st)) {
                found = candidate;
                break;
            }
        }
        ::closedir(handle);
        return found;
    }

    /// Hands over the complete lines of the buffer. Returns false when the sink is stopping.
    bool deliver_lines(bool final_piece) {
        bool accepted = true;
        std::string_view view = buffer;
        std::string with_newline;
        if (final_piece && !buffer.empty() && buffer.back() != '\n') {
            with_newline = buffer + "\n";
            view = with_newline;
        }
        const std::size_t consumed =
            detail::for_each_line(view, static_cast<std::size_t>(next_line), [&](std::string_view text, std::size_t n) {
                if (!accepted) {
                    return;
                }
                const auto in_view = static_cast<std::size_t>(text.data() - view.data());
                std::size_t end = view.find('\n', in_view + text.size()) + 1;
                end = std::min(end, buffer.size());  // the '\n' added to a final piece is not in the file
                Position after = file_id;
                after.offset = buffer_offset + end;
                after.line = n;
                std::string origin = fmt::format("{} line {}", file_name, n);
                std::string error;
                auto message = detail::forwarder_record(text, origin, error);
                if (!message) {
                    report(std::move(origin), error + "; line skipped");
                    if (!options.state_file.empty()) {
                        tracker->track(after, true);
                    }
                    return;
                }
                if (options.state_file.empty()) {
                    accepted = sink->deliver(std::move(*message));
                    return;
                }
                const std::uint64_t seq = tracker->track(after, false);
                std::weak_ptr<Tracker> weak = tracker;
                accepted = sink->deliver(std::move(*message), [weak, seq](bool handled) {
                    if (!handled) {
                        return;  // not handled: the position stays before it, so a restart reads it again
                    }
                    if (auto shared = weak.lock()) {
                        shared->confirm(seq);
                    }
                });
            });
        if (!accepted) {
            return false;
        }
        const std::size_t used = std::min(consumed, buffer.size());
        next_line += static_cast<std::uint64_t>(
            std::count(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(used), '\n'));
        if (final_piece && used == buffer.size() && !buffer.empty() && buffer.back() != '\n') {
            ++next_line;
        }
        buffer.erase(0, used);
        buffer_offset += used;
        if (buffer.size() > options.max_line_bytes) {
            report(fmt::format("{} line {}", file_name, next_line),
                   fmt::format("line longer than {} bytes; skipped", options.max_line_bytes));
            buffer_offset += buffer.size();
            buffer.clear();
            skipping = true;
        }
        return true;
    }

    /// Reads the open file again from its first byte (it was truncated).
    void restart_file() {
        if (::lseek(file.get(), 0, SEEK_SET) < 0) {
            report(file_name, "cannot seek: " + errno_text(errno));
            file.reset();
            return;
        }
        read_offset = 0;
        buffer_offset = 0;
        next_line = 1;
        buffer.clear();
        skipping = false;
        Position start = file_id;
        tracker->track(start, true);
    }

    /// Drops the rest of an over-long line (all of the buffer while its '\n' has not come).
    void skip_long_line() {
        const auto newline = buffer.find('\n');
        if (newline == std::string::npos) {
            buffer_offset += buffer.size();
            buffer.clear();
            return;
        }
        buffer.erase(0, newline + 1);
        buffer_offset += newline + 1;
        skipping = false;
        if (!options.state_file.empty()) {
            Position after = file_id;
            after.offset = buffer_offset;
            after.line = next_line;
            tracker->track(after, true);
        }
        ++next_line;
    }

    /// Reads the open file to its current end, handing over complete lines. Returns false when the sink is stopping.
    bool read_available() {
        if (!file) {
            return true;
        }
        std::array<char, chunk_size> chunk{};
        while (!stopping.load()) {
            const auto n = ::read(file.get(), chunk.data(), chunk.size());
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                if (errno != EAGAIN) {
                    report(file_name, "read error: " + errno_text(errno));
                }
                return true;
            }
            if (n == 0) {
                return true;
            }
            read_offset += static_cast<std::uint64_t>(n);
            buffer.append(chunk.data(), static_cast<std::size_t>(n));
            if (skipping) {
                skip_long_line();
                if (skipping) {
                    continue;
                }
            }
            if (!deliver_lines(false)) {
                return false;
            }
            save_state(false);
        }
        return true;
    }

    /// After reading to the end: rotation, truncation, a file that appeared. Returns false when the sink is stopping.
    bool check_file() {
        if (!file) {
            if (open_file(options.path, 0, 0)) {
                draining_rotated = false;
            }
            return true;
        }
        struct stat open_st {};
        if (::fstat(file.get(), &open_st) == 0 && static_cast<std::uint64_t>(open_st.st_size) < read_offset) {
            report(file_name, fmt::format("the file was truncated (now {} bytes, read up to {}); reading it again from "
                                          "its start",
                                          open_st.st_size, read_offset));
            restart_file();
            return true;
        }
        struct stat path_st {};
        const bool path_exists = ::stat(options.path.c_str(), &path_st) == 0;
        if (path_exists && same_file(file_id, path_st)) {
            draining_rotated = false;  // (a rotated file renamed back is the followed file again)
            return true;
        }
        if (!path_exists) {
            return true;  // moved away and the new one not there yet: keep reading the old one
        }
        // Rotated: whatever was written before the rename is read now, then a final unterminated line is complete.
        if (!read_available()) {
            return false;
        }
        if (skipping) {
            skipping = false;
            buffer.clear();
        } else if (!buffer.empty() && !deliver_lines(true)) {
            return false;
        }
        file.reset();
        draining_rotated = false;
        open_file(options.path, 0, 0);
        return true;
    }

    /// Continues from a position in a file that may have been rotated away since (then found by its inode).
    void resume(const Position& at, bool report_if_gone) {
        struct stat st {};
        if (::stat(options.path.c_str(), &st) == 0 && same_file(at, st)) {
            open_file(options.path, at.offset, at.line);
            return;
        }
        if (const auto rotated = find_rotated(at)) {
            if (open_file(*rotated, at.offset, at.line)) {
                draining_rotated = true;
                return;
            }
        }
        if (report_if_gone) {
            report(options.path, fmt::format("the file read before (inode {}) is no longer in {}; reading {} from its "
                                             "start",
                                             at.inode, directory(), options.path));
        }
        open_file(options.path, 0, 0);
    }

    void start_position() {
        if (!options.state_file.empty()) {
            if (const auto remembered = read_state(options.state_file)) {
                resume(*remembered, true);
                return;
            }
        }
        if (initial_end) {
            resume(*initial_end, false);
        } else {
            open_file(options.path, 0, 0);  // StartAt::beginning, or a file that did not exist yet: all of it is new
        }
    }

    void run(Sink& target) {
        sink = &target;
        inotify = Fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
        if (!inotify) {
            // Not fatal: the poll interval alone then bounds the delay.
            logger()->warn("forwarder file {}: inotify unavailable ({}); checking every {} ms", options.path,
                           errno_text(errno), options.poll_interval.count());
        }
        start_position();
        save_state(true);
        while (!stopping.load()) {
            if (!read_available() || !check_file()) {
                break;
            }
            if (stopping.load()) {
                break;
            }
            if (!read_available()) {
                break;
            }
            save_state(false);
            wait();
            save_state(false);
        }
        save_state(true);
        file.reset();
        inotify.reset();
        watch = -1;
    }
};

ForwarderFile::ForwarderFile(ForwarderFileOptions options) : impl_(std::make_unique<Impl>()) {
    if (options.path.empty()) {
        throw ApiError("forwarder file: no path given");
    }
    if (options.poll_interval.count() <= 0) {
        throw ApiError("forwarder file: the poll interval must be positive");
    }
    if (options.max_line_bytes == 0) {
        throw ApiError("forwarder file: max_line_bytes must be positive");
    }
    impl_->options = std::move(options);
    if (impl_->options.start == StartAt::end) {
        impl_->initial_end = end_of(impl_->options.path);
    }
    impl_->tracker->wake = Fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!impl_->tracker->wake) {
        throw ApiError("forwarder file: cannot create an eventfd: " + errno_text(errno));
    }
}

ForwarderFile::~ForwarderFile() = default;

std::string ForwarderFile::name() const {
    return impl_->source_name();
}

Delivery ForwarderFile::delivery() const {
    return impl_->options.state_file.empty() ? Delivery::at_most_once : Delivery::at_least_once;
}

void ForwarderFile::run(Sink& sink) {
    impl_->run(sink);
}

void ForwarderFile::stop() {
    impl_->stopping.store(true);
    impl_->tracker->notify();
}

}  // namespace cbapi::events
