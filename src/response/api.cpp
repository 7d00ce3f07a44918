// The Cb Response API object (include/cbapi/response/api.hpp): connecting, license and partition calls, from_ui.

#include "cbapi/response/api.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/json_body.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "cbapi/live_response/manager.hpp"
#include "cbapi/response/console_url.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::response {

ConnectionOptions ApiOptions::default_connection() { return ConnectionOptions{}; }

CbResponseAPI CbResponseAPI::from_profile(std::optional<std::string> profile, ApiOptions options) {
    if (profile) options.credentials.profile = std::move(profile);
    // Loaded first: in one call expression `options` could be moved from before it is read.
    const Credentials credentials = load_credentials(Product::response, options.credentials);
    return CbResponseAPI(credentials, std::move(options));
}

CbResponseAPI::CbResponseAPI(const Credentials& credentials, ApiOptions options)
    : ApiBase(connect(credentials, std::move(options))) {}

CbResponseAPI::CbResponseAPI(std::string url, std::string token, ApiOptions options)
    : CbResponseAPI(make_credentials(std::move(url), std::move(token)), std::move(options)) {}

// The segment goes in the document: Process reads `segment_id` (0 = the default segment) and keeps an explicit one
// over a unique id's suffix.
Process CbResponseAPI::select_process(const std::string& guid, long long segment) const {
    check_version(Process::model_info);
    if (guid.empty()) throw ApiError("select<Process>() needs a non-empty process GUID");
    if (segment < 0) throw ApiError("select<Process>(): segment " + std::to_string(segment) + " is negative");
    return Process(state_, nlohmann::json{{"id", guid}, {"segment_id", segment}}, false);
}

nlohmann::json CbResponseAPI::info() const { return state_->connection.get_json("/api/info"); }

::cbapi::live_response::SessionManager CbResponseAPI::live_response(
    ::cbapi::live_response::LiveResponseOptions options) const {
    return ::cbapi::live_response::SessionManager(state_, std::move(options));
}

std::string CbResponseAPI::license_request() const {
    const auto body = state_->connection.get_json("/api/license", {}, nlohmann::json::object());
    const auto it = body.find("license_request_block");
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void CbResponseAPI::update_license(const std::string& license_block) const {
    const Response reply =
        state_->connection.send_json_raw(HttpMethod::post, "/api/license", {{"license", license_block}});
    const auto body = cbapi::detail::parse_json_body(reply.body);
    if (reply.status != 200 || !body.is_object() || body.value("status", std::string()) != "success")
        throw ServerError(reply.status, reply.body, "POST", url() + "/api/license", reply.body,
                          "Did not update license.");
}

// cbapi-python 1.7.3 (src/cbapi/response/models.py, SensorBuilds; models/sensor-builds.yaml): the reply lists the
// builds of each OS under "Windows", "Linux" and "OSX", each with a `version_string`.
SensorBuilds CbResponseAPI::sensor_builds() const {
    SensorBuilds builds;
    builds.document = state_->connection.get_json("/api/v2/builds", {}, nlohmann::json::object());
    const std::string where = url() + "/api/v2/builds";
    if (!builds.document.is_object())
        throw ServerError(200, "Expected a JSON object of sensor builds, got " +
                                   std::string(builds.document.type_name()), "GET", where);
    auto read = [&](const char* os, std::vector<std::string>& out) {
        const auto it = builds.document.find(os);
        if (it == builds.document.end() || it->is_null()) return;
        if (!it->is_array())
            throw ServerError(200, std::string("Expected '") + os + "' to be a list of builds", "GET", where,
                              cbapi::detail::json_text(*it, 256));
        for (const auto& b : *it) {
            const auto v = b.is_object() ? b.find("version_string") : b.end();
            if (!b.is_object() || v == b.end() || !v->is_string())
                throw ServerError(200, std::string("Expected every build of '") + os + "' to have a version_string",
                                  "GET", where, cbapi::detail::json_text(b, 256));
            out.push_back(v->get<std::string>());
        }
    };
    read("Windows", builds.windows_builds);
    read("OSX", builds.osx_builds);
    read("Linux", builds.linux_builds);
    return builds;
}

// The legacy cbapi client (carbonblack/cbapi, client_apis/python/src/cbapi/cbapi.py, get_dashboard_stats) reads
// GET /api/v1/dashboard/statistics.
nlohmann::json CbResponseAPI::dashboard_statistics() const {
    auto body = state_->connection.get_json("/api/v1/dashboard/statistics", {}, nlohmann::json::object());
    if (!body.is_object())
        throw ServerError(200, "Expected a JSON object of dashboard statistics, got " + std::string(body.type_name()),
                          "GET", url() + "/api/v1/dashboard/statistics", cbapi::detail::json_text(body, 256));
    return body;
}

void CbResponseAPI::create_new_partition() const {
    check_version(StoragePartition::model_info);
    state_->connection.post_json("/api/v1/storage/events/new_partition", nlohmann::json(nullptr));
}

ConsoleObject CbResponseAPI::from_ui(std::string_view console_url) const {
    const ConsoleLink link = parse_console_url(url(), console_url);
    switch (link.kind) {
        case ConsoleLink::Kind::process:
            return Process(state_, {{"id", link.id}, {"segment_id", link.segment.value_or(0)}}, false);
        case ConsoleLink::Kind::binary: return select<Binary>(link.id);
        case ConsoleLink::Kind::watchlist: return select<Watchlist>(link.id);
        case ConsoleLink::Kind::investigation: return select<Investigation>().where("id:" + link.id).one();
        case ConsoleLink::Kind::threat_report:
            return ThreatReport(state_, {{"feed_id", link.id}, {"id", link.report_id}}, false);
        case ConsoleLink::Kind::process_search: return select<Process>().raw(link.query);
        case ConsoleLink::Kind::binary_search: return select<Binary>().raw(link.query);
        case ConsoleLink::Kind::alert_search: return select<Alert>().raw(link.query);
        case ConsoleLink::Kind::threat_search: return select<ThreatReport>().raw(link.query);
    }
    throw ApiError("Unknown URL endpoint: " + std::string(console_url));
}

Credentials CbResponseAPI::make_credentials(std::string url, std::string token) {
    Credentials c;
    c.url = std::move(url);
    c.token = std::move(token);
    return c;
}

cbapi::detail::ApiHandle CbResponseAPI::connect(const Credentials& credentials, ApiOptions options) {
    Connection connection(credentials, std::move(options.connection));
    nlohmann::json info;
    try {
        info = connection.get_json("/api/info");
    } catch (const UnauthorizedError& e) {
        throw UnauthorizedError(connection.url(), "Invalid API token for server " + connection.url() + ".", "GET",
                                e.body());
    }
    if (!info.is_object() || !info.contains("version") || !info["version"].is_string())
        throw ServerError(200, "The server's /api/info has no version", "GET", connection.url() + "/api/info",
                          cbapi::detail::json_text(info));
    ServerVersion version = ServerVersion::parse(info["version"].get<std::string>());
    if (version < ServerVersion{5, 0})
        throw ApiError("CbResponseAPI only supports Cb servers version >= 5.0.0 (server " + connection.url() +
                       " reports " + version.to_string() + ")");
    auto state = std::make_shared<cbapi::detail::ApiState>(
        cbapi::detail::ApiState{std::move(connection), Product::response, std::move(info), std::move(version)});
    return state;
}

}  // namespace cbapi::response
