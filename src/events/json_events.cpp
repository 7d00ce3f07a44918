// The JSON messages' typed views: lenient reads, because the server sends numbers as strings, lists as strings and
// addresses as signed integers depending on the message family (reference §4), and the forwarder rewrites some of
// them (§5.1).
#include "cbapi/events/json_events.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

#include "cbapi/time.hpp"

namespace cbapi::events {

namespace {

std::string_view trim(std::string_view text) {
    constexpr std::string_view space = " \t\r\n";
    const auto first = text.find_first_not_of(space);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

std::optional<std::int64_t> parse_int(std::string_view text) {
    const std::string s(trim(text));
    if (s.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0 && end == s.c_str() + s.size()) return static_cast<std::int64_t>(value);
    return std::nullopt;
}

std::optional<double> parse_double(std::string_view text) {
    const std::string s(trim(text));
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::optional<std::int64_t> integral(double value) {
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    constexpr double limit = 9223372036854775808.0;
    if (!std::isfinite(value) || std::trunc(value) != value || value >= limit || value < -limit) return std::nullopt;
    return static_cast<std::int64_t>(value);
}

std::optional<std::string> text_of(const nlohmann::json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::string: return value.get<std::string>();
        case nlohmann::json::value_t::number_integer: return std::to_string(value.get<std::int64_t>());
        case nlohmann::json::value_t::number_unsigned: return std::to_string(value.get<std::uint64_t>());
        case nlohmann::json::value_t::number_float: return value.dump();
        case nlohmann::json::value_t::boolean: return value.get<bool>() ? "true" : "false";
        default: return std::nullopt;
    }
}

std::string big_endian_quad(std::uint32_t v) {
    return std::to_string((v >> 24) & 0xFFu) + "." + std::to_string((v >> 16) & 0xFFu) + "." +
           std::to_string((v >> 8) & 0xFFu) + "." + std::to_string(v & 0xFFu);
}

std::string guid_prefix(const std::string& id) {
    // A process GUID is 36 characters; ids carry a segment after it (`<guid>-<segment>`).
    if (id.size() < 36) return id;
    return id.substr(0, 36);
}

// The words of a routing key or forwarder type.
bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool has_word(std::string_view key, std::string_view word) {
    std::size_t start = 0;
    while (start <= key.size()) {
        const auto dot = key.find('.', start);
        const auto end = dot == std::string_view::npos ? key.size() : dot;
        if (key.substr(start, end - start) == word) return true;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return false;
}

nlohmann::json parse_body(const Message& message, std::string& routing_key) {
    nlohmann::json doc = nlohmann::json::parse(message.body.begin(), message.body.end(), nullptr, false);
    if (doc.is_discarded())
        throw DecodeError("message " + message.routing_key + " (" + std::to_string(message.body.size()) +
                          " bytes) is not JSON");
    if (!doc.is_object())
        throw DecodeError("message " + message.routing_key + " is a JSON " + doc.type_name() + ", not an object");
    routing_key = message.routing_key;
    if (routing_key.empty()) {
        if (const auto type = doc.find("type"); type != doc.end() && type->is_string()) routing_key = type->get<std::string>();
    }
    return doc;
}

}  // namespace

JsonView::JsonView(nlohmann::json document) : doc_(std::move(document)) {}

const nlohmann::json* JsonView::field(std::string_view name) const {
    if (!doc_.is_object()) return nullptr;
    const auto found = doc_.find(name);
    if (found == doc_.end() || found->is_null()) return nullptr;
    return &*found;
}

bool JsonView::has(std::string_view name) const { return field(name) != nullptr; }

std::string JsonView::string(std::string_view name) const {
    const auto* value = field(name);
    if (value == nullptr) return {};
    return text_of(*value).value_or(std::string());
}

std::optional<std::int64_t> JsonView::integer(std::string_view name) const {
    const auto* value = field(name);
    if (value == nullptr) return std::nullopt;
    switch (value->type()) {
        case nlohmann::json::value_t::number_integer: return value->get<std::int64_t>();
        case nlohmann::json::value_t::number_unsigned: {
            const auto u = value->get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
            return static_cast<std::int64_t>(u);
        }
        case nlohmann::json::value_t::number_float: return integral(value->get<double>());
        case nlohmann::json::value_t::string: {
            const auto& text = value->get_ref<const std::string&>();
            if (auto parsed = parse_int(text)) return parsed;
            if (auto d = parse_double(text)) return integral(*d);
            return std::nullopt;
        }
        default: return std::nullopt;
    }
}

std::optional<double> JsonView::number(std::string_view name) const {
    const auto* value = field(name);
    if (value == nullptr) return std::nullopt;
    if (value->is_number()) return value->get<double>();
    if (value->is_string()) return parse_double(value->get_ref<const std::string&>());
    return std::nullopt;
}

std::optional<bool> JsonView::boolean(std::string_view name) const {
    const auto* value = field(name);
    if (value == nullptr) return std::nullopt;
    if (value->is_boolean()) return value->get<bool>();
    if (value->is_number_integer() || value->is_number_unsigned()) {
        const auto n = integer(name);
        if (n == 0) return false;
        if (n == 1) return true;
        return std::nullopt;
    }
    if (value->is_string()) {
        std::string text(trim(value->get_ref<const std::string&>()));
        for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (text == "true" || text == "1") return true;
        if (text == "false" || text == "0") return false;
    }
    return std::nullopt;
}

std::vector<std::string> JsonView::strings(std::string_view name) const {
    const auto* value = field(name);
    std::vector<std::string> out;
    if (value == nullptr) return out;
    if (value->is_array()) {
        for (const auto& element : *value) {
            if (auto text = text_of(element)) out.push_back(std::move(*text));
        }
    } else if (auto text = text_of(*value)) {
        out.push_back(std::move(*text));
    }
    return out;
}

std::string JsonView::ip(std::string_view name) const {
    const auto* value = field(name);
    if (value == nullptr) return {};
    std::optional<std::int64_t> number;
    if (value->is_string()) {
        const std::string_view text = trim(value->get_ref<const std::string&>());
        if (text.find('.') != std::string_view::npos) return std::string(text);
        number = parse_int(text);
    } else {
        number = integer(name);
    }
    // Signed 32-bit as the server writes it, or the same bits unsigned.
    if (!number || *number < std::numeric_limits<std::int32_t>::min() ||
        *number > static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max()))
        return {};
    return big_endian_quad(static_cast<std::uint32_t>(static_cast<std::uint64_t>(*number) & 0xFFFFFFFFu));
}

std::optional<std::chrono::system_clock::time_point> JsonView::time(std::string_view name) const {
    const auto* value = field(name);
    if (value == nullptr) return std::nullopt;
    std::optional<double> seconds;
    if (value->is_number()) {
        seconds = value->get<double>();
    } else if (value->is_string()) {
        const auto& text = value->get_ref<const std::string&>();
        seconds = parse_double(text);
        if (!seconds) return cbapi::try_parse_cb_time(text);
    }
    if (!seconds) return std::nullopt;
    try {
        return cbapi::from_epoch_seconds(*seconds);
    } catch (const cbapi::ApiError&) {
        return std::nullopt;
    }
}

nlohmann::json JsonView::object(std::string_view name) const {
    const auto* value = field(name);
    if (value == nullptr) return nullptr;
    if (value->is_object()) return *value;
    if (value->is_string()) {
        auto parsed = nlohmann::json::parse(value->get_ref<const std::string&>(), nullptr, false);
        if (!parsed.is_discarded() && parsed.is_object()) return parsed;
    }
    return nullptr;
}

std::string ProcessDoc::process_guid() const {
    if (auto guid = string("process_guid"); !guid.empty()) return guid;
    if (auto unique = string("unique_id"); !unique.empty()) return guid_prefix(unique);
    return guid_prefix(string("id"));
}

std::optional<std::int64_t> ProcessDoc::segment_id() const {
    if (auto segment = integer("segment_id")) return segment;
    const std::string unique = string("unique_id");
    if (unique.size() > 37 && unique[36] == '-') {
        const std::string hex = unique.substr(37);
        errno = 0;
        char* end = nullptr;
        const unsigned long long value = std::strtoull(hex.c_str(), &end, 16);
        if (errno == 0 && end == hex.c_str() + hex.size() && value <= static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max()))
            return static_cast<std::int64_t>(value);
    }
    return std::nullopt;
}

std::string ProcessDoc::hostname() const {
    if (auto name = string("hostname"); !name.empty()) return name;
    return string("computer_name");
}

std::string ProcessDoc::parent_guid() const {
    if (auto guid = string("parent_guid"); !guid.empty()) return guid;
    return guid_prefix(string("parent_unique_id"));
}

std::vector<std::int64_t> BinaryDoc::sensor_ids() const {
    std::vector<std::int64_t> ids;
    for (const std::string& endpoint : endpoints()) {
        const auto bar = endpoint.rfind('|');
        if (bar == std::string::npos) continue;
        if (auto id = parse_int(std::string_view(endpoint).substr(bar + 1))) ids.push_back(*id);
    }
    return ids;
}

JsonEvent::JsonEvent(nlohmann::json document, std::string routing_key)
    : JsonView(std::move(document)), routing_key_(std::move(routing_key)) {
    if (routing_key_.empty()) routing_key_ = string("type");
}

JsonEvent JsonEvent::from_message(const Message& message) {
    std::string key;
    nlohmann::json doc = parse_body(message, key);
    return JsonEvent(std::move(doc), std::move(key));
}

bool JsonEvent::is_forwarder_record() const { return has("type") && has("cb_server"); }

std::optional<std::chrono::system_clock::time_point> JsonEvent::event_time() const {
    if (has("event_timestamp")) return time("event_timestamp");
    return time("timestamp");
}

std::string JsonEvent::server_name() const {
    if (auto name = string("server_name"); !name.empty()) return name;
    return string("cb_server");
}

std::vector<ProcessDoc> JsonEvent::process_docs() const {
    std::vector<ProcessDoc> docs;
    if (const auto found = document().find("docs"); found != document().end() && found->is_array()) {
        for (const auto& doc : *found) {
            if (doc.is_object()) docs.emplace_back(doc);
        }
    }
    return docs;
}

std::vector<BinaryDoc> JsonEvent::binary_docs() const {
    std::vector<BinaryDoc> docs;
    if (const auto found = document().find("docs"); found != document().end() && found->is_array()) {
        for (const auto& doc : *found) {
            if (doc.is_object()) docs.emplace_back(doc);
        }
    }
    return docs;
}

WatchlistHit WatchlistHit::from_message(const Message& message) {
    std::string key;
    nlohmann::json doc = parse_body(message, key);
    return WatchlistHit(std::move(doc), std::move(key));
}

bool WatchlistHit::is_binary() const { return ends_with(routing_key(), ".binary"); }

bool WatchlistHit::is_storage() const { return has_word(routing_key(), "storage"); }

FeedHit FeedHit::from_message(const Message& message) {
    std::string key;
    nlohmann::json doc = parse_body(message, key);
    return FeedHit(std::move(doc), std::move(key));
}

nlohmann::json FeedHit::ioc_attr() const {
    if (has("ioc_attr")) return object("ioc_attr");
    return object("ioc_attrs");
}

std::string FeedHit::stage() const {
    for (const char* stage : {"ingress", "storage", "query"}) {
        if (has_word(routing_key(), stage)) return stage;
    }
    return {};
}

std::string FeedHit::target() const {
    for (const char* target : {"process", "binary", "host"}) {
        if (ends_with(routing_key(), std::string(".") + target)) return target;
    }
    return {};
}

std::string FeedHit::process_guid() const {
    if (auto guid = string("process_guid"); !guid.empty()) return guid;
    return guid_prefix(string("process_id"));
}

std::string FeedHit::hostname() const {
    if (auto name = string("hostname"); !name.empty()) return name;
    return string("computer_name");
}

AlertEvent AlertEvent::from_message(const Message& message) {
    std::string key;
    nlohmann::json doc = parse_body(message, key);
    return AlertEvent(std::move(doc), std::move(key));
}

std::string AlertEvent::hostname() const {
    if (auto name = string("hostname"); !name.empty()) return name;
    return string("computer_name");
}

std::string AlertEvent::process_guid() const {
    if (auto guid = string("process_guid"); !guid.empty()) return guid;
    return guid_prefix(string("process_id"));
}

BinaryInfoEvent BinaryInfoEvent::from_message(const Message& message) {
    std::string key;
    nlohmann::json doc = parse_body(message, key);
    return BinaryInfoEvent(std::move(doc), std::move(key));
}

std::string BinaryInfoEvent::scope() const {
    if (has_word(routing_key(), "host")) return "host";
    if (has_word(routing_key(), "group")) return "group";
    return "observed";
}

std::map<std::string, std::int64_t> BinaryInfoEvent::scores() const {
    std::map<std::string, std::int64_t> out;
    const JsonView scores(object("scores"));
    if (!scores.document().is_object()) return out;
    for (const auto& item : scores.document().items()) {
        if (auto value = scores.integer(item.key())) out.emplace(item.key(), *value);
    }
    return out;
}

std::map<std::string, std::string> BinaryInfoEvent::watchlists() const {
    std::map<std::string, std::string> out;
    const JsonView watchlists(object("watchlists"));
    if (!watchlists.document().is_object()) return out;
    for (const auto& item : watchlists.document().items()) out.emplace(item.key(), watchlists.string(item.key()));
    return out;
}

BinaryStoreEvent BinaryStoreEvent::from_message(const Message& message) {
    std::string key;
    nlohmann::json doc = parse_body(message, key);
    return BinaryStoreEvent(std::move(doc), std::move(key));
}

}  // namespace cbapi::events
