// A user's program against an installed cbapi with the events component (find_package(cbapi COMPONENTS events)):
// subscribes typed callbacks, dispatches a watchlist hit and a truncated raw sensor event through the registry, and
// makes an event bus source (not started: no broker here), so every library the component brings is linked.
#include <iostream>
#include <string>

#include <cbapi/events.hpp>
#include <cbapi/events/bus.hpp>
#include <cbapi/version.hpp>

int main() {
    try {
        cbapi::events::Registry registry;
        std::string hit_name;
        registry.on<cbapi::events::WatchlistHit>("watchlist.hit.#", [&](const cbapi::events::WatchlistHit& hit) {
            hit_name = hit.watchlist_name();
        });
        registry.on<cbapi::events::SensorEvent>("ingress.event.*", [](const cbapi::events::SensorEvent&) {});

        cbapi::events::Message hit;
        hit.routing_key = "watchlist.hit.process";
        hit.content_type = "application/json";
        hit.body = R"({"watchlist_id": 7, "watchlist_name": "BAN: consumer", "docs": []})";
        registry.dispatch(hit);

        cbapi::events::Message raw;
        raw.routing_key = "ingress.event.procstart";
        raw.content_type = "application/protobuf";
        raw.body = std::string("\x0a\x05", 2);  // field 1, 5 bytes announced, none there
        registry.dispatch(raw);

        cbapi::events::EventBusOptions options;
        options.connection.host = "127.0.0.1";
        options.connection.password = "unused";
        cbapi::events::EventBus bus(options);

        const auto stats = registry.stats();
        if (hit_name != "BAN: consumer" || stats.malformed != 1) {
            std::cerr << "consumer-events: unexpected result: hit '" << hit_name << "', " << stats.malformed
                      << " malformed" << std::endl;
            return 1;
        }
        std::cout << "consumer-events: cbapi " << cbapi::version_string << " dispatched watchlist hit '" << hit_name
                  << "' and counted " << stats.malformed << " malformed raw event" << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "consumer-events: " << e.what() << std::endl;
        return 1;
    }
}
