#include "events/forwarder_record.hpp"

#include <chrono>
#include <utility>

#include <nlohmann/json.hpp>

namespace cbapi::events::detail {

namespace {

std::string_view trim(std::string_view text) {
    constexpr std::string_view space = " \t\r\n";
    const auto first = text.find_first_not_of(space);
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(space);
    return text.substr(first, last - first + 1);
}

}  // namespace

std::optional<Message> forwarder_record(std::string_view text, std::string origin, std::string& error) {
    const std::string_view record = trim(text);
    if (record.empty()) {
        error = "empty record";
        return std::nullopt;
    }
    nlohmann::json parsed = nlohmann::json::parse(record.begin(), record.end(), nullptr, false);
    if (parsed.is_discarded()) {
        error = "not JSON";
        return std::nullopt;
    }
    if (!parsed.is_object()) {
        error = std::string("a JSON ") + parsed.type_name() + ", not an object";
        return std::nullopt;
    }
    Message message;
    if (const auto type = parsed.find("type"); type != parsed.end() && type->is_string()) {
        message.routing_key = type->get<std::string>();
    }
    message.content_type = "application/json";
    message.body = std::string(record);
    message.origin = std::move(origin);
    message.received = std::chrono::system_clock::now();
    return message;
}

std::size_t for_each_line(std::string_view buffer, std::size_t first_number,
                          const std::function<void(std::string_view text, std::size_t number)>& line) {
    std::size_t consumed = 0;
    std::size_t number = first_number;
    while (consumed < buffer.size()) {
        const auto end = buffer.find('\n', consumed);
        if (end == std::string_view::npos) {
            break;
        }
        std::string_view text = buffer.substr(consumed, end - consumed);
        if (!text.empty() && text.back() == '\r') {
            text.remove_suffix(1);
        }
        if (!text.empty()) {
            line(text, number);
        }
        ++number;
        consumed = end + 1;
    }
    return consumed;
}

}  // namespace cbapi::events::detail
