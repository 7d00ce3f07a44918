#pragma once
// Private to libcbapi: the typed field reader behind the Live Response reply parsers (include/cbapi/live_response/
// parse.hpp declares the parsers; src/live_response/parse.cpp defines them). The rules every reader follows are in the
// public header.

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/json_number.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/parse.hpp"

namespace cbapi::live_response::detail {

/// A server value for an error message: its JSON text (invalid UTF-8 replaced), cut to at most 64 bytes on a
/// character boundary.
std::string excerpt(const nlohmann::json& value);

/// ASCII lower case.
std::string lower(std::string s);

/// The error for an unusable reply: ServerError(200, "<what>: <problem>").
/// @param what the reply, e.g. "Live Response 'directory list' reply"
ServerError bad_reply(const std::string& what, const std::string& problem);

/// "Live Response '<command>' reply", the `what` of the readers of a command's result.
std::string command_reply(std::string_view command);

/// Typed reads of the fields of one JSON object in a reply, with errors that name the reply and the field's path.
class ReplyFields {
public:
    /// @param doc a JSON object, or null (every field is then missing)
    /// @param what the reply, for messages @param path where `doc` is in the reply ("" = the reply itself)
    /// @throws ServerError when `doc` is neither an object nor null
    ReplyFields(const nlohmann::json& doc, std::string what, std::string path = {})
        : doc_(doc), what_(std::move(what)), path_(std::move(path)) {
        if (!doc_.is_object() && !doc_.is_null())
            throw bad_reply(what_, (path_.empty() ? std::string("the reply") : "'" + path_ + "'") +
                                       " is not a JSON object (" + doc_.type_name() + "): " + excerpt(doc_));
    }

    /// The field, or nullptr when it is missing or null.
    const nlohmann::json* find(const std::string& key) const {
        if (!doc_.is_object()) return nullptr;
        const auto it = doc_.find(key);
        return it == doc_.end() || it->is_null() ? nullptr : &*it;
    }

    /// The field, which must be present and not null. @throws ServerError "field '<key>' is missing"
    const nlohmann::json& required(const std::string& key) const {
        const nlohmann::json* v = find(key);
        if (v == nullptr) throw bad_reply(what_, "field '" + name(key) + "' is missing");
        return *v;
    }

    /// A text field; "" when missing or null.
    std::string string(const std::string& key) const {
        const nlohmann::json* v = find(key);
        if (v == nullptr) return {};
        if (!v->is_string()) throw wrong_type(key, *v, "string");
        return v->get<std::string>();
    }

    /// An integer field; 0 when missing or null.
    template <typename T>
    T integer(const std::string& key) const {
        const nlohmann::json* v = find(key);
        if (v == nullptr) return T{};
        return integer_value<T>(*v, key);
    }

    /// `value` (the field `key`) as T: a JSON number whose integral part T holds.
    template <typename T>
    T integer_value(const nlohmann::json& value, const std::string& key) const {
        static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
        if (!value.is_number()) throw wrong_type(key, value, "number");
        try {
            if (value.is_number_float()) {
                const double d = value.get<double>();
                return cbapi::detail::checked_integer<T>(nlohmann::json(std::isfinite(d) ? std::trunc(d) : d));
            }
            return cbapi::detail::checked_integer<T>(value);
        } catch (const ApiError& e) {
            throw bad_reply(what_, "field '" + name(key) + "': " + e.what());
        }
    }

    /// A list of strings; empty when missing or null. Every element must be a string.
    std::vector<std::string> strings(const std::string& key) const {
        std::vector<std::string> out;
        const nlohmann::json* v = find(key);
        if (v == nullptr) return out;
        if (!v->is_array()) throw wrong_type(key, *v, "array");
        for (std::size_t i = 0; i < v->size(); ++i) {
            const auto& s = (*v)[i];
            if (!s.is_string()) throw wrong_type(element(key, i), s, "string");
            out.push_back(s.get<std::string>());
        }
        return out;
    }

    /// Calls `f(ReplyFields)` for each element of a list of objects (nothing when missing or null).
    template <typename F>
    void objects(const std::string& key, F&& f) const {
        const nlohmann::json* v = find(key);
        if (v == nullptr) return;
        if (!v->is_array()) throw wrong_type(key, *v, "array");
        for (std::size_t i = 0; i < v->size(); ++i) {
            const auto& o = (*v)[i];
            if (!o.is_object()) throw wrong_type(element(key, i), o, "object");
            f(ReplyFields(o, what_, name(element(key, i))));
        }
    }

    /// The document these fields are read from.
    const nlohmann::json& document() const noexcept { return doc_; }
    /// The reply, for messages.
    const std::string& what() const noexcept { return what_; }
    /// The path of field `key` in the reply, e.g. "files[2].size".
    std::string name(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

    /// The error for a field of the wrong type.
    ServerError wrong_type(const std::string& key, const nlohmann::json& value, const char* expected) const {
        return bad_reply(what_, "field '" + name(key) + "' has an unexpected type (" + value.type_name() +
                                    ", expected " + expected + "): " + excerpt(value));
    }

private:
    static std::string element(const std::string& key, std::size_t i) { return key + "[" + std::to_string(i) + "]"; }

    const nlohmann::json& doc_;
    std::string what_;
    std::string path_;
};

// --- ids and statuses ------------------------------------------------------------------------------------------------

/// A session, command or file id from a reply (it goes into URL paths): a non-negative integer, or a non-empty string
/// without '/', '\\', '?', '#', '%', spaces or control characters (Cb Defense session ids are like "1001:2").
/// @param fields the reply @param key the id's field ("id", "file_id")
/// @throws ServerError when the id is missing, null, of another type, or not usable in a path
nlohmann::json parse_id(const ReplyFields& fields, const std::string& key);

/// One registry value object (`value_name`, `value_type`, `value_data`).
RegistryValue parse_registry_value_fields(const ReplyFields& f);

}  // namespace cbapi::live_response::detail
