#pragma once
// Private helpers of the Cb Response event decoders (src/response/events.cpp) and of Process (the dotted-quad form of
// an IP field): pipe splitting, field checks, lenient number and text reads, the access-right names. Never installed.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/json_number.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/detail/redact.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

namespace events_detail {

inline std::vector<std::string_view> split_pipes(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t begin = 0;
    for (;;) {
        const std::size_t bar = text.find('|', begin);
        parts.push_back(text.substr(begin, bar == std::string_view::npos ? std::string_view::npos : bar - begin));
        if (bar == std::string_view::npos) break;
        begin = bar + 1;
    }
    return parts;
}

inline void need_fields(const std::vector<std::string_view>& parts, std::size_t n, const char* what,
                        std::string_view record) {
    if (parts.size() < n)
        throw ApiError(std::string("Malformed ") + what + " event (needs " + std::to_string(n) + " '|'-separated fields, has " +
                       std::to_string(parts.size()) + "): " + cbapi::detail::truncate_for_log(record, 128));
}

inline std::optional<long long> to_integer(std::string_view text) { return cbapi::detail::integer_text(text); }

inline long long integer_field(std::string_view text, const char* what) {
    const auto v = to_integer(text);
    if (!v) throw ApiError(std::string("Malformed ") + what + ": '" + cbapi::detail::truncate_for_log(text, 64) + "' is not an integer");
    return *v;
}

inline TimePoint time_field(std::string_view text) { return parse_event_time(text); }

inline TimePoint time_value(const nlohmann::json& v) {
    if (v.is_string()) return parse_event_time(v.get<std::string>());
    throw ApiError("Malformed event time: " + cbapi::detail::json_text(v, 64));
}

/// A signed or unsigned 32-bit integer as a dotted quad (big-endian, as the sensor packs it).
inline std::string dotted_quad(long long value) {
    const auto u = static_cast<std::uint32_t>(static_cast<std::int64_t>(value) & 0xFFFFFFFFLL);
    return std::to_string(u >> 24) + "." + std::to_string((u >> 16) & 0xFF) + "." + std::to_string((u >> 8) & 0xFF) +
           "." + std::to_string(u & 0xFF);
}

inline std::string protocol_name(long long number) {
    switch (number) {
        case 1: return "IPPROTO_ICMP";
        case 6: return "IPPROTO_TCP";
        case 17: return "IPPROTO_UDP";
        case 41: return "IPPROTO_IPV6";
        case 58: return "IPPROTO_ICMPV6";
        default: return "Unknown";
    }
}

inline std::string text_of(const nlohmann::json& obj, const char* key, std::string fallback = {}) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return fallback;
    return it->is_string() ? it->get<std::string>() : cbapi::detail::json_text(*it);
}

inline long long integer_of(const nlohmann::json& obj, const char* key, long long fallback = 0) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return fallback;
    try {
        if (it->is_number()) return cbapi::detail::checked_integer<long long>(*it);
    } catch (const ApiError& e) {
        throw ApiError(std::string("Malformed event field '") + key + "': " + e.what());
    }
    if (it->is_string()) {
        if (auto v = to_integer(it->get<std::string>())) return *v;
    }
    throw ApiError(std::string("Malformed event field '") + key + "': " + cbapi::detail::json_text(*it, 64));
}

inline bool truthy(const nlohmann::json& obj, const char* key) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return false;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_string()) return it->get<std::string>() == "true";
    if (it->is_number()) return it->get<double>() != 0;
    return false;
}

struct Right {
    std::uint32_t bit;
    const char* name;
};

inline const std::vector<Right>& access_rights() {
    static const std::vector<Right> rights = {
        {0x100000, "SYNCHRONIZE"},           {0x80000, "WRITE_OWNER"},
        {0x40000, "WRITE_DAC"},              {0x20000, "READ_CONTROL"},
        {0x10000, "DELETE"},                 {0x1, "PROCESS_TERMINATE"},
        {0x2, "PROCESS_CREATE_THREAD"},      {0x4, "PROCESS_SET_SESSIONID"},
        {0x8, "PROCESS_VM_OPERATION"},       {0x10, "PROCESS_VM_READ"},
        {0x20, "PROCESS_VM_WRITE"},          {0x40, "PROCESS_DUP_HANDLE"},
        {0x80, "PROCESS_CREATE_PROCESS"},    {0x100, "PROCESS_SET_QUOTA"},
        {0x200, "PROCESS_SET_INFORMATION"},  {0x400, "PROCESS_QUERY_INFORMATION"},
        {0x800, "PROCESS_SUPEND_RESUME"},    {0x1000, "PROCESS_QUERY_LIMITED_INFORMATION"},
    };
    return rights;
}

}  // namespace events_detail

}  // namespace cbapi::response
