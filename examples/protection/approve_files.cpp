// approve_files: locally approves the unapproved files on the computers of a policy when the file is common
// enough (its prevalence reaches a threshold), like cbapi-python's approve_files.py.
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cbapi/protection.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Locally approve unapproved files seen on at least <threshold> computers, for one policy"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string policy;
    long long threshold = 10;
    app.add_option("-p,--policy", policy, "Policy name")->required();
    app.add_option("-t,--threshold", threshold, "Minimum prevalence of a file to approve it (default 10)");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::protection;
        const CbProtectionAPI cb(common.credentials(cbapi::Product::protection));
        std::size_t approved = 0;
        // Collected first: approving changes what a "localState:1" query returns, which would shift its pages.
        const auto computers = cb.select<Computer>().where("policyName:" + policy).and_("deleted:false").slice(0);
        for (const Computer& computer : computers) {
            const auto unapproved = computer.file_instances().where(eq("localState", FileInstance::LocalStateUnapproved)).slice(0);
            for (FileInstance instance : unapproved) {
                const auto catalog = instance.file_catalog();
                if (!catalog || catalog->prevalence().value_or(0) < threshold) continue;
                instance.set_local_state(FileInstance::LocalStateApproved);
                instance.save();
                ++approved;
                std::cout << fmt::format("Approved {} on {} (prevalence {})\n", instance.file_name().value_or("?"),
                                         computer.name().value_or("?"), catalog->prevalence().value_or(0));
            }
        }
        std::cout << fmt::format("{} file(s) approved on {} computer(s)\n", approved, computers.size());
        return 0;
    });
}
