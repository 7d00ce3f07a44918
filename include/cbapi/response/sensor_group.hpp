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

/// A sensor group (`/api/group/<id>`; one GET answers an array of one). Creatable: set `name` and a site
/// (set_site() or `site_id`), then save().
class SensorGroup : public MutableModel {
public:
    static const ModelInfo model_info;
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<SensorGroup>;
    SensorGroup(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    std::string name() const;
    std::optional<long long> site_id() const;
    /// The server URL sensors of this group report to.
    std::string sensorbackend_server() const;
    /// The sensor version upgrade policy ("Manual", or a version string).
    std::string sensor_version() const;
    /// Alert criticality (1–5), tamper level (0/1), license limit (-1 = unlimited).
    std::optional<long long> alert_criticality() const;
    std::optional<long long> tamper_level() const;
    std::optional<long long> max_licenses() const;
    bool banning_enabled() const;
    bool vdi_enabled() const;
    /// The teams with access to the group: [{team_id, team_name, access_category}].
    nlohmann::json team_access() const;

    /// The sensors of this group (`GET /api/v1/sensor?groupid=<id>`).
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

}  // namespace cbapi::response
