#pragma once
/// @file
/// Cb Response users and teams, and get_api_token() (a user's API token from their password, HTTP digest auth).

#include "cbapi/fwd.hpp"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/transport.hpp"

namespace cbapi::response {

class SensorGroup;

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
    static const ModelInfo model_info;
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<Team>;
    Team(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    std::string name() const;

    /// The team's access to sensor groups.
    /// @throws ApiError for malformed entries
    std::vector<GroupAccess> group_access() const;

    /// Gives the team viewer access to a group (replacing any access it had to it); call save().
    /// @throws InvalidObjectError for a group without id
    Team& add_viewer_access(const SensorGroup& group);
    /// add_viewer_access() by group id (reads the group's name: `GET /api/group/<id>`).
    Team& add_viewer_access(long long group_id);
    /// Gives the team administrator access to a group (replacing any access it had to it); call save().
    Team& add_administrator_access(const SensorGroup& group);
    /// add_administrator_access() by group id.
    Team& add_administrator_access(long long group_id);
    /// Removes the team's access entry for a group (no change when it has none); call save().
    Team& remove_access(long long group_id);

private:
    Team& add_access(const SensorGroup& group, const char* category);
    nlohmann::json access_list() const;
};

/// A console user (`/api/user/<username>`, listed by `GET /api/users`). Creatable: set `username`, `first_name`,
/// `last_name`, `email`, `global_admin`, a password and teams, then save().
///
/// The server's representation of a user's teams changed in 6.1: in an update, from 6.1 the server takes
/// `[{"id", "name"}]` objects, before 6.1 a list of team ids; the model holds the 6.1 form and sends whichever form
/// the server speaks (cbapi-python converted only on creation). A new user is created with a list of team ids and
/// no `id` field on every server version (cbapi-python 1.3.5: the 6.1 console's `"id": null` and team objects are
/// refused when creating). teams() reads both forms.
class User : public MutableModel {
public:
    static const ModelInfo model_info;
    static constexpr bool creatable = true;
    using query_type = SimpleQuery<User>;
    User(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    std::string username() const;
    std::string first_name() const;
    std::string last_name() const;
    std::string email() const;
    bool global_admin() const;

    /// The user's teams (names are empty when the server listed only ids).
    /// @throws ApiError for malformed entries
    std::vector<TeamRef> teams() const;

    /// Sets the password (sent with the next save()).
    User& set_password(const std::string& password);

    /// Adds the user to a team (replacing an entry with the same id); call save().
    /// @throws InvalidObjectError for a team without a numeric id
    User& add_team(const Team& team);
    /// add_team() by team id (reads the team's name: `GET /api/team/<id>`).
    User& add_team(long long team_id);
    /// add_team() by team name (`GET /api/teams`, the name compared case-insensitively; cbapi-python 1.3.5).
    /// @throws MoreThanOneResultError when no team or several teams have that name
    User& add_team(const std::string& team_name);
    /// Removes the user from a team (no change when not a member); call save().
    User& remove_team(long long team_id);
    /// remove_team() by Team.
    User& remove_team(const Team& team);
    /// remove_team() by team name (`GET /api/teams`; cbapi-python 1.3.5).
    /// @throws MoreThanOneResultError when no team or several teams have that name
    User& remove_team(const std::string& team_name);

protected:
    nlohmann::json create_body() const override;
    nlohmann::json update_body() const override;

private:
    bool new_representation() const;
    nlohmann::json for_server(nlohmann::json body) const;
    static nlohmann::json team_ids(const nlohmann::json& teams);
    nlohmann::json team_list() const;
};

/// A user's API token, obtained with their console user name and password: `GET <url>/api/auth` authenticated with
/// HTTP digest (cbapi-python's `get_api_token`). Neither the password nor the token is logged.
/// @param url the server URL ("https://cb.example.com")
/// @param username console user name
/// @param password the user's password
/// @param options TLS and proxy settings of the request (the transport is made for this one request)
/// @return the token (`auth_token` of the reply)
/// @throws CredentialError "Invalid credentials: ..." when the server refuses them, or for a URL that is not http(s)
///         or an empty user name; InsecureUrlError for a plain http:// URL unless `CBAPI_ALLOW_HTTP` allows it (the
///         password would travel in clear text); ServerError when the reply has no token; the transport's exceptions
std::string get_api_token(const std::string& url, const std::string& username, const std::string& password,
                          TransportOptions options = {});

}  // namespace cbapi::response
