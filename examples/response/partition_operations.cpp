// partition_operations: lists, creates, deletes, mounts and unmounts event storage partitions (server 6.1 and
// later), like cbapi-python's partition_operations.py.
//   partition_operations list | create | delete -N <name> | mount -N <name> | unmount -N <name>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cbapi/response.hpp"
#include "common/cli.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Manage Cb Response event storage partitions"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    app.require_subcommand(1);
    auto* list = app.add_subcommand("list", "List all storage partitions");
    auto* create = app.add_subcommand("create", "Create new active writer partition");
    std::string name;
    auto* del = app.add_subcommand("delete", "Delete partition");
    del->add_option("-N,--name", name, "Name of partition to delete.")->required();
    auto* mount = app.add_subcommand("mount", "Mount partition");
    mount->add_option("-N,--name", name, "Name of partition to mount.")->required();
    auto* unmount = app.add_subcommand("unmount", "Unmount partition");
    unmount->add_option("-N,--name", name, "Name of partition to unmount.")->required();
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        using namespace cbapi::response;
        const CbResponseAPI cb(common.credentials(cbapi::Product::response));
        if (cb.server_version() < cbapi::ServerVersion{6, 1, 0}) {
            std::cerr << fmt::format("This script can only work with server versions >= 6.1.0; {} is running {}\n",
                                     cb.url(), cb.server_version().to_string());
            return 2;
        }
        if (list->parsed()) {
            for (const StoragePartition& partition : cb.select<StoragePartition>()) {
                std::string status = partition.status();
                for (char& c : status) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                std::cout << fmt::format("{} Storage Partition \"{}\":\n", status, partition.name());
                const nlohmann::json info = partition.info();
                for (const auto& [key, value] : info.items())
                    std::cout << fmt::format("  {:15}: {}\n", key, value.is_string() ? value.get<std::string>() : value.dump());
            }
            return 0;
        }
        if (create->parsed()) {
            cb.create_new_partition();
            std::cout << "Successfully created new writer partition\n";
            return 0;
        }
        const char* verb = del->parsed() ? "delet" : (mount->parsed() ? "mount" : "unmount");
        try {
            const auto partition = cb.select<StoragePartition>(name);
            if (del->parsed())
                partition.remove();
            else if (mount->parsed())
                partition.mount();
            else
                partition.unmount();
        } catch (const cbapi::ApiError& e) {
            std::cout << fmt::format("Error {}ing partition {}: {}\n", verb, name, e.what());
            return 1;
        }
        std::cout << fmt::format("Successfully {}ed partition {}\n", verb, name);
        return 0;
    });
}
