// remove_duplicates: deletes duplicate computer records (same name), keeping the one offline the shortest, like
// cbapi-python's remove_duplicates.py.
#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cbapi/protection.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Delete duplicate computer records, keeping the most recently seen one"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    bool dry_run = false;
    app.add_flag("-d,--dry-run", dry_run, "Only print what would be deleted");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::protection;
        const CbProtectionAPI cb(common.credentials(cbapi::Product::protection));
        std::map<std::string, std::vector<Computer>> by_name;
        for (const Computer& c : cb.select<Computer>().where("deleted:false")) by_name[c.name().value_or("")].push_back(c);
        std::size_t removed = 0;
        for (auto& [name, group] : by_name) {
            if (group.size() < 2) continue;
            std::stable_sort(group.begin(), group.end(), [](const Computer& a, const Computer& b) {
                return a.days_offline().value_or(0) < b.days_offline().value_or(0);
            });
            for (std::size_t i = 1; i < group.size(); ++i) {
                Computer& c = group[i];
                if (c.days_offline().value_or(0) <= 0) continue;
                if (dry_run) {
                    std::cout << fmt::format("Would delete computer {} ({}, offline {} days)\n", c.id(), name,
                                             c.days_offline().value_or(0));
                } else {
                    c.remove();
                    std::cout << fmt::format("Deleted computer {} ({}, offline {} days)\n", c.id(), name,
                                             c.days_offline().value_or(0));
                }
                ++removed;
            }
        }
        std::cout << fmt::format("{} duplicate(s) {}\n", removed, dry_run ? "found" : "deleted");
        return 0;
    });
}
