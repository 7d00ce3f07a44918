#pragma once
/// @file
/// The model base: a typed view over the JSON document the server sent, with lazy loading, dirty tracking, save and
/// delete.
///
/// A model is declared, not programmed: it names its URL, primary key, required fields and update verb in a
/// ModelInfo, and adds typed accessors over get<T>(). Everything the server sent stays reachable through document()
/// and get<T>(name), so a new server field never needs a new release.
///
/// Threading: a model is a plain value owned by one thread at a time (reading a field may load the object).
///
/// Selecting by id (`api.select<M>(id)`) returns a new, independent, lazily loaded object each time; there is no
/// shared cache of mutable objects (cbapi-python hands out one shared instance per id for 60 s, so a change made
/// through one handle silently shows up in another). Copy a model to share its loaded state.

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/json_number.hpp"
#include "cbapi/detail/json_body.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/detail/redact.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/time.hpp"

namespace cbapi {

/// The declaration of a model type: where it lives on the server and how it is saved.
///
/// @code
/// class Watchlist : public cbapi::MutableModel {
/// public:
///     inline static const cbapi::ModelInfo model_info =
///         cbapi::ModelInfo("Watchlist", "/api/v1/watchlist").required({"name", "search_query"});
///     static constexpr bool creatable = true;             // allows api.create<Watchlist>()
///     using query_type = cbapi::SimpleQuery<Watchlist>;   // what api.select<Watchlist>() returns
///     Watchlist(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
///         : MutableModel(model_info, std::move(api), std::move(doc), full) {}
///     std::string name() const { return get_or<std::string>("name", ""); }
/// };
/// @endcode
struct ModelInfo {
    /// Name used in messages ("Watchlist").
    std::string type_name;
    /// Collection URL path ("/api/v1/watchlist"); also the POST target for creation.
    std::string url_path;
    /// Primary-key field of the document.
    std::string primary_key = "id";
    /// Fields that must be present before save().
    std::vector<std::string> required_fields;
    /// HTTP method used to update an existing object.
    HttpMethod update_method = HttpMethod::put;
    /// Whether the primary key is part of the creation body (e.g. a User's username).
    bool create_sends_primary_key = false;
    /// URL path of one object; default `url_path + "/" + <id>`.
    std::function<std::string(const std::string& id)> instance_path;
    /// URL path of one object when it depends on more than the id (e.g. a process GUID and segment); overrides
    /// instance_path.
    std::function<std::string(const nlohmann::json& document)> document_path;
    /// Turns a GET reply for one object into its document (e.g. unwrap a one-element array); default identity.
    std::function<nlohmann::json(nlohmann::json)> unwrap;
    /// URL path of the list (client-side queries); empty = url_path.
    std::string list_path;
    /// Turns the list reply into a JSON array of documents (e.g. the values of an object keyed by name); default
    /// identity.
    std::function<nlohmann::json(nlohmann::json)> list_unwrap;
    /// Whether list replies carry whole documents (else reading a missing field loads the object).
    bool list_returns_full = true;
    /// Whether search results (paginated queries) carry whole documents.
    bool search_returns_full = false;
    /// Sort applied by paginated queries unless the caller sets one (e.g. "last_update desc").
    std::string default_sort;
    /// The oldest server version that has this model; select/create on an older server throws.
    std::optional<ServerVersion> min_server_version;

    ModelInfo(std::string name, std::string path) : type_name(std::move(name)), url_path(std::move(path)) {}

    ModelInfo& key(std::string field) & { primary_key = std::move(field); return *this; }
    ModelInfo&& key(std::string field) && { return std::move(key(std::move(field))); }
    ModelInfo& required(std::vector<std::string> fields) & { required_fields = std::move(fields); return *this; }
    ModelInfo&& required(std::vector<std::string> fields) && { return std::move(required(std::move(fields))); }
    ModelInfo& updated_with(HttpMethod method) & { update_method = method; return *this; }
    ModelInfo&& updated_with(HttpMethod method) && { return std::move(updated_with(method)); }
    ModelInfo& key_in_create_body(bool on = true) & { create_sends_primary_key = on; return *this; }
    ModelInfo&& key_in_create_body(bool on = true) && { return std::move(key_in_create_body(on)); }
    ModelInfo& instance_url(std::function<std::string(const std::string&)> f) & { instance_path = std::move(f); return *this; }
    ModelInfo&& instance_url(std::function<std::string(const std::string&)> f) && { return std::move(instance_url(std::move(f))); }
    ModelInfo& listed_at(std::string path, bool full_documents = true) & {
        list_path = std::move(path);
        list_returns_full = full_documents;
        return *this;
    }
    ModelInfo&& listed_at(std::string path, bool full_documents = true) && {
        return std::move(listed_at(std::move(path), full_documents));
    }
    ModelInfo& list_unwrapped_with(std::function<nlohmann::json(nlohmann::json)> f) & { list_unwrap = std::move(f); return *this; }
    ModelInfo&& list_unwrapped_with(std::function<nlohmann::json(nlohmann::json)> f) && { return std::move(list_unwrapped_with(std::move(f))); }
    ModelInfo& search_results_full(bool on = true) & { search_returns_full = on; return *this; }
    ModelInfo&& search_results_full(bool on = true) && { return std::move(search_results_full(on)); }
    ModelInfo& sorted_by(std::string sort) & { default_sort = std::move(sort); return *this; }
    ModelInfo&& sorted_by(std::string sort) && { return std::move(sorted_by(std::move(sort))); }
    ModelInfo& located_by(std::function<std::string(const nlohmann::json&)> f) & { document_path = std::move(f); return *this; }
    ModelInfo&& located_by(std::function<std::string(const nlohmann::json&)> f) && { return std::move(located_by(std::move(f))); }
    ModelInfo& since(ServerVersion version) & { min_server_version = std::move(version); return *this; }
    ModelInfo&& since(ServerVersion version) && { return std::move(since(std::move(version))); }
    ModelInfo& unwrap_with(std::function<nlohmann::json(nlohmann::json)> f) & { unwrap = std::move(f); return *this; }
    ModelInfo&& unwrap_with(std::function<nlohmann::json(nlohmann::json)> f) && { return std::move(unwrap_with(std::move(f))); }

    /// The URL path of the object with this id.
    std::string path_of(const std::string& id) const;
    /// The URL path of the object described by `document`.
    std::string path_for(const nlohmann::json& document) const;
    /// The URL path of the list.
    const std::string& list_url() const noexcept { return list_path.empty() ? url_path : list_path; }
};

namespace detail {

/// Percent-encodes a path segment (RFC 3986 pchar kept).
inline std::string encode_path_segment(std::string_view text) { return quote(text, "!$&'()*+,;=:@"); }

/// The text form of an id value (a string as is, a number in decimal); empty for null.
inline std::string id_text(const nlohmann::json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return {};
    return detail::json_text(value);
}

inline const char* json_type_name(const nlohmann::json& v) { return v.type_name(); }

/// Whether get<T> reads a field of type T from the server's textual form too (numbers and booleans).
template <typename T>
inline constexpr bool reads_text_form_v = std::is_arithmetic_v<T>;

/// Whether `value` is the empty text that real servers send for an unset number or boolean (read as absent).
template <typename T>
bool is_empty_text_form(const nlohmann::json& value) {
    return reads_text_form_v<T> && value.is_string() && value.get_ref<const std::string&>().empty();
}

/// Converts a field value to T, with a clear error naming the field and its owner (described only on error).
/// Integers, floating-point numbers and booleans are also read from the text real servers send
/// (`"total_hits": "308"`, `"clock_delta": "-11"`, `"true"`), under the same range checks as numbers; other text
/// is refused.
template <typename T, typename Describe>
T convert_field(const nlohmann::json& value, std::string_view field, const Describe& describe_owner) {
    try {
        if constexpr (std::is_same_v<T, TimePoint>) {
            if (value.is_number()) return from_epoch_seconds(value.get<double>());
            return parse_cb_time(value.get<std::string>());
        } else if constexpr (std::is_same_v<T, bool>) {
            if (value.is_string()) {
                const auto& text = value.get_ref<const std::string&>();
                if (text == "true") return true;
                if (text == "false") return false;
            }
            return value.get<bool>();
        } else if constexpr (std::is_integral_v<T>) {
            if (value.is_string())
                if (auto n = integer_text_json(value.get_ref<const std::string&>())) return checked_integer<T>(*n);
            return checked_integer<T>(value);
        } else if constexpr (std::is_floating_point_v<T>) {
            if (value.is_string()) {
                if (auto n = number_text_json(value.get_ref<const std::string&>())) {
                    const T v = n->get<T>();
                    if (!std::isfinite(v)) throw ApiError("the number " + value.dump() + " is out of range");
                    return v;
                }
            }
            return value.get<T>();
        } else {
            return value.get<T>();
        }
    } catch (const nlohmann::json::exception&) {
        throw ApiError(fmt::format("Field '{}' of {} has an unexpected type ({}): {}", field, describe_owner(),
                                   json_type_name(value), detail::json_text(value, 64)));
    } catch (const ApiError& e) {
        throw ApiError(fmt::format("Field '{}' of {}: {}", field, describe_owner(), e.what()));
    }
}

}  // namespace detail

inline std::string ModelInfo::path_of(const std::string& id) const {
    if (instance_path) return instance_path(id);
    return url_path + "/" + detail::encode_path_segment(id);
}

inline std::string ModelInfo::path_for(const nlohmann::json& document) const {
    if (document_path) return document_path(document);
    const auto it = document.find(primary_key);
    return path_of(it == document.end() ? std::string() : detail::id_text(*it));
}

namespace detail {

/// Refuses a model the server is too old for.
/// @throws ApiError "<Type> requires server version X or later (server <url> reports Y)"
inline void require_server_version(const ApiState& state, const ModelInfo& info) {
    if (!info.min_server_version || state.at_least(*info.min_server_version)) return;
    throw ApiError(info.type_name + " requires server version " + info.min_server_version->to_string() +
                   " or later (server " + state.connection.url() + " reports " +
                   (state.server_version ? state.server_version->to_string() : std::string("no version")) + ")");
}

}  // namespace detail

/// Base of every model: a lazily loaded, read-only view of one server object.
class Model {
public:
    /// The document as known locally (no request is made).
    const nlohmann::json& document() const noexcept { return doc_; }

    /// The value of a field converted to T; `std::nullopt` when absent or null. Reading a field that a partially
    /// loaded object lacks loads the object once (GET of its URL) first.
    ///
    /// Integer, floating-point and `bool` T also accept the text real servers send (`"total_hits": "308"`,
    /// `"clock_delta": "-11"`, `"true"`/`"false"`; empty text reads as absent), with the same range checks as a
    /// number: `"12abc"`, `"1.5"` for an integer, or a value T cannot hold exactly is an error.
    /// @code
    /// auto hits = watchlist.get<long long>("total_hits");  // 308 from {"total_hits": "308"}
    /// @endcode
    /// @throws ApiError when the value cannot be converted to T; the request's exceptions when loading
    template <typename T>
    std::optional<T> get(std::string_view name) const {
        const nlohmann::json* value = find(name);
        if (value == nullptr || value->is_null() || detail::is_empty_text_form<T>(*value)) return std::nullopt;
        return detail::convert_field<T>(*value, name, [this] { return describe(); });
    }

    /// get<T>(name), or `fallback` when absent or null.
    template <typename T>
    T get_or(std::string_view name, T fallback) const {
        auto v = get<T>(name);
        return v ? std::move(*v) : std::move(fallback);
    }

    /// Whether the field is present (loading a partial object once if needed).
    bool has(std::string_view name) const { return find(name) != nullptr; }

    /// The primary key in text form; empty for an object not yet saved.
    std::string id() const {
        const auto it = doc_.find(info_->primary_key);
        return it == doc_.end() ? std::string() : detail::id_text(*it);
    }

    /// Whether the whole document has been loaded.
    bool is_full() const noexcept { return full_; }

    /// Loads the object from the server (GET of its URL), replacing the local document. Always asks the server (the
    /// lazy load of a partial object may reuse a reply of the last CacheOptions::ttl instead).
    /// @throws InvalidObjectError for an object without id; ObjectNotFoundError and the request's exceptions
    void refresh() {
        load(false);
        on_refreshed();
    }

    /// The model's declaration.
    const ModelInfo& model_info() const noexcept { return *info_; }

    /// "<Type> <id>", e.g. "Watchlist 42" (or "new Watchlist").
    std::string describe() const {
        const std::string key = id();
        return key.empty() ? "new " + info_->type_name : info_->type_name + " " + key;
    }

    /// A readable dump: the description, "(partially loaded)" when so, and the document with the values of secret
    /// fields (passwords, tokens, private keys: detail::is_secret_field) shown as "<redacted>".
    std::string to_string() const {
        return describe() + (full_ ? "" : " (partially loaded)") + ": " +
               detail::json_text(detail::redact_secret_fields(doc_), std::string::npos, 2);
    }

    virtual ~Model() = default;

protected:
    Model(const ModelInfo& info, detail::ApiHandle api, nlohmann::json document, bool full)
        : info_(&info), api_(std::move(api)), doc_(std::move(document)), full_(full) {
        if (!doc_.is_object()) {
            throw ServerError(200, fmt::format("Expected a JSON object for a {}, got {}", info.type_name,
                                               doc_.type_name()));
        }
    }
    Model(const Model&) = default;
    Model(Model&&) noexcept = default;
    Model& operator=(const Model&) = default;
    Model& operator=(Model&&) noexcept = default;

    /// Loads the object if it is partial and has an id. (Loading fills in what the object is; it does not change
    /// what the caller set, which is why a const object may do it.)
    void ensure_loaded() const {
        if (!full_ && !id().empty()) load(true);
    }

    /// Called after the document was replaced by the server's.
    virtual void on_refreshed() {}

    const detail::ApiHandle& api() const noexcept { return api_; }
    nlohmann::json& mutable_document() noexcept { return doc_; }
    void mark_full(bool full) noexcept { full_ = full; }

private:
    // `cached`: a lazy load may reuse a recent reply (Connection::get_json_cached); refresh() always asks the server.
    void load(bool cached) const {
        const std::string key = id();
        if (key.empty())
            throw InvalidObjectError("Cannot load a " + info_->type_name + " that has no " + info_->primary_key);
        const std::string path = info_->path_for(doc_);
        nlohmann::json loaded = cached ? api_->connection.get_json_cached(path) : api_->connection.get_json(path);
        if (info_->unwrap) loaded = info_->unwrap(std::move(loaded));
        if (!loaded.is_object())
            throw ServerError(200, fmt::format("Expected a JSON object for {} {}, got {}", info_->type_name, key,
                                               loaded.type_name()));
        doc_ = std::move(loaded);
        full_ = true;
    }

    const nlohmann::json* find(std::string_view name) const {
        auto it = doc_.find(name);
        if (it == doc_.end() && !full_ && !id().empty()) {
            ensure_loaded();
            it = doc_.find(name);
        }
        return it == doc_.end() ? nullptr : &*it;
    }

    const ModelInfo* info_;
    detail::ApiHandle api_;
    mutable nlohmann::json doc_;  // filled in by lazy loading
    mutable bool full_;
};

/// A model that can be changed, saved and deleted.
class MutableModel : public Model {
public:
    /// Sets a field. The first change of an existing, partially loaded object loads it first, so that an update
    /// sends the whole document. Setting a field back to its original value clears its change mark.
    /// @code watchlist.set("name", "Suspicious cmd"); watchlist.save(); @endcode
    MutableModel& set(std::string_view name, nlohmann::json value) {
        if (original_.empty()) ensure_loaded();
        auto& doc = mutable_document();
        const std::string key(name);
        const auto current = doc.find(key);
        if (current != doc.end() && *current == value) return *this;
        auto orig = original_.find(key);
        if (orig == original_.end()) {
            original_.emplace(key, current == doc.end() ? std::nullopt : std::optional<nlohmann::json>(*current));
        } else if (orig->second && *orig->second == value) {
            original_.erase(orig);  // back to where it started
        }
        doc[key] = std::move(value);
        return *this;
    }

    /// Whether any field changed since the object was loaded, created or saved.
    bool is_dirty() const noexcept { return !original_.empty(); }

    /// The names of the changed fields, sorted.
    std::vector<std::string> dirty_fields() const {
        std::vector<std::string> names;
        for (const auto& [k, v] : original_) names.push_back(k);
        return names;
    }

    /// Undoes every change since the last load or save (fields that were added are removed).
    void reset() {
        auto& doc = mutable_document();
        for (auto& [k, v] : original_) {
            if (v)
                doc[k] = std::move(*v);
            else
                doc.erase(k);
        }
        original_.clear();
    }

    /// Checks the required fields (loading a partial object first).
    /// @throws InvalidObjectError "Missing fields: [a, b]"
    void validate() const {
        ensure_loaded();
        std::vector<std::string> missing;
        for (const auto& f : model_info().required_fields)
            if (!document().contains(f)) missing.push_back(f);
        if (!missing.empty())
            throw InvalidObjectError(fmt::format("Missing fields: [{}]", fmt::join(missing, ", ")));
    }

    /// Sends the changes: creates the object (POST to the collection URL) when it has no id or its id changed,
    /// else updates it (PUT, or the model's verb, of the whole document). Does nothing when nothing changed.
    /// @throws InvalidObjectError, ServerError (including a `{"result": "<error>"}` reply), and the request's
    ///         exceptions
    void save() {
        if (!is_dirty()) return;
        if (created_without_id_)
            throw InvalidObjectError("This " + model_info().type_name + " was created but the server did not return its " +
                                     model_info().primary_key + "; select it again to change it");
        validate();
        const ModelInfo& info = model_info();
        const bool create = id().empty() || original_.count(info.primary_key) > 0;
        const Connection& conn = api()->connection;
        const HttpMethod method = create ? HttpMethod::post : info.update_method;
        const std::string path = save_path(create);
        Response reply;
        if (create) {
            logger()->debug("Creating a new {} object", info.type_name);
            reply = conn.send_json_raw(method, path, create_body());
        } else {
            logger()->debug("Updating {} with unique ID {}", info.type_name, id());
            reply = conn.send_json_raw(method, path, update_body());
        }
        apply_reply(reply, method, path, create);
        original_.clear();
    }

    /// Deletes the object on the server (cbapi-python's `delete()`).
    /// @throws InvalidObjectError for an object that was never saved; ServerError when the server refuses
    void remove() {
        const std::string key = id();
        if (key.empty()) throw InvalidObjectError("Cannot delete a " + model_info().type_name + " that was never saved");
        const std::string path = model_info().path_for(document());
        const Response reply = api()->connection.request(HttpMethod::del, path);
        if (reply.status != 200 && reply.status != 204)
            throw ServerError(reply.status, "Unexpected reply to DELETE", "DELETE", path, reply.body,
                              "Did not delete " + describe() + ".");
    }

protected:
    using Model::Model;

    void on_refreshed() override { original_.clear(); }

    // Product hooks. The defaults are cbapi-python's: create with the document minus the primary key (unless the
    // model sends it), update with the whole document, and the reply handling below.

    /// The URL path a save sends to: by default the collection URL to create and the object's URL to update. A model
    /// whose collection depends on its document (e.g. a watchlist's actions) or that updates elsewhere overrides it.
    /// @param create whether the save creates the object
    virtual std::string save_path(bool create) const {
        return create ? model_info().url_path : model_info().path_for(document());
    }
    /// The body of the creating POST.
    virtual nlohmann::json create_body() const {
        nlohmann::json body = document();
        if (!model_info().create_sends_primary_key) body.erase(model_info().primary_key);
        return body;
    }
    /// The body of an update.
    virtual nlohmann::json update_body() const { return document(); }
    /// Only the changed fields with their new values (for products that PATCH changes, e.g. Cb Defense devices).
    nlohmann::json changed_fields() const {
        nlohmann::json body = nlohmann::json::object();
        for (const auto& [k, v] : original_) {
            const auto it = document().find(k);
            body[k] = it == document().end() ? nlohmann::json() : *it;
        }
        return body;
    }

    /// Handles the reply to a save, with the intent of cbapi-python's (Python 2) code: {"result": "success"} or a
    /// bare {"id": N} → load the object; {"result": "<other>"} → error; another JSON object → it is the new
    /// document; no JSON → load the object.
    /// @param reply the server's reply @param method the method the save used @param path the path it went to
    /// @param created whether the save created the object
    virtual void apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) {
        const std::string what = (created ? "create " : "update ") + model_info().type_name;
        auto parsed = cbapi::detail::parse_json_body(reply.body);
        if (parsed.is_object() && parsed.size() == 1 && parsed.contains("result")) {
            const auto& result = parsed["result"];
            // Python's `if result and result != "success"`: a falsy result (null, false, "", 0) is no error.
            const bool falsy = result.is_null() || (result.is_boolean() && !result.get<bool>()) ||
                               (result.is_string() && result.get<std::string>().empty()) ||
                               (result.is_number() && result == 0);
            if (!falsy && !(result.is_string() && result.get<std::string>() == "success")) {
                throw ServerError(reply.status,
                                  result.is_string() ? result.get<std::string>() : detail::json_text(result),
                                  std::string(cbapi::to_string(method)), path, reply.body,
                                  "Did not " + what + " record.");
            }
            reload_if_possible();
            return;
        }
        if (parsed.is_object() && parsed.size() == 1 && parsed.contains("id") &&
            model_info().primary_key == "id") {
            logger()->debug("Only received an ID back from the server, forcing a refresh");
            mutable_document()["id"] = parsed["id"];
            refresh();
            return;
        }
        if (parsed.is_object() && !parsed.empty()) {
            logger()->debug("Received response: {}", detail::json_text(detail::redact_secret_fields(parsed), 1024));
            mutable_document() = std::move(parsed);
            mark_full(true);
            return;
        }
        reload_if_possible();
    }

    /// Loads the object when it has an id; otherwise marks it as created without one (a second save would
    /// duplicate it, so save() refuses).
    void reload_if_possible() {
        if (!id().empty()) {
            refresh();
        } else {
            // The server accepted the object but did not say its id: saving it again would create a duplicate.
            logger()->warn("The server created a {} but did not return its {}", model_info().type_name,
                           model_info().primary_key);
            created_without_id_ = true;
            mark_full(true);
        }
    }

private:
    std::map<std::string, std::optional<nlohmann::json>> original_;
    bool created_without_id_ = false;
};

}  // namespace cbapi
