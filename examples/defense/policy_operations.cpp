// policy_operations: list, import, export and delete Cb Defense policies and add, delete or replace their rules,
// like cbapi-python's examples/defense/policy_operations.py (with --rulefile for replace-rule, which 1.3.2 lacks).
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "cbapi/defense.hpp"
#include "cbapi/files.hpp"
#include "common/cli.hpp"

namespace {

using cbapi::defense::CbDefenseAPI;
using cbapi::defense::Policy;

nlohmann::json read_json_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw cbapi::ApiError("Cannot open " + path);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = nlohmann::json::parse(text.str(), nullptr, false);
    if (parsed.is_discarded()) throw cbapi::ApiError(path + " does not hold JSON");
    return parsed;
}

// Policies by id (one GET each) or by name (the list, matched exactly); none given = every policy when `all`.
std::vector<Policy> find_policies(const CbDefenseAPI& cb, const std::vector<long long>& ids,
                                  const std::vector<std::string>& names, bool all) {
    std::vector<Policy> out;
    if (ids.size() == 1 && names.empty()) {
        out.push_back(cb.fetch<Policy>(ids.front()));
        return out;
    }
    for (const Policy& p : cb.select<Policy>()) {
        const bool by_id = std::find(ids.begin(), ids.end(), p.policy_id().value_or(-1)) != ids.end();
        const bool by_name = std::find(names.begin(), names.end(), p.name()) != names.end();
        if (by_id || by_name || (all && ids.empty() && names.empty())) out.push_back(p);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Policy operations"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    app.require_subcommand(1);

    app.add_subcommand("list", "List policies and their rules");

    auto* import_cmd = app.add_subcommand("import", "Import a policy from a JSON file");
    std::string name, description, priority = "LOW", policyfile;
    import_cmd->add_option("-N,--name", name, "Name of the new policy")->required();
    import_cmd->add_option("-d,--description", description, "Description of the new policy")->required();
    import_cmd->add_option("-p,--prioritylevel", priority, "Priority level (HIGH, MEDIUM, LOW)")
        ->check(CLI::IsMember({"HIGH", "MEDIUM", "LOW"}));
    import_cmd->add_option("-f,--policyfile", policyfile, "File holding the policy as JSON")->required();

    std::vector<long long> ids;
    std::vector<std::string> names;
    auto* export_cmd = app.add_subcommand("export", "Write policies to policy-<id>.json");
    export_cmd->add_option("-i,--id", ids, "Policy id")->expected(1);
    export_cmd->add_option("-N,--name", names, "Policy name")->expected(1)->excludes("--id");

    auto* delete_cmd = app.add_subcommand("delete", "Delete policies");
    bool force = false;
    auto* del_id = delete_cmd->add_option("-i,--id", ids, "Policy id")->expected(1);
    auto* del_name = delete_cmd->add_option("-N,--name", names, "Policy name")->expected(1)->excludes(del_id);
    delete_cmd->add_flag("--force", force, "Delete every matching policy");

    std::string rulefile;
    long long rule_id = 0;
    auto* add_rule_cmd = app.add_subcommand("add-rule", "Add a rule from a JSON file to policies");
    auto* ar_id = add_rule_cmd->add_option("-i,--id", ids, "Policy id (repeatable)");
    auto* ar_name = add_rule_cmd->add_option("-N,--name", names, "Policy name (repeatable)")->excludes(ar_id);
    add_rule_cmd->add_option("-f,--rulefile", rulefile, "File holding the rule as JSON")->required();

    auto* del_rule_cmd = app.add_subcommand("del-rule", "Delete a rule from a policy");
    auto* dr_id = del_rule_cmd->add_option("-i,--id", ids, "Policy id")->expected(1);
    auto* dr_name = del_rule_cmd->add_option("-N,--name", names, "Policy name")->expected(1)->excludes(dr_id);
    del_rule_cmd->add_option("-r,--ruleid", rule_id, "Rule id")->required();

    auto* replace_rule_cmd = app.add_subcommand("replace-rule", "Replace a rule of a policy");
    auto* rr_id = replace_rule_cmd->add_option("-i,--id", ids, "Policy id")->expected(1);
    auto* rr_name = replace_rule_cmd->add_option("-N,--name", names, "Policy name")->expected(1)->excludes(rr_id);
    replace_rule_cmd->add_option("-r,--ruleid", rule_id, "Rule id")->required();
    // cbapi-python 1.3.2 defines no --rulefile here, so replace-rule always crashed; 1.3.6 added it.
    replace_rule_cmd->add_option("-f,--rulefile", rulefile, "File holding the new rule as JSON")->required();

    CLI11_PARSE(app, argc, argv);

    // One of -i/-N is required for these (CLI11's option groups would reorder the help; check by hand).
    for (auto [cmd, id_opt, name_opt] : {std::tuple{delete_cmd, del_id, del_name}, std::tuple{add_rule_cmd, ar_id, ar_name},
                                         std::tuple{del_rule_cmd, dr_id, dr_name},
                                         std::tuple{replace_rule_cmd, rr_id, rr_name}}) {
        if (cmd->parsed() && id_opt->count() == 0 && name_opt->count() == 0) {
            std::cerr << "error: " << cmd->get_name() << " needs -i/--id or -N/--name\n";
            return 2;
        }
    }

    return cbapi::examples::run([&] {
        const CbDefenseAPI cb(common.credentials(cbapi::Product::defense));

        if (app.got_subcommand("list")) {
            for (const Policy& p : cb.select<Policy>()) {
                std::cout << "Policy id " << p.policy_id().value_or(0) << ": " << p.name();
                if (!p.description().empty()) std::cout << " (" << p.description() << ")";
                std::cout << "\nRules:\n";
                for (const auto& [id, rule] : p.rules()) std::cout << "  " << id << ": " << rule.describe() << "\n";
            }
            return 0;
        }
        if (app.got_subcommand("import")) {
            auto p = cb.create<Policy>();
            p.set_policy(read_json_file(policyfile))
                .set_description(description)
                .set_name(name)
                .set_priority_level(priority)
                .set_version(2);
            try {
                p.save();
            } catch (const cbapi::ApiError& e) {
                std::cout << "Could not add policy: " << e.what() << "\n";
                return 1;
            }
            std::cout << "Added policy. New policy ID is " << p.policy_id().value_or(0) << "\n";
            return 0;
        }
        if (app.got_subcommand("export")) {
            for (const Policy& p : find_policies(cb, ids, names, true)) {
                const std::string file = fmt::format("policy-{}.json", p.policy_id().value_or(0));
                cbapi::write_file_atomically(file, p.policy().dump(2) + "\n");
                std::cout << "Wrote policy " << p.policy_id().value_or(0) << " " << p.name() << " to file " << file
                          << "\n";
            }
            return 0;
        }
        if (app.got_subcommand("delete")) {
            auto policies = find_policies(cb, ids, names, false);
            if (policies.empty()) {
                std::cout << "No policies match. No action taken.\n";
                return 1;
            }
            if (policies.size() > 1 && !force) {
                std::cout << policies.size() << " policies match and --force not specified. No action taken.\n";
                return 1;
            }
            for (auto& p : policies) {
                p.remove();
                std::cout << "Deleted policy id " << p.policy_id().value_or(0) << " with name " << p.name() << "\n";
            }
            return 0;
        }
        if (app.got_subcommand("add-rule")) {
            const nlohmann::json rule = read_json_file(rulefile);
            auto policies = find_policies(cb, ids, names, false);
            if (policies.empty()) {
                std::cout << "No policies match. No action taken.\n";
                return 1;
            }
            for (auto& p : policies) {
                p.add_rule(rule);
                std::cout << "Added rule from " << rulefile << " to policy " << p.name() << ".\n";
            }
            return 0;
        }
        // del-rule and replace-rule act on exactly one policy (cbapi-python said "No action taken" and then acted
        // on the first match anyway).
        auto policies = find_policies(cb, ids, names, false);
        if (policies.size() != 1) {
            std::cout << policies.size() << " policies match. No action taken.\n";
            return 1;
        }
        Policy& p = policies.front();
        if (app.got_subcommand("del-rule")) {
            p.delete_rule(rule_id);
            std::cout << "Removed rule id " << rule_id << " from policy " << p.name() << ".\n";
            return 0;
        }
        p.replace_rule(rule_id, read_json_file(rulefile));
        std::cout << "Replaced rule id " << rule_id << " from policy " << p.name() << " with rule from file "
                  << rulefile << ".\n";
        return 0;
    });
}
