#include "events/forwarder_http_body.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "events/forwarder_record.hpp"

namespace cbapi::events::detail {

namespace {

constexpr std::string_view white_space = " \t\r\n";

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(white_space);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(white_space) - first + 1);
}

std::size_t skip_space(std::string_view s, std::size_t i) {
    while (i < s.size() && white_space.find(s[i]) != std::string_view::npos) {
        ++i;
    }
    return i;
}

std::size_t string_end(std::string_view s, std::size_t i) {
    ++i;  // opening quote
    while (i < s.size() && s[i] != '"') {
        i += s[i] == '\\' ? std::size_t{2} : std::size_t{1};
    }
    return std::min(i + 1, s.size());
}

/// The index just after the JSON value starting at `i` (the text is known to be valid JSON).
std::size_t value_end(std::string_view s, std::size_t i) {
    if (i >= s.size()) {
        return s.size();
    }
    if (s[i] == '"') {
        return string_end(s, i);
    }
    if (s[i] == '{' || s[i] == '[') {
        std::size_t depth = 0;
        while (i < s.size()) {
            const char c = s[i];
            if (c == '"') {
                i = string_end(s, i);
                continue;
            }
            if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                --depth;
            }
            ++i;
            if (depth == 0) {
                return i;
            }
        }
        return s.size();
    }
    while (i < s.size() && std::string_view(",]} \t\r\n").find(s[i]) == std::string_view::npos) {
        ++i;
    }
    return i;
}

/// The elements of the valid JSON array `array`, as views.
std::vector<BodyRecord> array_elements(std::string_view array) {
    std::vector<BodyRecord> records;
    std::size_t i = skip_space(array, 1);  // after '['
    while (i < array.size() && array[i] != ']') {
        const std::size_t end = value_end(array, i);
        records.push_back(BodyRecord{array.substr(i, end - i), records.size() + 1});
        i = skip_space(array, end);
        if (i < array.size() && array[i] == ',') {
            i = skip_space(array, i + 1);
        }
    }
    return records;
}

/// Reads the valid JSON object `object` as an envelope; false when it has no `alerts` key.
bool read_envelope(std::string_view object, ParsedBody& out) {
    bool has_alerts = false;
    std::size_t i = skip_space(object, 1);  // after '{'
    while (i < object.size() && object[i] != '}') {
        const std::size_t key_end = string_end(object, i);
        const auto key = nlohmann::json::parse(object.substr(i, key_end - i), nullptr, false);
        i = skip_space(object, skip_space(object, key_end) + 1);  // after ':'
        const std::size_t end = value_end(object, i);
        const std::string_view value = object.substr(i, end - i);
        if (key.is_string() && key.get_ref<const std::string&>() == "alerts") {
            has_alerts = true;
            if (value.empty() || value.front() != '[') {
                out.error = "the envelope's \"alerts\" is not an array";
                out.records.clear();
            } else {
                out.error.clear();
                out.records = array_elements(value);
            }
        } else if (key.is_string() && key.get_ref<const std::string&>() == "filename") {
            const auto name = nlohmann::json::parse(value, nullptr, false);
            out.filename = name.is_string() ? name.get<std::string>() : std::string();
        }
        i = skip_space(object, end);
        if (i < object.size() && object[i] == ',') {
            i = skip_space(object, i + 1);
        }
    }
    out.envelope = has_alerts;
    return has_alerts;
}

/// The default template with a file name that breaks JSON: `{"filename": "<raw>", "service": "carbonblack",
/// "alerts":[...]}`.
bool read_unescaped_template(std::string_view body, ParsedBody& out) {
    constexpr std::string_view prefix = "{\"filename\": \"";
    constexpr std::string_view marker = "\", \"service\": \"carbonblack\", \"alerts\":";
    if (body.substr(0, prefix.size()) != prefix || body.back() != '}') {
        return false;
    }
    const auto at = body.find(marker, prefix.size());
    if (at == std::string_view::npos) {
        return false;
    }
    const std::string_view array = trim(body.substr(at + marker.size(), body.size() - 1 - at - marker.size()));
    if (array.empty() || array.front() != '[' || !nlohmann::json::accept(array)) {
        return false;
    }
    out.envelope = true;
    out.filename = std::string(body.substr(prefix.size(), at - prefix.size()));
    out.records = array_elements(array);
    return true;
}

}  // namespace

ParsedBody parse_forwarder_body(std::string_view body) {
    ParsedBody out;
    const std::string_view text = trim(body);
    if (text.empty()) {
        out.error = "the body is empty";
        return out;
    }
    if (nlohmann::json::accept(text)) {
        if (text.front() != '{') {
            out.error = "the body is JSON but not an object (neither a forwarder envelope nor a record)";
            return out;
        }
        if (!read_envelope(text, out)) {
            out.records.push_back(BodyRecord{text, 1});  // one record: a JSON-lines body of one line
        }
        return out;
    }
    if (read_unescaped_template(text, out)) {
        return out;
    }
    // JSON lines: the first line must be a record, else this is not forwarder output at all.
    const std::size_t consumed = for_each_line(text, 1, [&](std::string_view line, std::size_t number) {
        out.records.push_back(BodyRecord{line, number});
    });
    std::size_t last_number = 1;
    for (const char c : text.substr(0, consumed)) {
        last_number += c == '\n' ? 1 : 0;
    }
    if (consumed < text.size()) {
        out.records.push_back(BodyRecord{text.substr(consumed), last_number});
    }
    const bool first_is_object = !out.records.empty() && [&] {
        const auto first = nlohmann::json::parse(out.records.front().text, nullptr, false);
        return first.is_object();
    }();
    if (!first_is_object) {
        out.records.clear();
        out.error = "the body is not JSON (neither a forwarder envelope nor JSON lines)";
    }
    return out;
}

std::string printable(std::string_view text) {
    constexpr std::size_t limit = 200;
    std::string out;
    for (const char c : text.substr(0, limit)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
    }
    if (text.size() > limit) {
        out += "...";
    }
    return out;
}

}  // namespace cbapi::events::detail
