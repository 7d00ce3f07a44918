#pragma once
/// @file
/// Cb Response sensor groups, sites and throttle rules; a group's data sharing settings and sensor installers.

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/url.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/sensor.hpp"

namespace cbapi::response {

class ThrottleRule;

namespace detail {

/// Unwraps the one-element array the server answers for one group or site.
/// @throws ObjectNotFoundError when the reply is not an array of exactly one object
inline nlohmann::json only_element(nlohmann::json reply, const char* collection) {
    if (!reply.is_array() || reply.size() != 1 || !reply[0].is_object())
        throw ObjectNotFoundError(collection,
                                  "expected an array of one object, got " + cbapi::detail::json_text(reply, 128));
    return std::move(reply[0]);
}

}  // namespace detail

/// A site: a set of sensor groups sharing bandwidth throttle rules (`/api/site/<id>`). Creatable.
class Site : public MutableModel {
public:
    inline static const ModelInfo model_info =
        ModelInfo("Site", "/api/site").required({"name"}).unwrap_with([](nlohmann::json reply) {
            return detail::only_element(std::move(reply), "/api/site");
        });
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<Site>;
    Site(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    std::string name() const { return get_or<std::string>("name", ""); }
    /// The throttle rules of this site (client-side filter of `GET /api/throttle`).
    SimpleQuery<ThrottleRule> throttle_rules() const;
};

/// A bandwidth throttle rule of a site (`/api/throttle/<id>`): on `day_of_week` (0 = Sunday) between the hours
/// `from` and `to`, the site's sensors send at most `bytes_per_second`. Creatable: set the five fields, save().
/// (cbapi-python 1.3.2 left rules read-only because the server's handlers were broken at the time.)
class ThrottleRule : public MutableModel {
public:
    inline static const ModelInfo model_info =
        ModelInfo("ThrottleRule", "/api/throttle").required({"site_id", "day_of_week", "from", "to", "bytes_per_second"});
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<ThrottleRule>;
    ThrottleRule(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    std::optional<long long> site_id() const { return get<long long>("site_id"); }
    /// 0 = Sunday ... 6 = Saturday.
    std::optional<long long> day_of_week() const { return get<long long>("day_of_week"); }
    /// Start and end hour of the rule (0–24).
    std::optional<long long> from() const { return get<long long>("from"); }
    std::optional<long long> to() const { return get<long long>("to"); }
    std::optional<double> bytes_per_second() const { return get<double>("bytes_per_second"); }
    /// The rule's site (loaded lazily). @throws ApiError when the rule has no site_id
    Site site() const {
        const auto sid = site_id();
        if (!sid) throw ApiError("ThrottleRule " + id() + " has no site_id");
        return Site(api(), {{"id", *sid}}, false);
    }
    /// Puts the rule in a site (sets `site_id`; call save()). @throws InvalidObjectError for a site without id
    ThrottleRule& set_site(const Site& site) {
        const auto sid = site.get<nlohmann::json>("id");
        if (!sid || sid->is_null()) throw InvalidObjectError("Cannot put a throttle rule in a site that has no id");
        set("site_id", *sid);
        return *this;
    }
};

inline SimpleQuery<ThrottleRule> Site::throttle_rules() const {
    if (id().empty()) throw InvalidObjectError("A Site that was never saved has no throttle rules");
    return SimpleQuery<ThrottleRule>(api()).where("site_id:" + id());
}

/// The sensor installer packages a group offers.
enum class InstallerType {
    windows_exe,  ///< "windows/exe": signed EXE installer (zip)
    windows_msi,  ///< "windows/msi": signed MSI installer (zip)
    osx,          ///< "osx": macOS PKG installer (zip)
    linux_tar_gz, ///< "linux": Linux installer (tar.gz)
};

/// The path segment of an installer type ("windows/exe", ...).
inline const char* to_string(InstallerType type) noexcept {
    switch (type) {
        case InstallerType::windows_exe: return "windows/exe";
        case InstallerType::windows_msi: return "windows/msi";
        case InstallerType::osx: return "osx";
        case InstallerType::linux_tar_gz: return "linux";
    }
    return "windows/exe";
}

/// The installer type named "windows/exe", "windows/msi", "osx" or "linux".
/// @throws ApiError for any other name
inline InstallerType parse_installer_type(const std::string& name) {
    for (auto t : {InstallerType::windows_exe, InstallerType::windows_msi, InstallerType::osx, InstallerType::linux_tar_gz})
        if (name == to_string(t)) return t;
    throw ApiError("Unknown installer type '" + name + "' (expected windows/exe, windows/msi, osx or linux)");
}

/// One data sharing setting of a sensor group: what the group's sensors' data is shared with (`who`, e.g.
/// "VIRUSTOTAL") and what is shared (`what`, e.g. "BIN" = unknown binaries).
struct DataSharingSetting {
    /// The setting's id (used to disable it).
    std::string id;
    std::string group_id;
    std::string who;
    std::string what;
    /// The whole setting as the server sent it.
    nlohmann::json document;
};

/// A sensor group (`/api/group/<id>`; one GET answers an array of one). Creatable: set `name` and a site
/// (set_site() or `site_id`), then save().
class SensorGroup : public MutableModel {
public:
    inline static const ModelInfo model_info =
        ModelInfo("SensorGroup", "/api/group").required({"name", "site_id"}).unwrap_with([](nlohmann::json reply) {
            return detail::only_element(std::move(reply), "/api/group");
        });
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<SensorGroup>;
    SensorGroup(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    std::string name() const { return get_or<std::string>("name", ""); }
    std::optional<long long> site_id() const { return integer("site_id"); }
    /// The server URL sensors of this group report to.
    std::string sensorbackend_server() const { return get_or<std::string>("sensorbackend_server", ""); }
    /// The sensor version upgrade policy ("Manual", or a version string).
    std::string sensor_version() const { return get_or<std::string>("sensor_version", ""); }
    /// Alert criticality (1–5), tamper level (0/1), license limit (-1 = unlimited).
    std::optional<long long> alert_criticality() const { return integer("alert_criticality"); }
    std::optional<long long> tamper_level() const { return integer("tamper_level"); }
    std::optional<long long> max_licenses() const { return integer("max_licenses"); }
    bool banning_enabled() const { return get_or<bool>("banning_enabled", false); }
    bool vdi_enabled() const { return get_or<bool>("vdi_enabled", false); }
    /// The teams with access to the group: [{team_id, team_name, access_category}].
    nlohmann::json team_access() const { return get_or<nlohmann::json>("team_access", nlohmann::json::array()); }

    /// The sensors of this group (`GET /api/v1/sensor?groupid=<id>`).
    /// @throws InvalidObjectError for a group that was never saved
    SensorQuery sensors() const { return SensorQuery(api()).where("groupid:" + saved_id()); }

    /// The group's site (loaded lazily). @throws ApiError when the group has no site_id
    Site site() const {
        const auto sid = site_id();
        if (!sid) throw ApiError(describe() + " has no site_id");
        return Site(api(), {{"id", *sid}}, false);
    }
    /// Puts the group in a site (sets `site_id`; call save()). @throws InvalidObjectError for a site without id
    SensorGroup& set_site(const Site& site) {
        const auto sid = site.get<nlohmann::json>("id");
        if (!sid || sid->is_null()) throw InvalidObjectError("Cannot put a sensor group in a site that has no id");
        set("site_id", *sid);
        return *this;
    }

    /// Downloads a sensor installer for this group (`GET /api/v1/group/<id>/installer/<type>`): the raw bytes of
    /// the zip (tar.gz for Linux).
    /// @throws ObjectNotFoundError when the server has no such installer; the request's exceptions
    std::string get_installer(InstallerType type = InstallerType::windows_exe) const {
        return api()
            ->connection.request(HttpMethod::get, "/api/v1/group/" + saved_id() + "/installer/" + response::to_string(type))
            .body;
    }
    /// get_installer() by name ("windows/exe", "windows/msi", "osx", "linux"). @throws ApiError for another name
    std::string get_installer(const std::string& type) const { return get_installer(parse_installer_type(type)); }

    /// The group's data sharing settings (`GET /api/v1/group/<id>/datasharing`; none for 204).
    std::vector<DataSharingSetting> datasharing() const {
        const auto body = api()->connection.get_json(datasharing_path(), {}, nlohmann::json::array());
        if (body.is_null()) return {};
        if (!body.is_array())
            throw ServerError(200, "Expected a JSON array of data sharing settings, got " + std::string(body.type_name()));
        std::vector<DataSharingSetting> out;
        for (const auto& item : body) out.push_back(setting_of(item));
        return out;
    }
    /// Whether the group shares `what` with `who` (e.g. "BIN" with "VIRUSTOTAL").
    bool shares(const std::string& who, const std::string& what) const {
        for (const auto& s : datasharing())
            if (s.who == who && s.what == what) return true;
        return false;
    }
    /// Starts sharing `what` with `who` (`POST /api/v1/group/<id>/datasharing {group_id, who, what}`); returns the
    /// new setting. @throws ApiError for an empty who/what; ServerError (409) when it is already shared
    DataSharingSetting enable_datasharing(const std::string& who, const std::string& what) const {
        if (who.empty() || what.empty()) throw ApiError("enable_datasharing needs both who and what");
        const nlohmann::json body = {{"group_id", group_id_value()}, {"who", who}, {"what", what}};
        const auto reply = api()->connection.post_json(datasharing_path(), body, false, body);
        return setting_of(reply.is_object() ? reply : body);
    }
    /// Stops sharing `what` with `who` (`DELETE /api/v1/group/<id>/datasharing/<setting id>` for each matching
    /// setting); returns how many settings were removed.
    std::size_t disable_datasharing(const std::string& who, const std::string& what) const {
        std::size_t removed = 0;
        for (const auto& s : datasharing()) {
            if (s.who != who || s.what != what) continue;
            if (s.id.empty()) throw ServerError(200, "A data sharing setting of " + describe() + " has no id");
            api()->connection.delete_json(datasharing_path() + "/" + cbapi::detail::encode_path_segment(s.id));
            ++removed;
        }
        return removed;
    }
    /// Removes every data sharing setting of the group (`DELETE /api/v1/group/<id>/datasharing`).
    void disable_all_datasharing() const { api()->connection.delete_json(datasharing_path()); }

private:
    std::optional<long long> integer(const char* field) const {
        const auto value = get<nlohmann::json>(field);
        return value ? detail::integer_value(*value, field) : std::nullopt;
    }
    std::string saved_id() const {
        const std::string key = id();
        if (key.empty()) throw InvalidObjectError("This SensorGroup was never saved");
        return cbapi::detail::encode_path_segment(key);
    }
    nlohmann::json group_id_value() const {
        saved_id();  // throws for a group that was never saved
        return document().at("id");
    }
    std::string datasharing_path() const { return "/api/v1/group/" + saved_id() + "/datasharing"; }
    static DataSharingSetting setting_of(const nlohmann::json& item) {
        if (!item.is_object()) throw ServerError(200, "Expected a JSON object for a data sharing setting");
        return DataSharingSetting{detail::text_field(item, "id"), detail::text_field(item, "group_id"),
                                  detail::text_field(item, "who"), detail::text_field(item, "what"), item};
    }
};

// --- Sensor members that need SensorGroup ----------------------------------------------------------------------------

inline SensorGroup Sensor::group() const {
    const auto gid = get<nlohmann::json>("group_id");
    if (!gid || gid->is_null()) throw ApiError(describe() + " has no group_id");
    return SensorGroup(api(), {{"id", *gid}}, false);
}

inline Sensor& Sensor::set_group(const SensorGroup& group) {
    const auto gid = group.get<nlohmann::json>("id");
    if (!gid || gid->is_null()) throw InvalidObjectError("Cannot move a sensor to a sensor group that has no id");
    set("group_id", *gid);
    return *this;
}

}  // namespace cbapi::response
