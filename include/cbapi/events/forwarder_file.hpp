#pragma once
/// @file
/// ForwarderFile: the Cb Event Forwarder's file output (`output_type=file`) as an event source, followed like
/// `tail -F`.

#include "cbapi/fwd.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "cbapi/events/source.hpp"

namespace cbapi::events {

/// Where ForwarderFile starts reading when it has no remembered position.
enum class StartAt {
    /// At the end the file has when the ForwarderFile is constructed (after its last complete line): only records
    /// written from then on (as `tail -F`); a file that does not exist then is read from its first line once it
    /// appears. The default, so that a restarted automation does not act again on every hit the file ever held.
    end,
    /// At the file's first byte: every record the file holds, then what is appended (cbapi's FileEventSource always
    /// replayed from offset 0).
    beginning,
};

/// How a ForwarderFile reads its file.
struct ForwarderFileOptions {
    /// The forwarder's `outfile` (e.g. `/var/cb/data/event_bridge_output.json`). It need not exist yet.
    std::string path;
    /// Where to start when there is no remembered position (no `state_file`, or none written yet).
    StartAt start = StartAt::end;
    /// Optional: a small file in which the reader remembers how far every record was handled (device, inode, byte
    /// offset and line number of the file), so that a restart resumes there, even when the file was rotated while
    /// the reader was down (the rotated file is found by its inode in the same directory). With it the source is
    /// at-least-once; without it, at-most-once. Written through a temporary file and a rename, never through a
    /// symbolic link (a link at this path makes run() throw).
    std::string state_file;
    /// How often the file is checked when no change notification (inotify) arrives: the upper bound on the delay
    /// when inotify is unavailable (e.g. a network file system) and the interval of the rotation check.
    std::chrono::milliseconds poll_interval{1000};
    /// The longest line kept: a longer one is reported with its line number and skipped, never buffered whole.
    std::size_t max_line_bytes = std::size_t{16} * 1024 * 1024;
};

/// Follows one Event Forwarder JSON-lines file like `tail -F` and hands every record to the Sink (routing key = the
/// record's `type`, origin `<path> line <n>`).
///
/// - Appends are read in chunks; a partial last line is kept until its `\n` arrives.
/// - Rotation (the forwarder renames the file to `<outfile>.<YYYYMMDD>` or `<outfile>.<time>` and creates a new
///   one): the rest of the old file is read to its end (a final line without `\n` is taken as complete), then the
///   new file from its first byte. Nothing is lost and nothing read twice.
/// - Truncation (the file shrank below the read position): reported, then read again from its start.
/// - A file that does not exist yet (or was moved away and not yet recreated) is waited for.
/// - Lines that are not one JSON object, and lines over `max_line_bytes`, are reported through Sink::report with the
///   file and line number and skipped; reading goes on.
/// - Waiting never spins: inotify on the file's directory wakes the reader on changes, bounded by `poll_interval`;
///   stop() wakes it at once through an eventfd.
///
/// Not handled: gzip-compressed rolled files (`compress_data=true`; the live file the forwarder appends to is never
/// compressed, only the rolled-over copies are), and the forwarder's LEEF format (`output_format=leef`).
///
/// Delivery: at-least-once with a `state_file` (the position advances only past records whose callbacks all ran;
/// after a crash, records handed over but not yet confirmed are read again); at-most-once without one.
/// @code
/// cbapi::events::ForwarderFileOptions options;
/// options.path = "/var/cb/data/event_bridge_output.json";
/// options.state_file = "/var/lib/myapp/forwarder.state";
/// cbapi::events::ForwarderFile source(options);
/// @endcode
class ForwarderFile : public Source {
public:
    /// @param options what to read @throws ApiError when `path` is empty or `poll_interval`/`max_line_bytes` is 0
    explicit ForwarderFile(ForwarderFileOptions options);
    /// Stops and waits for nothing: run() must have returned before the object is destroyed.
    ~ForwarderFile() override;
    ForwarderFile(const ForwarderFile&) = delete;
    ForwarderFile& operator=(const ForwarderFile&) = delete;

    /// `forwarder file <path>`.
    std::string name() const override;
    /// at_least_once with a state file, at_most_once without.
    Delivery delivery() const override;
    /// Reads and delivers until stop(). @throws ApiError when the state file is a symbolic link or not readable as
    /// a state file, or the inotify/eventfd descriptors cannot be created
    void run(Sink& sink) override;
    /// Wakes run() at once and makes it return (after saving the confirmed position to the state file).
    void stop() override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cbapi::events
