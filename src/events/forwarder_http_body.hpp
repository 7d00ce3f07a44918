#pragma once
// The body of an Event Forwarder HTTP POST, split into its records without re-serialising them (each record's text
// is passed on byte for byte). Separate from the receiver so that it can be tested and fuzzed without a socket.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cbapi::events::detail {

/// One record's text inside the body, and its number (1-based element of `alerts`, or line number).
struct BodyRecord {
    std::string_view text;
    std::size_t number = 0;
};

/// What parse_forwarder_body() found.
struct ParsedBody {
    /// True for the forwarder's JSON envelope (`{"filename": ..., "service": ..., "alerts": [...]}`), false for JSON
    /// lines (one record per line).
    bool envelope = false;
    /// The envelope's `filename` (decoded; empty when absent or not a string).
    std::string filename;
    /// The records, views into the body passed in.
    std::vector<BodyRecord> records;
    /// Why the body is neither an envelope nor JSON lines (empty when it is one of them).
    std::string error;
};

/// Splits a POST body. An object with an `alerts` key is an envelope (`alerts` must be an array; its elements are
/// the records, each checked later by forwarder_record()). The forwarder's default template writes the file name
/// unescaped (`{"filename": "<path>", "service": "carbonblack", "alerts":[...]}`): a body in that exact shape whose
/// name makes it invalid JSON is still read. Any other single JSON object is one record; otherwise the body is read
/// as JSON lines when its first non-empty line is a JSON object. Anything else sets `error`.
ParsedBody parse_forwarder_body(std::string_view body);

/// `text` made safe for a log line: control characters replaced by '?', at most 200 bytes (then "...").
std::string printable(std::string_view text);

}  // namespace cbapi::events::detail
