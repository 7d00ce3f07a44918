// What Cb Defense models share (include/cbapi/defense/model.hpp): envelopes, `"success": false` replies, times in
// epoch milliseconds.

#include "cbapi/defense/model.hpp"

#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/defense/paging.hpp"
#include "cbapi/detail/json_body.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "cbapi/time.hpp"

namespace cbapi::defense {

namespace detail {

std::string reply_message(const nlohmann::json& body, const std::string& fallback) {
    if (body.is_object()) {
        const auto it = body.find("message");
        if (it != body.end() && it->is_string() && !it->get<std::string>().empty()) return it->get<std::string>();
    }
    return fallback;
}

// cbapi-python makes the document null when the key is missing (and fails later on the first field read); here the
// reply is rejected at once, as is a reply with `"success": false`.
std::function<nlohmann::json(nlohmann::json)> unwrap_info(std::string info_key) {
    return [key = std::move(info_key)](nlohmann::json reply) {
        DefensePaging::check_reply(reply);
        auto it = reply.find(key);
        if (it == reply.end() || !it->is_object())
            throw ServerError(200, "Expected the reply to carry an object '" + key + "'");
        return std::move(*it);
    };
}

TimePoint time_from_json(const nlohmann::json& value, std::string_view field) {
    if (value.is_number_integer()) {
        const long long ms = value.get<long long>();
        // +-8e12 ms is about +-250 years around 1970: inside what a system_clock time_point holds everywhere.
        if (ms < -8'000'000'000'000LL || ms > 8'000'000'000'000LL)
            throw ApiError(fmt::format("Field '{}': {} epoch milliseconds is out of range", field, ms));
        return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
    }
    if (value.is_number()) {
        const double ms = value.get<double>();
        if (!std::isfinite(ms)) throw ApiError(fmt::format("Field '{}' is not a finite number", field));
        try {
            return from_epoch_seconds(ms / 1000.0);
        } catch (const ApiError& e) {
            throw ApiError(fmt::format("Field '{}': {}", field, e.what()));
        }
    }
    if (value.is_string()) {
        try {
            return parse_cb_time(value.get<std::string>());
        } catch (const ApiError& e) {
            throw ApiError(fmt::format("Field '{}': {}", field, e.what()));
        }
    }
    throw ApiError(fmt::format("Field '{}' has an unexpected type ({}) for a time", field, value.type_name()));
}

long long to_epoch_ms(TimePoint tp) {
    return std::chrono::floor<std::chrono::milliseconds>(tp.time_since_epoch()).count();
}

}  // namespace detail

std::optional<TimePoint> DefenseMutableModel::get_time(std::string_view name) const {
    const auto value = get<nlohmann::json>(name);
    if (!value) return std::nullopt;
    return detail::time_from_json(*value, name);
}

DefenseMutableModel::DefenseMutableModel(const ModelInfo& info, std::string info_key, std::string change_key,
                                         cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(info, std::move(api), std::move(doc), full),
      info_key_(std::move(info_key)),
      change_key_(std::move(change_key)) {}

nlohmann::json DefenseMutableModel::update_body() const {
    if (model_info().update_method == HttpMethod::patch) return changed_fields();
    return nlohmann::json{{info_key_, document()}};
}

nlohmann::json DefenseMutableModel::create_body() const {
    if (model_info().update_method == HttpMethod::patch) return document();
    nlohmann::json doc = document();
    doc.erase(model_info().primary_key);
    return nlohmann::json{{info_key_, std::move(doc)}};
}

void DefenseMutableModel::apply_reply(const Response& reply, HttpMethod method, const std::string& path,
                                      bool created) {
    const std::string what = (created ? "create " : "update ") + model_info().type_name;
    if (reply.body.empty()) {
        reload_if_possible();
        return;
    }
    const auto parsed = cbapi::detail::parse_json_body(reply.body);
    check_success(parsed, reply, method, path, "Did not " + what + " record.");
    if (const auto it = parsed.find(info_key_); it != parsed.end() && it->is_object()) {
        mutable_document() = *it;
        mark_full(true);
        return;
    }
    if (const auto it = parsed.find(change_key_); it != parsed.end() && !it->is_null())
        mutable_document()[model_info().primary_key] = *it;
    reload_if_possible();
}

void DefenseMutableModel::check_success(const nlohmann::json& parsed, const Response& reply, HttpMethod method,
                                        const std::string& path, const std::string& result) const {
    const bool ok = parsed.is_object() && parsed.contains("success") && parsed["success"].is_boolean() &&
                    parsed["success"].get<bool>();
    if (ok) return;
    throw ServerError(reply.status,
                      detail::reply_message(parsed, parsed.is_discarded() ? "reply is not JSON" : "success: false"),
                      std::string(cbapi::to_string(method)), api()->connection.url() + path, reply.body, result);
}

void DefenseMutableModel::send_and_refresh(HttpMethod method, const std::string& path,
                                           const std::optional<nlohmann::json>& body, const std::string& result) {
    const Connection& conn = api()->connection;
    const Response reply = body ? conn.send_json_raw(method, path, *body) : conn.request(method, path);
    if (!reply.body.empty()) {
        const auto parsed = cbapi::detail::parse_json_body(reply.body);
        check_success(parsed, reply, method, path, result);
    }
    refresh();
}

}  // namespace cbapi::defense
