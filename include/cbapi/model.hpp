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

#include "cbapi/fwd.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/json_number.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "cbapi/time.hpp"

namespace cbapi {

/// The declaration of a model type: where it lives on the server and how it is saved.
///
/// @code
/// class Watchlist : public cbapi::MutableModel {
/// public:
///     static const cbapi::ModelInfo model_info;           // defined once, in a .cpp (below)
///     static constexpr bool creatable = true;             // allows api.create<Watchlist>()
///     using query_type = cbapi::SimpleQuery<Watchlist>;   // what api.select<Watchlist>() returns
///     Watchlist(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
///         : MutableModel(model_info, std::move(api), std::move(doc), full) {}
///     std::string name() const { return get_or<std::string>("name", ""); }
/// };
/// // watchlist.cpp: one initialisation, in one translation unit
/// const cbapi::ModelInfo Watchlist::model_info =
///     cbapi::ModelInfo("Watchlist", "/api/v1/watchlist").required({"name", "search_query"});
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
std::string encode_path_segment(std::string_view text);

/// The text form of an id value (a string as is, a number in decimal); empty for null.
std::string id_text(const nlohmann::json& value);

/// The name of a JSON value's type ("string", "number", ...).
const char* json_type_name(const nlohmann::json& v);

/// Whether get<T> reads a field of type T from the server's textual form too (numbers and booleans).
template <typename T>
inline constexpr bool reads_text_form_v = std::is_arithmetic_v<T>;

/// Whether `value` is the empty text that real servers send for an unset number or boolean (read as absent).
template <typename T>
bool is_empty_text_form(const nlohmann::json& value) {
    return reads_text_form_v<T> && value.is_string() && value.get_ref<const std::string&>().empty();
}

/// A field value as a time: epoch seconds or Carbon Black's time text. @throws ApiError, nlohmann::json::exception
TimePoint time_field_value(const nlohmann::json& value);
/// A field value as a bool: JSON true/false or the text "true"/"false". @throws nlohmann::json::exception
bool bool_field_value(const nlohmann::json& value);
/// A field value as a finite double: a JSON number or number text. @throws ApiError, nlohmann::json::exception
double double_field_value(const nlohmann::json& value);
/// Decimal integer text ("308") as a JSON integer for checked_integer(), or `value` itself when it is no such text.
nlohmann::json integer_field_json(const nlohmann::json& value);
/// @throws ApiError "Field '<field>' of <owner> has an unexpected type (<type>): <value>"
[[noreturn]] void throw_field_type_error(const nlohmann::json& value, std::string_view field, const std::string& owner);
/// @throws ApiError "Field '<field>' of <owner>: <what>"
[[noreturn]] void throw_field_error(const ApiError& error, std::string_view field, const std::string& owner);

/// Converts a field value to T, with a clear error naming the field and its owner (described only on error).
/// Integers, floating-point numbers and booleans are also read from the text real servers send
/// (`"total_hits": "308"`, `"clock_delta": "-11"`, `"true"`), under the same range checks as numbers; other text
/// is refused.
template <typename T, typename Describe>
T convert_field(const nlohmann::json& value, std::string_view field, const Describe& describe_owner) {
    try {
        if constexpr (std::is_same_v<T, TimePoint>) {
            return time_field_value(value);
        } else if constexpr (std::is_same_v<T, bool>) {
            return bool_field_value(value);
        } else if constexpr (std::is_integral_v<T>) {
            if (value.is_string()) return checked_integer<T>(integer_field_json(value));
            return checked_integer<T>(value);
        } else if constexpr (std::is_floating_point_v<T>) {
            const double v = double_field_value(value);
            if constexpr (!std::is_same_v<T, double>) {
                // Text is range-checked for T (a JSON number converts as nlohmann does): inf - inf is NaN.
                if (value.is_string() && !(static_cast<T>(v) - static_cast<T>(v) == 0))
                    throw ApiError("the number " + value.dump() + " is out of range");
            }
            return static_cast<T>(v);
        } else {
            return value.template get<T>();
        }
    } catch (const nlohmann::json::exception&) {
        throw_field_type_error(value, field, describe_owner());
    } catch (const ApiError& e) {
        throw_field_error(e, field, describe_owner());
    }
}

/// Refuses a model the server is too old for.
/// @throws ApiError "<Type> requires server version X or later (server <url> reports Y)"
void require_server_version(const ApiState& state, const ModelInfo& info);

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
    std::string id() const;

    /// Whether the whole document has been loaded.
    bool is_full() const noexcept { return full_; }

    /// Loads the object from the server (GET of its URL), replacing the local document. Always asks the server (the
    /// lazy load of a partial object may reuse a reply of the last CacheOptions::ttl instead).
    /// @throws InvalidObjectError for an object without id; ObjectNotFoundError and the request's exceptions
    void refresh();

    /// The model's declaration.
    const ModelInfo& model_info() const noexcept { return *info_; }

    /// "<Type> <id>", e.g. "Watchlist 42" (or "new Watchlist").
    std::string describe() const;

    /// A readable dump: the description, "(partially loaded)" when so, and the document with the values of secret
    /// fields (passwords, tokens, private keys: detail::is_secret_field) shown as "<redacted>".
    std::string to_string() const;

    virtual ~Model();

protected:
    /// @throws ServerError when `document` is not a JSON object
    Model(const ModelInfo& info, detail::ApiHandle api, nlohmann::json document, bool full);
    Model(const Model&) = default;
    Model(Model&&) noexcept = default;
    Model& operator=(const Model&) = default;
    Model& operator=(Model&&) noexcept = default;

    /// Loads the object if it is partial and has an id. (Loading fills in what the object is; it does not change
    /// what the caller set, which is why a const object may do it.)
    void ensure_loaded() const;

    /// Called after the document was replaced by the server's.
    virtual void on_refreshed();

    const detail::ApiHandle& api() const noexcept { return api_; }
    nlohmann::json& mutable_document() noexcept { return doc_; }
    void mark_full(bool full) noexcept { full_ = full; }

private:
    void load(bool cached) const;
    const nlohmann::json* find(std::string_view name) const;

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
    MutableModel& set(std::string_view name, nlohmann::json value);

    /// Whether any field changed since the object was loaded, created or saved.
    bool is_dirty() const noexcept { return !original_.empty(); }

    /// The names of the changed fields, sorted.
    std::vector<std::string> dirty_fields() const;

    /// Undoes every change since the last load or save (fields that were added are removed).
    void reset();

    /// Checks the required fields (loading a partial object first).
    /// @throws InvalidObjectError "Missing fields: [a, b]"
    void validate() const;

    /// Sends the changes: creates the object (POST to the collection URL) when it has no id or its id changed,
    /// else updates it (PUT, or the model's verb, of the whole document). Does nothing when nothing changed.
    /// @throws InvalidObjectError, ServerError (including a `{"result": "<error>"}` reply), and the request's
    ///         exceptions
    void save();

    /// Deletes the object on the server (cbapi-python's `delete()`).
    /// @throws InvalidObjectError for an object that was never saved; ServerError when the server refuses
    void remove();

protected:
    using Model::Model;

    void on_refreshed() override;

    // Product hooks. The defaults are cbapi-python's: create with the document minus the primary key (unless the
    // model sends it), update with the whole document, and the reply handling of apply_reply().

    /// The URL path a save sends to: by default the collection URL to create and the object's URL to update. A model
    /// whose collection depends on its document (e.g. a watchlist's actions) or that updates elsewhere overrides it.
    /// @param create whether the save creates the object
    virtual std::string save_path(bool create) const;
    /// The body of the creating POST.
    virtual nlohmann::json create_body() const;
    /// The body of an update.
    virtual nlohmann::json update_body() const;
    /// Only the changed fields with their new values (for products that PATCH changes, e.g. Cb Defense devices).
    nlohmann::json changed_fields() const;

    /// Handles the reply to a save, with the intent of cbapi-python's (Python 2) code: {"result": "success"} or a
    /// bare {"id": N} → load the object; {"result": "<other>"} → error; another JSON object → it is the new
    /// document; no JSON → load the object.
    /// @param reply the server's reply @param method the method the save used @param path the path it went to
    /// @param created whether the save created the object
    virtual void apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created);

    /// Loads the object when it has an id; otherwise marks it as created without one (a second save would
    /// duplicate it, so save() refuses).
    void reload_if_possible();

private:
    std::map<std::string, std::optional<nlohmann::json>> original_;
    bool created_without_id_ = false;
};

}  // namespace cbapi
