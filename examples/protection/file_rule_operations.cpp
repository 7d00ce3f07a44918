// file_rule_operations: lists, adds and deletes file rules (approve or ban a file by hash).
//   file_rule_operations list [--state banned]
//   file_rule_operations add --hash <md5|sha1|sha256> --name <rule name> [--state banned|approved] [--description d]
//   file_rule_operations delete --hash <hash> | --id <id>
#include <iostream>
#include <map>
#include <string>

#include <fmt/format.h>

#include "cbapi/protection.hpp"
#include "common/cli.hpp"

namespace {
const std::map<std::string, int> states = {{"unapproved", cbapi::protection::FileRule::StateUnapproved},
                                           {"approved", cbapi::protection::FileRule::StateApproved},
                                           {"banned", cbapi::protection::FileRule::StateBanned}};
std::string state_name(long long state) {
    for (const auto& [name, value] : states)
        if (value == state) return name;
    return std::to_string(state);
}
}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"List, add and delete Cb Protection file rules"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    app.require_subcommand(1);

    std::string list_state;
    auto* list = app.add_subcommand("list", "List file rules");
    list->add_option("--state", list_state, "Only rules in this state")->check(CLI::IsMember({"unapproved", "approved", "banned"}));

    std::string hash, name, state = "banned", description;
    auto* add = app.add_subcommand("add", "Add a rule for a hash");
    add->add_option("--hash", hash, "MD5, SHA-1 or SHA-256 of the file")->required();
    add->add_option("--name", name, "Rule name")->required();
    add->add_option("--state", state, "banned (default) or approved")->check(CLI::IsMember({"approved", "banned"}));
    add->add_option("--description", description, "Rule description");

    std::string delete_hash;
    long long delete_id = -1;
    auto* del = app.add_subcommand("delete", "Delete the rules of a hash, or one rule by id");
    auto* by_hash = del->add_option("--hash", delete_hash, "Hash of the rules to delete");
    auto* by_id = del->add_option("--id", delete_id, "Id of the rule to delete");
    by_hash->excludes(by_id);
    del->require_option(1);
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::protection;
        const CbProtectionAPI cb(common.credentials(cbapi::Product::protection));
        if (list->parsed()) {
            auto query = cb.select<FileRule>().sort("id ASC");
            if (!list_state.empty()) query = query.where(eq("fileState", states.at(list_state)));
            for (const FileRule& rule : query)
                std::cout << fmt::format("{:>6}  {:<10}  {:<64}  {}\n", rule.id(), state_name(rule.file_state().value_or(0)),
                                         rule.hash().value_or(rule.file_name().value_or("")), rule.name().value_or(""));
            return 0;
        }
        if (add->parsed()) {
            FileRule rule = cb.create<FileRule>();
            rule.set_file_state(states.at(state)).set_hash(hash).set_name(name);
            if (!description.empty()) rule.set_description(description);
            rule.save();
            std::cout << fmt::format("Added file rule {} ({} {})\n", rule.id(), state, hash);
            return 0;
        }
        std::size_t deleted = 0;
        if (delete_id >= 0) {
            cb.select<FileRule>(delete_id).remove();
            ++deleted;
        } else {
            for (FileRule rule : cb.select<FileRule>().where(eq("hash", delete_hash)).slice(0)) {
                rule.remove();
                ++deleted;
            }
        }
        if (deleted == 0) throw cbapi::ApiError("No file rule for hash " + delete_hash);
        std::cout << fmt::format("Deleted {} file rule(s)\n", deleted);
        return 0;
    });
}
