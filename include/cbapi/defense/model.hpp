#pragma once
/// @file
/// What Cb Defense models share: documents wrapped in an envelope (`{"deviceInfo": {...}}`), replies that report
/// failure with `"success": false`, and times in epoch milliseconds.

#include "cbapi/fwd.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "cbapi/model.hpp"
#include "cbapi/time.hpp"

namespace cbapi::defense {

namespace detail {

/// The `message` of a Cb Defense reply, or `fallback`.
std::string reply_message(const nlohmann::json& body, const std::string& fallback);

/// Returns a function that unwraps `{"<info_key>": {...}}` replies of single-object GETs, rejecting a reply without
/// that object or with `"success": false` (ServerError).
std::function<nlohmann::json(nlohmann::json)> unwrap_info(std::string info_key);

/// Converts a Cb Defense time: epoch milliseconds (the usual form), or a time string.
/// @param value the field's value @param field its name (for messages)
/// @return the instant
/// @throws ApiError for another type or an out-of-range value
TimePoint time_from_json(const nlohmann::json& value, std::string_view field);

/// Epoch milliseconds of an instant (floored). @param tp the instant @return milliseconds since the epoch
long long to_epoch_ms(TimePoint tp);

}  // namespace detail

/// Base of Cb Defense's mutable models (Device, Policy): envelope unwrapping, the save bodies chosen by the update
/// verb (PATCH of the changed fields, or PUT/POST of `{"<info_key>": <document>}`), and reply handling that raises
/// `ServerError` with the server's message for `"success": false` (cbapi-python 1.3.2 swallows it).
class DefenseMutableModel : public MutableModel {
public:
    /// A time field (epoch milliseconds or a time string); nullopt when absent or null. Loads a partial object once.
    /// @param name the field @return the instant
    /// @throws ApiError when the value is not a time
    std::optional<TimePoint> get_time(std::string_view name) const;

protected:
    /// @param info the model's declaration @param info_key envelope key ("deviceInfo", "policyInfo")
    /// @param change_key key of the id in create/update replies ("deviceId", "policyId")
    /// @param api API state @param doc document @param full whether it is complete
    DefenseMutableModel(const ModelInfo& info, std::string info_key, std::string change_key,
                        cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// PATCH models send the changed fields only; the others `{"<info_key>": <whole document>}`.
    nlohmann::json update_body() const override;

    /// PATCH models post the document as is; the others `{"<info_key>": <document without id>}`.
    nlohmann::json create_body() const override;

    /// `{"success": true, "<info_key>": {...}}` → the new document; `{"success": true, "<change_key>": id}` → the id
    /// is taken and the object reloaded; `{"success": true}` → reloaded; an empty body → reloaded; anything else
    /// (notably `"success": false`) → ServerError with the server's message.
    void apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) override;

    /// Throws unless `parsed` is an object with `"success": true`.
    /// @throws ServerError with the server's message and `result` as its note
    void check_success(const nlohmann::json& parsed, const Response& reply, HttpMethod method, const std::string& path,
                       const std::string& result) const;

    /// Sends a request whose reply must say `"success": true` (rule changes), then reloads the object.
    /// @throws ServerError with the server's message; the request's exceptions
    void send_and_refresh(HttpMethod method, const std::string& path, const std::optional<nlohmann::json>& body,
                          const std::string& result);

    /// The envelope key.
    const std::string& info_key() const noexcept { return info_key_; }

private:
    std::string info_key_;
    std::string change_key_;
};

}  // namespace cbapi::defense
