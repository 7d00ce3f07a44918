// protection_policy_operations: lists, adds and deletes Cb Protection policies.
//   protection_policy_operations list
//   protection_policy_operations add --name <name> [--description d] [--enforcement-level high|medium|low|visibility|none|<n>]
//   protection_policy_operations delete --name <name> | --id <id>
#include <iostream>
#include <map>
#include <string>

#include <fmt/format.h>

#include "cbapi/protection.hpp"
#include "common/cli.hpp"

namespace {
long long enforcement_level(const std::string& text) {
    namespace L = cbapi::protection::EnforcementLevel;
    const std::map<std::string, int> names = {{"high", L::LevelHigh}, {"medium", L::LevelMedium}, {"low", L::LevelLow},
                                              {"visibility", L::LevelVisibility}, {"none", L::LevelNone}};
    if (const auto it = names.find(text); it != names.end()) return it->second;
    try {
        return std::stoll(text);
    } catch (const std::exception&) {
        throw cbapi::ApiError("Unknown enforcement level '" + text + "'");
    }
}
}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"List, add and delete Cb Protection policies"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    app.require_subcommand(1);

    auto* list = app.add_subcommand("list", "List policies");

    std::string name, description, level = "high";
    auto* add = app.add_subcommand("add", "Add a policy");
    add->add_option("--name", name, "Policy name")->required();
    add->add_option("--description", description, "Description");
    add->add_option("--enforcement-level", level, "high (default), medium, low, visibility, none, or a number");

    std::string delete_name;
    long long delete_id = -1;
    auto* del = app.add_subcommand("delete", "Delete a policy by name or id");
    auto* by_name = del->add_option("--name", delete_name, "Policy name");
    auto* by_id = del->add_option("--id", delete_id, "Policy id");
    by_name->excludes(by_id);
    del->require_option(1);
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::protection;
        const CbProtectionAPI cb(common.credentials(cbapi::Product::protection));
        if (list->parsed()) {
            for (const Policy& p : cb.select<Policy>().sort("id ASC"))
                std::cout << fmt::format("{:>4}  {:<30}  level {:>2}  {:>5} computer(s)\n", p.id(), p.name().value_or(""),
                                         p.enforcement_level().value_or(0), p.total_computers().value_or(0));
            return 0;
        }
        if (add->parsed()) {
            Policy p = cb.create<Policy>();
            p.set_name(name).set_enforcement_level(enforcement_level(level));
            if (!description.empty()) p.set_description(description);
            p.save();
            std::cout << fmt::format("Added policy {} ({})\n", p.id(), name);
            return 0;
        }
        Policy target = delete_id >= 0 ? cb.fetch<Policy>(delete_id) : [&] {
            const auto found = cb.select<Policy>().where("name:" + delete_name).slice(0, 2);
            if (found.empty()) throw cbapi::ApiError("No policy named '" + delete_name + "'");
            if (found.size() > 1) throw cbapi::ApiError("Several policies are named '" + delete_name + "'; use --id");
            return found.front();
        }();
        target.remove();
        std::cout << fmt::format("Deleted policy {} ({})\n", target.id(), target.name().value_or(""));
        return 0;
    });
}
