// user_operations: lists, adds and deletes console users and teams, and gets a user's API token, like
// cbapi-python's user_operations.py.
//   user_operations list | list-teams
//   user_operations add -u <user> -f <first> -l <last> -e <email> [-p <password>] [-A] [-t <team name>]...
//   user_operations add-team -N <name> [-A <sensor group>]... [-V <sensor group>]...
//   user_operations get-api-key -u <user> [-p <password>]
//   user_operations delete -u <user>
// A sensor group may be named or given by id (cbapi-python accepted only names). A missing password is asked for.
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/admin_output.hpp"
#include "common/cli.hpp"

namespace {

using namespace cbapi::response;

std::string ask_new_password(const std::string& user) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        const std::string first = cbapi::examples::read_password("New password for " + user + ": ");
        const std::string again = cbapi::examples::read_password("Re-enter password: ");
        if (first == again && !first.empty()) return first;
        std::cerr << "Passwords don't match; try again\n";
    }
    throw cbapi::ApiError("No password given for " + user);
}

SensorGroup find_group(const CbResponseAPI& cb, const std::string& name_or_id) {
    const bool numeric = !name_or_id.empty() && name_or_id.find_first_not_of("0123456789") == std::string::npos;
    if (auto group = cb.select<SensorGroup>().where((numeric ? "id:" : "name:") + name_or_id).first()) return *group;
    throw cbapi::ApiError("Could not find sensor group " + name_or_id);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Manage Cb Response users and teams"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    app.require_subcommand(1);

    auto* list = app.add_subcommand("list", "List all users");
    auto* list_teams = app.add_subcommand("list-teams", "List all teams");

    std::string username, first_name, last_name, email, password;
    bool global_admin = false;
    std::vector<std::string> team_names;
    auto* add = app.add_subcommand("add", "Add a user");
    add->add_option("-u,--username", username, "User name")->required();
    add->add_option("-f,--first-name", first_name, "First name")->required();
    add->add_option("-l,--last-name", last_name, "Last name")->required();
    add->add_option("-e,--email", email, "Email address")->required();
    add->add_option("-p,--password", password, "Password (asked for when not given)");
    add->add_flag("-A,--global-admin", global_admin, "Make the user a global administrator");
    add->add_option("-t,--team", team_names, "Add the user to this team (repeatable)")->type_name("TEAM-NAME");

    std::string team_name;
    std::vector<std::string> admin_groups, viewer_groups;
    auto* add_team = app.add_subcommand("add-team", "Add a team");
    add_team->add_option("-N,--name", team_name, "Team name")->required();
    add_team->add_option("-A,--administrator", admin_groups, "Administrator access to this sensor group (repeatable)")
        ->type_name("SENSOR-GROUP");
    add_team->add_option("-V,--viewer", viewer_groups, "Viewer access to this sensor group (repeatable)")
        ->type_name("SENSOR-GROUP");

    std::string key_user, key_password;
    auto* get_key = app.add_subcommand("get-api-key", "Get a user's API token");
    get_key->add_option("-u,--username", key_user, "User name")->required();
    get_key->add_option("-p,--password", key_password, "Password (asked for when not given)");

    std::string delete_user;
    auto* del = app.add_subcommand("delete", "Delete a user");
    del->add_option("-u,--username", delete_user, "User name")->required();
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        const cbapi::Credentials credentials = common.credentials(cbapi::Product::response);
        const CbResponseAPI cb(credentials);
        if (list->parsed()) {
            std::cout << fmt::format("{:16} {:30} {:30} {:40}\n", "Username", "Name", "Email address", "Teams");
            std::cout << fmt::format("{:16} {:30} {:30} {:40}\n", std::string(16, '-'), std::string(30, '-'),
                                     std::string(30, '-'), std::string(40, '-'));
            for (const User& user : cb.select<User>()) {
                std::vector<std::string> teams;
                for (const auto& t : user.teams()) teams.push_back(t.name.empty() ? std::to_string(t.id) : t.name);
                std::cout << fmt::format("{:16} {:30} {:30} {:40}\n", user.username(),
                                         user.first_name() + " " + user.last_name(), user.email(),
                                         fmt::format("{}", fmt::join(teams, ", ")));
            }
            return 0;
        }
        if (list_teams->parsed()) {
            for (const Team& team : cb.select<Team>()) {
                std::cout << fmt::format("Team {} (id {}):\n", team.name(), team.id());
                for (const auto& access : team.group_access())
                    std::cout << fmt::format("  {} on Sensor Group \"{}\"\n", access.access_category, access.group_name);
            }
            return 0;
        }
        if (add->parsed()) {
            try {
                User user = cb.create<User>();
                user.set("username", username);
                user.set("first_name", first_name);
                user.set("last_name", last_name);
                user.set("email", email);
                user.set("global_admin", global_admin);
                user.set("teams", nlohmann::json::array());
                for (const auto& name : team_names) {
                    auto team = cb.select<Team>().where("name:" + name).first();
                    if (!team) throw cbapi::ApiError("no team named " + name);
                    user.add_team(*team);
                }
                user.set_password(password.empty() ? ask_new_password(username) : password);
                user.save();
            } catch (const cbapi::ApiError& e) {
                std::cout << "Could not add user " << username << ": " << e.what() << "\n";
                return 1;
            }
            std::cout << "Added user " << username << ".\n";
            return 0;
        }
        if (add_team->parsed()) {
            try {
                Team team = cb.create<Team>();
                team.set("name", team_name);
                team.set("group_access", nlohmann::json::array());
                for (const auto& g : admin_groups) team.add_administrator_access(find_group(cb, g));
                for (const auto& g : viewer_groups) team.add_viewer_access(find_group(cb, g));
                team.save();
            } catch (const cbapi::ApiError& e) {
                std::cout << "Could not add team " << team_name << ": " << e.what() << "\n";
                return 1;
            }
            std::cout << "Added team " << team_name << ".\n";
            return 0;
        }
        if (get_key->parsed()) {
            const std::string pw = key_password.empty()
                                       ? cbapi::examples::read_password("Password for " + key_user + ": ")
                                       : key_password;
            cbapi::TransportOptions transport;
            transport.verify_peer = credentials.ssl_verify;
            transport.verify_hostname = credentials.ssl_verify && credentials.ssl_verify_hostname;
            const std::string token = get_api_token(cb.url(), key_user, pw, transport);
            std::cout << "API token for user " << key_user << ": " << token << "\n";
            return 0;
        }
        try {
            cb.select<User>(delete_user).remove();
        } catch (const cbapi::ApiError& e) {
            std::cout << "Could not delete user " << delete_user << ": " << e.what() << "\n";
            return 1;
        }
        std::cout << "Deleted user " << delete_user << "\n";
        return 0;
    });
}
