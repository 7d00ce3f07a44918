// watchlist_operations: lists, adds and deletes Cb Response watchlists, and lists their actions (cbapi-python's
// watchlist_operations.py).
//   watchlist_operations list
//   watchlist_operations list-actions (-i <id> | -N <name>)
//   watchlist_operations add -N <name> -q <query> -t events|modules
//   watchlist_operations delete (-i <id> | -N <name>) [--force]
// `delete --id` works (cbapi-python 1.3.2 formats the id with {:s} and crashes).
#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/intel_output.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Add, list and delete Cb Response watchlists"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    app.require_subcommand(1);

    auto* list = app.add_subcommand("list", "List all configured watchlists");

    std::optional<long long> actions_id;
    std::string actions_name;
    auto* list_actions = app.add_subcommand("list-actions", "List actions associated with a watchlist");
    cbapi::examples::add_id_or_name(*list_actions, actions_id, "ID of watchlist", "-N,--name", actions_name,
                                    "Name of watchlist");

    std::string add_name, add_query, add_type;
    auto* add = app.add_subcommand("add", "Add new watchlist");
    add->add_option("-N,--name", add_name, "Name of watchlist")->required();
    add->add_option("-q,--query", add_query, "Watchlist query string, e.g. process_name:notepad.exe")->required();
    add->add_option("-t,--type", add_type, "Watchlist type 'events' or 'modules'")
        ->required()
        ->check(CLI::IsMember({"events", "modules"}));

    std::optional<long long> delete_id;
    std::string delete_name;
    bool force = false;
    auto* del = app.add_subcommand("delete", "Delete watchlists");
    cbapi::examples::add_id_or_name(*del, delete_id, "ID of watchlist to delete", "-N,--name", delete_name,
                                    "Name of watchlist to delete. Specify --force to delete multiple watchlists that "
                                    "have the same name");
    del->add_flag("--force", force, "If NAME matches multiple watchlists, delete all matching watchlists");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::response;
        namespace ex = cbapi::examples;
        const CbResponseAPI cb(common.credentials(cbapi::Product::response));

        if (list->parsed()) {
            for (const Watchlist& w : cb.select<Watchlist>()) std::cout << w.to_string() << "\n\n";
            return 0;
        }
        if (list_actions->parsed())
            return ex::print_actions_of<Watchlist>(cb, actions_id, actions_name, "watchlist");
        if (add->parsed()) {
            Watchlist w = cb.create<Watchlist>();
            w.set_name(add_name).set_index_type(add_type).set_query(add_query);
            try {
                w.save();
            } catch (const cbapi::ApiError& e) {
                std::cerr << "Could not add watchlist: " << e.what() << "\n";
                return 1;
            }
            std::cout << "Added watchlist. New watchlist ID is " << w.id() << "\n";
            return 0;
        }
        return ex::delete_by_id_or_name<Watchlist>(cb, delete_id, delete_name, force, "watchlist");
    });
}
