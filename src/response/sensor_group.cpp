// Sites, throttle rules, sensor groups and their data sharing settings
// (include/cbapi/response/sensor_group.hpp).

#include "cbapi/response/sensor_group.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/json_text.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/server_version.hpp"
#include "response/field_values.hpp"

namespace cbapi::response {

namespace detail {

/// Unwraps the one-element array the server answers for one group or site.
/// @throws ObjectNotFoundError when the reply is not an array of exactly one object
nlohmann::json only_element(nlohmann::json reply, const char* collection) {
    if (!reply.is_array() || reply.size() != 1 || !reply[0].is_object())
        throw ObjectNotFoundError(collection,
                                  "expected an array of one object, got " + cbapi::detail::json_text(reply, 128));
    return std::move(reply[0]);
}

}  // namespace detail

namespace {

DataSharingSetting setting_of(const nlohmann::json& item) {
    if (!item.is_object()) throw ServerError(200, "Expected a JSON object for a data sharing setting");
    return DataSharingSetting{detail::text_field(item, "id"), detail::text_field(item, "group_id"),
                              detail::text_field(item, "who"), detail::text_field(item, "what"), item};
}

}  // namespace

// --- Site --------------------------------------------------------------------------------------------------------

const ModelInfo Site::model_info =
    ModelInfo("Site", "/api/site").required({"name"}).unwrap_with([](nlohmann::json reply) {
        return detail::only_element(std::move(reply), "/api/site");
    });

Site::Site(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), full) {}

std::string Site::name() const { return get_or<std::string>("name", ""); }

SimpleQuery<ThrottleRule> Site::throttle_rules() const {
    if (id().empty()) throw InvalidObjectError("A Site that was never saved has no throttle rules");
    return SimpleQuery<ThrottleRule>(api()).where("site_id:" + id());
}

// --- ThrottleRule ------------------------------------------------------------------------------------------------

const ModelInfo ThrottleRule::model_info =
    ModelInfo("ThrottleRule", "/api/throttle").required({"site_id", "day_of_week", "from", "to", "bytes_per_second"});

ThrottleRule::ThrottleRule(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), full) {}

std::optional<long long> ThrottleRule::site_id() const { return get<long long>("site_id"); }
std::optional<long long> ThrottleRule::day_of_week() const { return get<long long>("day_of_week"); }
std::optional<long long> ThrottleRule::from() const { return get<long long>("from"); }
std::optional<long long> ThrottleRule::to() const { return get<long long>("to"); }
std::optional<double> ThrottleRule::bytes_per_second() const { return get<double>("bytes_per_second"); }

Site ThrottleRule::site() const {
    const auto sid = site_id();
    if (!sid) throw ApiError("ThrottleRule " + id() + " has no site_id");
    return Site(api(), {{"id", *sid}}, false);
}

ThrottleRule& ThrottleRule::set_site(const Site& site) {
    const auto sid = site.get<nlohmann::json>("id");
    if (!sid || sid->is_null()) throw InvalidObjectError("Cannot put a throttle rule in a site that has no id");
    set("site_id", *sid);
    return *this;
}

// --- InstallerType -----------------------------------------------------------------------------------------------

const char* to_string(InstallerType type) noexcept {
    switch (type) {
        case InstallerType::windows_exe: return "windows/exe";
        case InstallerType::windows_msi: return "windows/msi";
        case InstallerType::osx: return "osx";
        case InstallerType::linux_tar_gz: return "linux";
    }
    return "windows/exe";
}

InstallerType parse_installer_type(const std::string& name) {
    for (auto t :
         {InstallerType::windows_exe, InstallerType::windows_msi, InstallerType::osx, InstallerType::linux_tar_gz})
        if (name == to_string(t)) return t;
    throw ApiError("Unknown installer type '" + name + "' (expected windows/exe, windows/msi, osx or linux)");
}

// --- SensorGroup -------------------------------------------------------------------------------------------------

// One GET of a group answers an array of one group (also on /api/v3/group: cbapi-python 1.7.4's SensorGroup._parse).
const ModelInfo SensorGroup::model_info =
    ModelInfo("SensorGroup", "/api/group").required({"name", "site_id"}).unwrap_with([](nlohmann::json reply) {
        return detail::only_element(std::move(reply), "/api/group");
    });

// cbapi-python 1.7.4 (src/cbapi/response/models.py: urlobject = '/api/v3/group'; models/group-modify.yaml: required
// name, site_id, sensorbackend_server). It used v3 on every server; the version that introduced it is not in its
// history, so 7.0 is our assumption (docs/server-versions.md).
const ModelInfo SensorGroup::model_info_v3 =
    ModelInfo("SensorGroup", "/api/v3/group")
        .required({"name", "site_id", "sensorbackend_server"})
        .unwrap_with([](nlohmann::json reply) { return detail::only_element(std::move(reply), "/api/v3/group"); });

namespace {
const ServerVersion v3_groups_from{7, 0};
}  // namespace

const ModelInfo& SensorGroup::info_for(const cbapi::detail::ApiState& api) {
    return api.at_least(v3_groups_from) ? model_info_v3 : model_info;
}

SensorGroup::SensorGroup(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(api ? info_for(*api) : model_info, api, std::move(doc), full) {}

SensorGroupQuery::SensorGroupQuery(cbapi::detail::ApiHandle api)
    : SimpleQuery<SensorGroup>(api, api ? SensorGroup::info_for(*api).list_url() : SensorGroup::model_info.list_url()) {}

std::string SensorGroup::name() const { return get_or<std::string>("name", ""); }
std::optional<long long> SensorGroup::site_id() const { return integer("site_id"); }
std::string SensorGroup::sensorbackend_server() const { return get_or<std::string>("sensorbackend_server", ""); }
std::string SensorGroup::sensor_version() const { return get_or<std::string>("sensor_version", ""); }
std::string SensorGroup::sensor_version_windows() const { return get_or<std::string>("sensor_version_windows", ""); }
std::string SensorGroup::sensor_version_osx() const { return get_or<std::string>("sensor_version_osx", ""); }
std::string SensorGroup::sensor_version_linux() const { return get_or<std::string>("sensor_version_linux", ""); }
nlohmann::json SensorGroup::isolation_exclusions() const {
    return get_or<nlohmann::json>("isolation_exclusions", nlohmann::json::array());
}
nlohmann::json SensorGroup::event_exclusions() const {
    return get_or<nlohmann::json>("event_exclusions", nlohmann::json::array());
}
std::optional<long long> SensorGroup::alert_criticality() const { return integer("alert_criticality"); }
std::optional<long long> SensorGroup::tamper_level() const { return integer("tamper_level"); }
std::optional<long long> SensorGroup::max_licenses() const { return integer("max_licenses"); }
bool SensorGroup::banning_enabled() const { return get_or<bool>("banning_enabled", false); }
bool SensorGroup::vdi_enabled() const { return get_or<bool>("vdi_enabled", false); }
nlohmann::json SensorGroup::team_access() const {
    return get_or<nlohmann::json>("team_access", nlohmann::json::array());
}

SensorQuery SensorGroup::sensors() const { return SensorQuery(api()).where("groupid:" + saved_id()); }

Site SensorGroup::site() const {
    const auto sid = site_id();
    if (!sid) throw ApiError(describe() + " has no site_id");
    return Site(api(), {{"id", *sid}}, false);
}

SensorGroup& SensorGroup::set_site(const Site& site) {
    const auto sid = site.get<nlohmann::json>("id");
    if (!sid || sid->is_null()) throw InvalidObjectError("Cannot put a sensor group in a site that has no id");
    set("site_id", *sid);
    return *this;
}

std::string SensorGroup::get_installer(InstallerType type) const {
    return api()
        ->connection.request(HttpMethod::get, "/api/v1/group/" + saved_id() + "/installer/" + response::to_string(type))
        .body;
}

std::string SensorGroup::get_installer(const std::string& type) const {
    return get_installer(parse_installer_type(type));
}

std::vector<DataSharingSetting> SensorGroup::datasharing() const {
    const auto body = api()->connection.get_json(datasharing_path(), {}, nlohmann::json::array());
    if (body.is_null()) return {};
    if (!body.is_array())
        throw ServerError(200, "Expected a JSON array of data sharing settings, got " + std::string(body.type_name()));
    std::vector<DataSharingSetting> out;
    for (const auto& item : body) out.push_back(setting_of(item));
    return out;
}

bool SensorGroup::shares(const std::string& who, const std::string& what) const {
    for (const auto& s : datasharing())
        if (s.who == who && s.what == what) return true;
    return false;
}

// The server may answer the POST without the setting; the request body stands in for it then.
DataSharingSetting SensorGroup::enable_datasharing(const std::string& who, const std::string& what) const {
    if (who.empty() || what.empty()) throw ApiError("enable_datasharing needs both who and what");
    const nlohmann::json body = {{"group_id", group_id_value()}, {"who", who}, {"what", what}};
    const auto reply = api()->connection.post_json(datasharing_path(), body, false, body);
    return setting_of(reply.is_object() ? reply : body);
}

std::size_t SensorGroup::disable_datasharing(const std::string& who, const std::string& what) const {
    std::size_t removed = 0;
    for (const auto& s : datasharing()) {
        if (s.who != who || s.what != what) continue;
        if (s.id.empty()) throw ServerError(200, "A data sharing setting of " + describe() + " has no id");
        api()->connection.delete_json(datasharing_path() + "/" + cbapi::detail::encode_path_segment(s.id));
        ++removed;
    }
    return removed;
}

void SensorGroup::disable_all_datasharing() const { api()->connection.delete_json(datasharing_path()); }

std::optional<long long> SensorGroup::integer(const char* field) const {
    const auto value = get<nlohmann::json>(field);
    return value ? detail::integer_value(*value, field) : std::nullopt;
}

std::string SensorGroup::saved_id() const {
    const std::string key = id();
    if (key.empty()) throw InvalidObjectError("This SensorGroup was never saved");
    return cbapi::detail::encode_path_segment(key);
}

nlohmann::json SensorGroup::group_id_value() const {
    saved_id();  // throws for a group that was never saved
    return document().at("id");
}

std::string SensorGroup::datasharing_path() const { return "/api/v1/group/" + saved_id() + "/datasharing"; }

}  // namespace cbapi::response
