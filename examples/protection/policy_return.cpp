// policy_return: moves every computer of a policy back to the policy it had before, like cbapi-python's
// policy_return.py. The policy is given by id or by name (cbapi-python crashes when given a name).
#include <cctype>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cbapi/protection.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Return the computers of a policy to their previous policy"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string policy;
    app.add_option("-p,--policy", policy, "Policy id or name")->required();
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::protection;
        const CbProtectionAPI cb(common.credentials(cbapi::Product::protection));
        const bool numeric = !policy.empty() && policy.find_first_not_of("0123456789") == std::string::npos;
        std::string policy_id = policy;
        if (!numeric) {
            // cbapi-python reads `.id` on the query object here; look the policy up instead.
            const auto found = cb.select<Policy>().where("name:" + policy).slice(0, 2);
            if (found.empty()) throw cbapi::ApiError("No policy named '" + policy + "'");
            if (found.size() > 1) throw cbapi::ApiError("Several policies are named '" + policy + "'; give its id");
            policy_id = found.front().id();
        }
        // Collected first: each save moves a computer out of the result set, which would shift later pages.
        const auto computers = cb.select<Computer>().where("policyId:" + policy_id).slice(0);
        std::size_t moved = 0;
        for (Computer computer : computers) {
            const auto previous = computer.previous_policy_id();
            if (!previous || *previous == 0 || std::to_string(*previous) == policy_id) continue;
            computer.set_policy_id(*previous);
            computer.save();
            ++moved;
            std::cout << fmt::format("{} returned to policy {}\n", computer.name().value_or("?"), *previous);
        }
        std::cout << fmt::format("{} of {} computer(s) of policy {} returned\n", moved, computers.size(), policy_id);
        return 0;
    });
}
