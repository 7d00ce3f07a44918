// Teams, users and get_api_token() (include/cbapi/response/user.hpp).

#include "cbapi/response/user.hpp"

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/credentials.hpp"
#include "cbapi/curl_transport.hpp"
#include "cbapi/detail/redact.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/sensor_group.hpp"
#include "cbapi/server_version.hpp"
#include "cbapi/transport.hpp"
#include "cbapi/version.hpp"
#include "response/field_values.hpp"

namespace cbapi::response {

namespace {

// Keeps the entries of `list` whose `key` is not `id` (entries compared as text: ids arrive as numbers or strings).
void remove_entry(nlohmann::json& list, const char* key, long long id, bool objects_only) {
    nlohmann::json kept = nlohmann::json::array();
    for (auto& e : list)
        if ((objects_only && !e.is_object()) || detail::text_field(e, key) != std::to_string(id)) kept.push_back(e);
    list = std::move(kept);
}

}  // namespace

// --- Team --------------------------------------------------------------------------------------------------------

const ModelInfo Team::model_info =
    ModelInfo("Team", "/api/team").required({"name", "group_access"}).listed_at("/api/teams", false);

Team::Team(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), full) {}

std::string Team::name() const { return get_or<std::string>("name", ""); }

std::vector<GroupAccess> Team::group_access() const {
    std::vector<GroupAccess> out;
    const auto list = get_or<nlohmann::json>("group_access", nlohmann::json::array());
    if (!list.is_array()) throw ApiError("Field 'group_access' of " + describe() + " is not an array");
    for (const auto& e : list) {
        if (!e.is_object()) throw ApiError("An entry of 'group_access' of " + describe() + " is not an object");
        GroupAccess a;
        a.group_id = detail::integer_value(e.value("group_id", nlohmann::json()), "group_id").value_or(0);
        a.group_name = detail::text_field(e, "group_name");
        a.access_category = detail::text_field(e, "access_category");
        out.push_back(std::move(a));
    }
    return out;
}

Team& Team::add_viewer_access(const SensorGroup& group) { return add_access(group, "Viewer"); }

// The group is loaded (for its name) when add_access reads it.
Team& Team::add_viewer_access(long long group_id) {
    return add_access(SensorGroup(api(), {{"id", group_id}}, false), "Viewer");
}

Team& Team::add_administrator_access(const SensorGroup& group) { return add_access(group, "Administrator"); }

Team& Team::add_administrator_access(long long group_id) {
    return add_access(SensorGroup(api(), {{"id", group_id}}, false), "Administrator");
}

Team& Team::remove_access(long long group_id) {
    nlohmann::json list = access_list();
    remove_entry(list, "group_id", group_id, true);
    set("group_access", std::move(list));
    return *this;
}

Team& Team::add_access(const SensorGroup& group, const char* category) {
    const auto gid = group.get<nlohmann::json>("id");
    if (!gid || !gid->is_number_integer())
        throw InvalidObjectError("Cannot give access to a sensor group without a numeric id");
    nlohmann::json list = access_list();
    remove_entry(list, "group_id", gid->get<long long>(), true);
    list.push_back({{"group_id", *gid}, {"access_category", category}, {"group_name", group.name()}});
    set("group_access", std::move(list));
    return *this;
}

nlohmann::json Team::access_list() const {
    auto list = get_or<nlohmann::json>("group_access", nlohmann::json::array());
    return list.is_array() ? list : nlohmann::json::array();
}

// --- User --------------------------------------------------------------------------------------------------------

const ModelInfo User::model_info =
    ModelInfo("User", "/api/user")
        .key("username")
        .key_in_create_body()
        .required({"username", "first_name", "last_name", "email", "teams", "global_admin"})
        .listed_at("/api/users");

User::User(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : MutableModel(model_info, std::move(api), std::move(doc), full) {}

std::string User::username() const { return id(); }
std::string User::first_name() const { return get_or<std::string>("first_name", ""); }
std::string User::last_name() const { return get_or<std::string>("last_name", ""); }
std::string User::email() const { return get_or<std::string>("email", ""); }
bool User::global_admin() const { return get_or<bool>("global_admin", false); }

// Reads both representations: [{"id", "name"}] (6.1 and later) and a list of team ids (before 6.1).
std::vector<TeamRef> User::teams() const {
    std::vector<TeamRef> out;
    const auto list = get_or<nlohmann::json>("teams", nlohmann::json::array());
    if (!list.is_array()) throw ApiError("Field 'teams' of " + describe() + " is not an array");
    for (const auto& t : list) {
        TeamRef ref;
        if (t.is_object()) {
            ref.id = detail::integer_value(t.value("id", nlohmann::json()), "teams.id").value_or(0);
            ref.name = detail::text_field(t, "name");
        } else {
            ref.id = detail::integer_value(t, "teams").value_or(0);
        }
        out.push_back(std::move(ref));
    }
    return out;
}

User& User::set_password(const std::string& password) {
    set("password", password);
    return *this;
}

User& User::add_team(const Team& team) {
    const auto tid = team.get<nlohmann::json>("id");
    if (!tid || !tid->is_number_integer()) throw InvalidObjectError("Cannot add a user to a team without a numeric id");
    nlohmann::json list = team_list();
    remove_entry(list, "id", tid->get<long long>(), false);
    list.push_back({{"id", *tid}, {"name", team.name()}});
    set("teams", std::move(list));
    return *this;
}

User& User::add_team(long long team_id) { return add_team(Team(api(), {{"id", team_id}}, false)); }

// cbapi-python 1.3.5 (src/cbapi/response/models.py, User.add_team): select(Team).where("name:<name>").one().
User& User::add_team(const std::string& team_name) {
    return add_team(SimpleQuery<Team>(api()).where("name:" + team_name).one());
}

User& User::remove_team(long long team_id) {
    nlohmann::json list = team_list();
    remove_entry(list, "id", team_id, false);
    set("teams", std::move(list));
    return *this;
}

User& User::remove_team(const Team& team) {
    return remove_team(detail::integer_value(team.get<nlohmann::json>("id").value_or(nullptr), "id").value_or(0));
}

User& User::remove_team(const std::string& team_name) {
    return remove_team(SimpleQuery<Team>(api()).where("name:" + team_name).one());
}

// cbapi-python 1.3.5 (src/cbapi/response/models.py, User._update_object, unchanged to 1.7.10): a user that does not
// exist yet is created with its team ids and without `id`, whatever the server version ("applies to Cb Response
// server < 6.0 as well as Cb Response servers >= 6.0 where the user hasn't been created yet").
nlohmann::json User::create_body() const {
    nlohmann::json body = MutableModel::create_body();
    body.erase("id");
    body["teams"] = team_ids(body.value("teams", nlohmann::json::array()));
    return body;
}

nlohmann::json User::update_body() const { return for_server(MutableModel::update_body()); }

bool User::new_representation() const { return api()->at_least(ServerVersion{6, 1}); }

// Before 6.1 the server takes team ids and no "id" field.
nlohmann::json User::for_server(nlohmann::json body) const {
    if (new_representation()) return body;
    body.erase("id");
    if (auto it = body.find("teams"); it != body.end() && it->is_array()) *it = team_ids(*it);
    return body;
}

nlohmann::json User::team_ids(const nlohmann::json& teams) {
    nlohmann::json ids = nlohmann::json::array();
    if (!teams.is_array()) return ids;
    for (const auto& t : teams) {
        const nlohmann::json value = t.is_object() ? t.value("id", nlohmann::json()) : t;
        if (!value.is_null() && value != 0) ids.push_back(value);  // cbapi-python drops falsy ids
    }
    return ids;
}

nlohmann::json User::team_list() const {
    auto list = get_or<nlohmann::json>("teams", nlohmann::json::array());
    if (!list.is_array()) return nlohmann::json::array();
    nlohmann::json normalised = nlohmann::json::array();  // keep the 6.1 shape locally
    for (const auto& t : list) normalised.push_back(t.is_object() ? t : nlohmann::json{{"id", t}});
    return normalised;
}

// --- get_api_token -----------------------------------------------------------------------------------------------

// A transport of its own (the user has no API token yet, so there is no connection), digest-authenticated. The
// password is redacted from an error reply before it is quoted in the exception.
std::string get_api_token(const std::string& url, const std::string& username, const std::string& password,
                          TransportOptions options) {
    std::string base = url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0)
        throw CredentialError("Server URL must be a URL: eg. https://localhost (got '" + url + "')");
    // The password travels to this URL: plain HTTP only where the environment allows it (there is no connection).
    check_url_scheme(base, false);
    if (username.empty()) throw CredentialError("get_api_token needs a user name");
    const auto transport = make_curl_transport(std::move(options));
    Request request;
    request.method = HttpMethod::get;
    request.url = base + "/api/auth";
    request.headers.set("User-Agent", std::string("cbapi-cpp/") + version_string + " " + curl_version_string());
    request.headers.set("Accept", "application/json");
    request.digest_auth = DigestAuth{username, password};
    const Response reply = transport->send(request);
    if (reply.status != 200) {
        const std::string body = cbapi::detail::truncate_for_log(cbapi::detail::redact(reply.body, password), 256);
        throw CredentialError("Invalid credentials: the server at " + base + " answered " +
                              std::to_string(reply.status) + " for user '" + username + "'" +
                              (body.empty() ? std::string() : ": " + body));
    }
    const auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("auth_token") || !parsed["auth_token"].is_string())
        throw ServerError(reply.status, "The reply of /api/auth has no auth_token", "GET", request.url);
    return parsed["auth_token"].get<std::string>();
}

}  // namespace cbapi::response
