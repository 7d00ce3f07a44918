// user_hostname_pairs: counts the logons (explorer.exe instances) of each user on each host, like cbapi-python's
// user_hostname_pairs.py. Hosts are listed in the order the server first returned them; users by count, most first.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

namespace {

// Counts in first-seen order (a stable sort by count then keeps that order among equals, as the Python script does).
struct Counts {
    std::vector<std::pair<std::string, long long>> items;
    void add(const std::string& key) {
        const auto it = std::find_if(items.begin(), items.end(), [&](const auto& item) { return item.first == key; });
        if (it == items.end())
            items.emplace_back(key, 1);
        else
            ++it->second;
    }
};

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Count the logons (explorer.exe processes) of each user on each host"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using cbapi::response::Process;
        const cbapi::response::CbResponseAPI cb(common.credentials(cbapi::Product::response));
        std::vector<std::pair<std::string, Counts>> hosts;
        for (const Process& proc : cb.select<Process>().where("process_name:explorer.exe")) {
            const std::string host = proc.hostname();
            auto it = std::find_if(hosts.begin(), hosts.end(), [&](const auto& h) { return h.first == host; });
            if (it == hosts.end()) it = hosts.insert(hosts.end(), {host, Counts{}});
            it->second.add(lower(proc.username()));
        }
        for (auto& [host, users] : hosts) {
            std::cout << "For host " << host << ":\n";
            std::stable_sort(users.items.begin(), users.items.end(),
                             [](const auto& a, const auto& b) { return a.second > b.second; });
            for (const auto& [user, count] : users.items)
                std::cout << fmt::format("  {:<20}: logged in {} times\n", user, count);
        }
        return 0;
    });
}
