#pragma once
/// @file
/// Cb Response users and teams, and get_api_token() (a user's API token from their password, HTTP digest auth).

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/curl_transport.hpp"
#include "cbapi/detail/redact.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/sensor_group.hpp"
#include "cbapi/server_version.hpp"
#include "cbapi/transport.hpp"
#include "cbapi/version.hpp"

namespace cbapi::response {

/// A team as a user's membership names it.
struct TeamRef {
    long long id = 0;
    /// Empty when the server listed only the id.
    std::string name;
};

/// One sensor group a team can see or administer.
struct GroupAccess {
    long long group_id = 0;
    std::string group_name;
    /// "Administrator", "Viewer" or "No Access".
    std::string access_category;
};

/// A team: users with administrator or viewer access to sensor groups (`/api/team/<id>`, listed by
/// `GET /api/teams`). Creatable: set `name`, add access, save().
class Team : public MutableModel {
public:
    inline static const ModelInfo model_info =
        ModelInfo("Team", "/api/team").required({"name", "group_access"}).listed_at("/api/teams", false);
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<Team>;
    Team(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    std::string name() const { return get_or<std::string>("name", ""); }

    /// The team's access to sensor groups.
    /// @throws ApiError for malformed entries
    std::vector<GroupAccess> group_access() const {
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

    /// Gives the team viewer access to a group (replacing any access it had to it); call save().
    /// @throws InvalidObjectError for a group without id
    Team& add_viewer_access(const SensorGroup& group) { return add_access(group, "Viewer"); }
    /// add_viewer_access() by group id (reads the group's name: `GET /api/group/<id>`).
    Team& add_viewer_access(long long group_id) { return add_access(group_ref(group_id), "Viewer"); }
    /// Gives the team administrator access to a group (replacing any access it had to it); call save().
    Team& add_administrator_access(const SensorGroup& group) { return add_access(group, "Administrator"); }
    /// add_administrator_access() by group id.
    Team& add_administrator_access(long long group_id) { return add_access(group_ref(group_id), "Administrator"); }
    /// Removes the team's access entry for a group (no change when it has none); call save().
    Team& remove_access(long long group_id) {
        nlohmann::json list = access_list();
        remove_group(list, group_id);
        set("group_access", std::move(list));
        return *this;
    }

private:
    SensorGroup group_ref(long long group_id) const { return SensorGroup(api(), {{"id", group_id}}, false); }
    nlohmann::json access_list() const {
        auto list = get_or<nlohmann::json>("group_access", nlohmann::json::array());
        return list.is_array() ? list : nlohmann::json::array();
    }
    static void remove_group(nlohmann::json& list, long long group_id) {
        nlohmann::json kept = nlohmann::json::array();
        for (auto& e : list)
            if (!e.is_object() || detail::text_field(e, "group_id") != std::to_string(group_id)) kept.push_back(e);
        list = std::move(kept);
    }
    Team& add_access(const SensorGroup& group, const char* category) {
        const auto gid = group.get<nlohmann::json>("id");
        if (!gid || !gid->is_number_integer())
            throw InvalidObjectError("Cannot give access to a sensor group without a numeric id");
        nlohmann::json list = access_list();
        remove_group(list, gid->get<long long>());
        list.push_back({{"group_id", *gid}, {"access_category", category}, {"group_name", group.name()}});
        set("group_access", std::move(list));
        return *this;
    }
};

/// A console user (`/api/user/<username>`, listed by `GET /api/users`). Creatable: set `username`, `first_name`,
/// `last_name`, `email`, `global_admin`, a password and teams, then save().
///
/// The server's representation of a user's teams changed in 6.1: from 6.1 the server takes `[{"id", "name"}]`
/// objects (and an `"id": null` in a new user), before 6.1 a list of team ids. The model holds the 6.1 form and
/// sends whichever form the server speaks, on creation and update alike (cbapi-python converted only on
/// creation); teams() reads both.
class User : public MutableModel {
public:
    inline static const ModelInfo model_info =
        ModelInfo("User", "/api/user")
            .key("username")
            .key_in_create_body()
            .required({"username", "first_name", "last_name", "email", "teams", "global_admin"})
            .listed_at("/api/users");
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<User>;
    User(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : MutableModel(model_info, std::move(api), std::move(doc), full) {}

    std::string username() const { return id(); }
    std::string first_name() const { return get_or<std::string>("first_name", ""); }
    std::string last_name() const { return get_or<std::string>("last_name", ""); }
    std::string email() const { return get_or<std::string>("email", ""); }
    bool global_admin() const { return get_or<bool>("global_admin", false); }

    /// The user's teams (names are empty when the server listed only ids).
    /// @throws ApiError for malformed entries
    std::vector<TeamRef> teams() const {
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

    /// Sets the password (sent with the next save()).
    User& set_password(const std::string& password) {
        set("password", password);
        return *this;
    }

    /// Adds the user to a team (replacing an entry with the same id); call save().
    /// @throws InvalidObjectError for a team without a numeric id
    User& add_team(const Team& team) {
        const auto tid = team.get<nlohmann::json>("id");
        if (!tid || !tid->is_number_integer()) throw InvalidObjectError("Cannot add a user to a team without a numeric id");
        nlohmann::json list = team_list();
        remove_team_entry(list, tid->get<long long>());
        list.push_back({{"id", *tid}, {"name", team.name()}});
        set("teams", std::move(list));
        return *this;
    }
    /// add_team() by team id (reads the team's name: `GET /api/team/<id>`).
    User& add_team(long long team_id) { return add_team(Team(api(), {{"id", team_id}}, false)); }
    /// Removes the user from a team (no change when not a member); call save().
    User& remove_team(long long team_id) {
        nlohmann::json list = team_list();
        remove_team_entry(list, team_id);
        set("teams", std::move(list));
        return *this;
    }
    /// remove_team() by Team.
    User& remove_team(const Team& team) {
        return remove_team(detail::integer_value(team.get<nlohmann::json>("id").value_or(nullptr), "id").value_or(0));
    }

protected:
    nlohmann::json create_body() const override {
        nlohmann::json body = for_server(MutableModel::create_body());
        if (new_representation() && !body.contains("id")) body["id"] = nullptr;  // as the 6.1 console sends it
        return body;
    }
    nlohmann::json update_body() const override { return for_server(MutableModel::update_body()); }

private:
    bool new_representation() const { return api()->at_least(ServerVersion{6, 1}); }

    // Before 6.1 the server takes team ids and no "id" field.
    nlohmann::json for_server(nlohmann::json body) const {
        if (new_representation()) return body;
        body.erase("id");
        if (auto it = body.find("teams"); it != body.end() && it->is_array()) {
            nlohmann::json ids = nlohmann::json::array();
            for (const auto& t : *it) {
                const nlohmann::json value = t.is_object() ? t.value("id", nlohmann::json()) : t;
                if (!value.is_null() && value != 0) ids.push_back(value);  // cbapi-python drops falsy ids
            }
            *it = std::move(ids);
        }
        return body;
    }
    nlohmann::json team_list() const {
        auto list = get_or<nlohmann::json>("teams", nlohmann::json::array());
        if (!list.is_array()) return nlohmann::json::array();
        nlohmann::json normalised = nlohmann::json::array();  // keep the 6.1 shape locally
        for (const auto& t : list) normalised.push_back(t.is_object() ? t : nlohmann::json{{"id", t}});
        return normalised;
    }
    static void remove_team_entry(nlohmann::json& list, long long team_id) {
        nlohmann::json kept = nlohmann::json::array();
        for (auto& t : list)
            if (detail::text_field(t, "id") != std::to_string(team_id)) kept.push_back(t);
        list = std::move(kept);
    }
};

/// A user's API token, obtained with their console user name and password: `GET <url>/api/auth` authenticated with
/// HTTP digest (cbapi-python's `get_api_token`). Neither the password nor the token is logged.
/// @param url the server URL ("https://cb.example.com")
/// @param username console user name
/// @param password the user's password
/// @param options TLS and proxy settings of the request (the transport is made for this one request)
/// @return the token (`auth_token` of the reply)
/// @throws CredentialError "Invalid credentials: ..." when the server refuses them, or for a URL that is not http(s)
///         or an empty user name; ServerError when the reply has no token; the transport's exceptions
inline std::string get_api_token(const std::string& url, const std::string& username, const std::string& password,
                                 TransportOptions options = {}) {
    std::string base = url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0)
        throw CredentialError("Server URL must be a URL: eg. https://localhost (got '" + url + "')");
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
