#pragma once
/// @file
/// Cb Response sensor groups, sites and throttle rules; a group's data sharing settings and sensor installers.

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/sensor.hpp"

namespace cbapi::response {

class ThrottleRule;

/// A site: a set of sensor groups sharing bandwidth throttle rules (`/api/site/<id>`). Creatable.
class Site : public MutableModel {
public:
    static const ModelInfo model_info;
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<Site>;
    Site(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    std::string name() const;
    /// The throttle rules of this site (client-side filter of `GET /api/throttle`).
    SimpleQuery<ThrottleRule> throttle_rules() const;
};

/// A bandwidth throttle rule of a site (`/api/throttle/<id>`): on `day_of_week` (0 = Sunday) between the hours
/// `from` and `to`, the site's sensors send at most `bytes_per_second`. Creatable: set the five fields, save().
/// (cbapi-python 1.3.2 left rules read-only because the server's handlers were broken at the time.)
class ThrottleRule : public MutableModel {
public:
    static const ModelInfo model_info;
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<ThrottleRule>;
    ThrottleRule(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    std::optional<long long> site_id() const;
    /// 0 = Sunday ... 6 = Saturday.
    std::optional<long long> day_of_week() const;
    /// Start and end hour of the rule (0–24).
    std::optional<long long> from() const;
    std::optional<long long> to() const;
    std::optional<double> bytes_per_second() const;
    /// The rule's site (loaded lazily). @throws ApiError when the rule has no site_id
    Site site() const;
    /// Puts the rule in a site (sets `site_id`; call save()). @throws InvalidObjectError for a site without id
    ThrottleRule& set_site(const Site& site);
};

/// The sensor installer packages a group offers.
enum class InstallerType {
    windows_exe,  ///< "windows/exe": signed EXE installer (zip)
    windows_msi,  ///< "windows/msi": signed MSI installer (zip)
    osx,          ///< "osx": macOS PKG installer (zip)
    linux_tar_gz, ///< "linux": Linux installer (tar.gz)
};

/// The path segment of an installer type ("windows/exe", ...).
const char* to_string(InstallerType type) noexcept;

/// The installer type named "windows/exe", "windows/msi", "osx" or "linux".
/// @throws ApiError for any other name
InstallerType parse_installer_type(const std::string& name);

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

class SensorGroupQuery;

/// A sensor group (`/api/group/<id>`, or `/api/v3/group/<id>` on servers from 7.0; one GET answers an array of
/// one). Creatable: set `name`, a site (set_site() or `site_id`) and, on servers with `/api/v3/group`,
/// `sensorbackend_server` (the URL its sensors report to), then save().
///
/// cbapi-python 1.7.4 moved groups to `/api/v3/group`, whose documents carry the sensor version policy per
/// operating system (`sensor_version_windows`, `_osx`, `_linux`), isolation and event exclusions, and which needs
/// `sensorbackend_server` to create a group. The version that introduced it is not documented; groups use it on
/// servers from 7.0 and `/api/group` before (see docs/server-versions.md).
class SensorGroup : public MutableModel {
public:
    /// The pre-v3 model (`/api/group`; required `name`, `site_id`).
    static const ModelInfo model_info;
    /// The v3 model (`/api/v3/group`; required `name`, `site_id`, `sensorbackend_server`).
    static const ModelInfo model_info_v3;
    /// The model a server uses: model_info_v3 from 7.0, else model_info.
    /// @param api the server's API state
    static const ModelInfo& info_for(const cbapi::detail::ApiState& api);
    static constexpr bool creatable = true;
    using query_type = SensorGroupQuery;
    SensorGroup(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    std::string name() const;
    std::optional<long long> site_id() const;
    /// The server URL sensors of this group report to.
    std::string sensorbackend_server() const;
    /// The sensor version upgrade policy ("Manual", or a version string) of servers before `/api/v3/group`.
    std::string sensor_version() const;
    /// The sensor version policies per operating system (`/api/v3/group`, cbapi-python 1.7.4): "Manual" or a
    /// version of SensorBuilds; empty when the server did not send it.
    std::string sensor_version_windows() const;
    std::string sensor_version_osx() const;
    std::string sensor_version_linux() const;
    /// Network addresses the group's isolated sensors may still reach (`isolation_exclusions`, v3):
    /// [{id, group_id, name, ip_address, enabled, ...}].
    nlohmann::json isolation_exclusions() const;
    /// Events not collected for paths (`event_exclusions`, v3): [{"eventsToIgnore": [...], "paths": [...]}].
    nlohmann::json event_exclusions() const;
    /// Alert criticality (1–5), tamper level (0/1), license limit (-1 = unlimited).
    std::optional<long long> alert_criticality() const;
    std::optional<long long> tamper_level() const;
    std::optional<long long> max_licenses() const;
    bool banning_enabled() const;
    bool vdi_enabled() const;
    /// The teams with access to the group: [{team_id, team_name, access_category}].
    nlohmann::json team_access() const;

    /// The sensors of this group (the sensor list with `groupid=<id>`, see SensorQuery).
    /// @throws InvalidObjectError for a group that was never saved
    SensorQuery sensors() const;

    /// The group's site (loaded lazily). @throws ApiError when the group has no site_id
    Site site() const;
    /// Puts the group in a site (sets `site_id`; call save()). @throws InvalidObjectError for a site without id
    SensorGroup& set_site(const Site& site);

    /// Downloads a sensor installer for this group (`GET /api/v1/group/<id>/installer/<type>`): the raw bytes of
    /// the zip (tar.gz for Linux).
    /// @throws ObjectNotFoundError when the server has no such installer; the request's exceptions
    std::string get_installer(InstallerType type = InstallerType::windows_exe) const;
    /// get_installer() by name ("windows/exe", "windows/msi", "osx", "linux"). @throws ApiError for another name
    std::string get_installer(const std::string& type) const;

    /// The group's data sharing settings (`GET /api/v1/group/<id>/datasharing`; none for 204).
    std::vector<DataSharingSetting> datasharing() const;
    /// Whether the group shares `what` with `who` (e.g. "BIN" with "VIRUSTOTAL").
    bool shares(const std::string& who, const std::string& what) const;
    /// Starts sharing `what` with `who` (`POST /api/v1/group/<id>/datasharing {group_id, who, what}`); returns the
    /// new setting. @throws ApiError for an empty who/what; ServerError (409) when it is already shared
    DataSharingSetting enable_datasharing(const std::string& who, const std::string& what) const;
    /// Stops sharing `what` with `who` (`DELETE /api/v1/group/<id>/datasharing/<setting id>` for each matching
    /// setting); returns how many settings were removed.
    std::size_t disable_datasharing(const std::string& who, const std::string& what) const;
    /// Removes every data sharing setting of the group (`DELETE /api/v1/group/<id>/datasharing`).
    void disable_all_datasharing() const;

private:
    std::optional<long long> integer(const char* field) const;
    std::string saved_id() const;
    nlohmann::json group_id_value() const;
    std::string datasharing_path() const;
};

/// The sensor groups of a server (`GET /api/group`, or `GET /api/v3/group` from 7.0), filtered and sorted
/// client-side like every SimpleQuery.
class SensorGroupQuery : public SimpleQuery<SensorGroup> {
public:
    /// The list of the server's group API.
    explicit SensorGroupQuery(cbapi::detail::ApiHandle api);
};

/// The sensor versions a server can install (`GET /api/v2/builds`, cbapi-python 1.7.3's SensorBuilds): the
/// `version_string` of each build, per operating system. A sensor group's per-OS version policy takes one of them
/// (or "Manual").
struct SensorBuilds {
    std::vector<std::string> windows_builds;
    std::vector<std::string> osx_builds;
    std::vector<std::string> linux_builds;
    /// The whole reply.
    nlohmann::json document;
};

}  // namespace cbapi::response
