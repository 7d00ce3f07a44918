#pragma once
// Event Forwarder output, shared by its three readers (file, HTTP, S3): one JSON record becomes one Message.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cbapi/events/source.hpp"

namespace cbapi::events::detail {

/// Makes a Message of one Event Forwarder record: one line of its file or S3 output, or one element of an HTTP POST's
/// `alerts` array. The routing key is the record's `type` (empty when it has none or it is not a string); the content
/// type is `application/json`; the body is the record's text without surrounding white space. Returns nothing, and
/// sets `error` to a short reason without quoting the record, when the text is not one JSON object.
std::optional<Message> forwarder_record(std::string_view text, std::string origin, std::string& error);

/// Calls `line(text, number)` for every non-empty line of `buffer` (lines end with `\n`; a trailing `\r` is dropped;
/// numbers start at `first_number`). Returns how many bytes were consumed: everything up to and including the last
/// `\n`, so that a caller reading a growing file keeps the unterminated rest for later.
std::size_t for_each_line(std::string_view buffer, std::size_t first_number,
                          const std::function<void(std::string_view text, std::size_t number)>& line);

}  // namespace cbapi::events::detail
