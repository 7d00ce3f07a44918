// The model base: lazy loading, dirty tracking, save and delete (include/cbapi/model.hpp).
#include "cbapi/model.hpp"

#include <cmath>

#include <fmt/format.h>

#include "cbapi/connection.hpp"
#include "cbapi/detail/json_body.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/detail/redact.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/logging.hpp"

namespace cbapi {

std::string ModelInfo::path_of(const std::string& id) const {
    if (instance_path) return instance_path(id);
    return url_path + "/" + detail::encode_path_segment(id);
}

std::string ModelInfo::path_for(const nlohmann::json& document) const {
    if (document_path) return document_path(document);
    const auto it = document.find(primary_key);
    return path_of(it == document.end() ? std::string() : detail::id_text(*it));
}

namespace detail {

std::string encode_path_segment(std::string_view text) { return quote(text, "!$&'()*+,;=:@"); }

std::string id_text(const nlohmann::json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return {};
    return json_text(value);
}

const char* json_type_name(const nlohmann::json& v) { return v.type_name(); }

TimePoint time_field_value(const nlohmann::json& value) {
    if (value.is_number()) return from_epoch_seconds(value.get<double>());
    return parse_cb_time(value.get<std::string>());
}

bool bool_field_value(const nlohmann::json& value) {
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (text == "true") return true;
        if (text == "false") return false;
    }
    return value.get<bool>();  // nlohmann's type error for anything else, reported by convert_field
}

double double_field_value(const nlohmann::json& value) {
    if (value.is_string()) {
        if (auto n = number_text_json(value.get_ref<const std::string&>())) {
            const double v = n->get<double>();
            if (!std::isfinite(v)) throw ApiError("the number " + value.dump() + " is out of range");
            return v;
        }
    }
    return value.get<double>();
}

nlohmann::json integer_field_json(const nlohmann::json& value) {
    if (value.is_string())
        if (auto n = integer_text_json(value.get_ref<const std::string&>())) return std::move(*n);
    return value;
}

void throw_field_type_error(const nlohmann::json& value, std::string_view field, const std::string& owner) {
    throw ApiError(fmt::format("Field '{}' of {} has an unexpected type ({}): {}", field, owner, json_type_name(value),
                               json_text(value, 64)));
}

void throw_field_error(const ApiError& error, std::string_view field, const std::string& owner) {
    throw ApiError(fmt::format("Field '{}' of {}: {}", field, owner, error.what()));
}

void require_server_version(const ApiState& state, const ModelInfo& info) {
    if (!info.min_server_version || state.at_least(*info.min_server_version)) return;
    throw ApiError(info.type_name + " requires server version " + info.min_server_version->to_string() +
                   " or later (server " + state.connection.url() + " reports " +
                   (state.server_version ? state.server_version->to_string() : std::string("no version")) + ")");
}

}  // namespace detail

// --- Model ------------------------------------------------------------------------------------------------------

Model::Model(const ModelInfo& info, detail::ApiHandle api, nlohmann::json document, bool full)
    : info_(&info), api_(std::move(api)), doc_(std::move(document)), full_(full) {
    if (!doc_.is_object()) {
        throw ServerError(200, fmt::format("Expected a JSON object for a {}, got {}", info.type_name, doc_.type_name()));
    }
}

Model::~Model() = default;

std::string Model::id() const {
    const auto it = doc_.find(info_->primary_key);
    return it == doc_.end() ? std::string() : detail::id_text(*it);
}

void Model::refresh() {
    load(false);
    on_refreshed();
}

std::string Model::describe() const {
    const std::string key = id();
    return key.empty() ? "new " + info_->type_name : info_->type_name + " " + key;
}

std::string Model::to_string() const {
    return describe() + (full_ ? "" : " (partially loaded)") + ": " +
           detail::json_text(detail::redact_secret_fields(doc_), std::string::npos, 2);
}

void Model::ensure_loaded() const {
    if (!full_ && !id().empty()) load(true);
}

void Model::on_refreshed() {}

// `cached`: a lazy load may reuse a recent reply (Connection::get_json_cached); refresh() always asks the server.
void Model::load(bool cached) const {
    const std::string key = id();
    if (key.empty()) throw InvalidObjectError("Cannot load a " + info_->type_name + " that has no " + info_->primary_key);
    const std::string path = info_->path_for(doc_);
    nlohmann::json loaded = cached ? api_->connection.get_json_cached(path) : api_->connection.get_json(path);
    if (info_->unwrap) loaded = info_->unwrap(std::move(loaded));
    if (!loaded.is_object())
        throw ServerError(200, fmt::format("Expected a JSON object for {} {}, got {}", info_->type_name, key,
                                           loaded.type_name()));
    doc_ = std::move(loaded);
    full_ = true;
}

const nlohmann::json* Model::find(std::string_view name) const {
    auto it = doc_.find(name);
    if (it == doc_.end() && !full_ && !id().empty()) {
        ensure_loaded();
        it = doc_.find(name);
    }
    return it == doc_.end() ? nullptr : &*it;
}

// --- MutableModel -----------------------------------------------------------------------------------------------

MutableModel& MutableModel::set(std::string_view name, nlohmann::json value) {
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

std::vector<std::string> MutableModel::dirty_fields() const {
    std::vector<std::string> names;
    for (const auto& [k, v] : original_) names.push_back(k);
    return names;
}

void MutableModel::reset() {
    auto& doc = mutable_document();
    for (auto& [k, v] : original_) {
        if (v)
            doc[k] = std::move(*v);
        else
            doc.erase(k);
    }
    original_.clear();
}

void MutableModel::validate() const {
    ensure_loaded();
    std::vector<std::string> missing;
    for (const auto& f : model_info().required_fields)
        if (!document().contains(f)) missing.push_back(f);
    if (!missing.empty()) throw InvalidObjectError(fmt::format("Missing fields: [{}]", fmt::join(missing, ", ")));
}

void MutableModel::save() {
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

void MutableModel::remove() {
    const std::string key = id();
    if (key.empty()) throw InvalidObjectError("Cannot delete a " + model_info().type_name + " that was never saved");
    const std::string path = model_info().path_for(document());
    const Response reply = api()->connection.request(HttpMethod::del, path);
    if (reply.status != 200 && reply.status != 204)
        throw ServerError(reply.status, "Unexpected reply to DELETE", "DELETE", path, reply.body,
                          "Did not delete " + describe() + ".");
}

void MutableModel::on_refreshed() { original_.clear(); }

std::string MutableModel::save_path(bool create) const {
    return create ? model_info().url_path : model_info().path_for(document());
}

nlohmann::json MutableModel::create_body() const {
    nlohmann::json body = document();
    if (!model_info().create_sends_primary_key) body.erase(model_info().primary_key);
    return body;
}

nlohmann::json MutableModel::update_body() const { return document(); }

nlohmann::json MutableModel::changed_fields() const {
    nlohmann::json body = nlohmann::json::object();
    for (const auto& [k, v] : original_) {
        const auto it = document().find(k);
        body[k] = it == document().end() ? nlohmann::json() : *it;
    }
    return body;
}

void MutableModel::apply_reply(const Response& reply, HttpMethod method, const std::string& path, bool created) {
    const std::string what = (created ? "create " : "update ") + model_info().type_name;
    auto parsed = detail::parse_json_body(reply.body);
    if (parsed.is_object() && parsed.size() == 1 && parsed.contains("result")) {
        const auto& result = parsed["result"];
        // Python's `if result and result != "success"`: a falsy result (null, false, "", 0) is no error.
        const bool falsy = result.is_null() || (result.is_boolean() && !result.get<bool>()) ||
                           (result.is_string() && result.get<std::string>().empty()) ||
                           (result.is_number() && result == 0);
        if (!falsy && !(result.is_string() && result.get<std::string>() == "success")) {
            throw ServerError(reply.status, result.is_string() ? result.get<std::string>() : detail::json_text(result),
                              std::string(cbapi::to_string(method)), path, reply.body, "Did not " + what + " record.");
        }
        reload_if_possible();
        return;
    }
    if (parsed.is_object() && parsed.size() == 1 && parsed.contains("id") && model_info().primary_key == "id") {
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

void MutableModel::reload_if_possible() {
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

}  // namespace cbapi
