// watchlist_automation: acts on Cb Response watchlist hits by the watchlist's name, like cbapi-python 1.3.2's
// examples/event/watchlist_automation.py:
//   watchlist_automation [--file <forwarder JSON file>]   (plus the shared --profile, --cburl, --apitoken, ...)
// It subscribes to `watchlist.hit.process` and `watchlist.hit.binary` and, by case-sensitive name prefix:
//   ISOLATE:       isolates the sensor of each hit (network_isolation_enabled = true, saved)
//   BAN:           bans the MD5 of each hit (process_md5 / md5) with the text "Auto-Blacklist From Watchlist"
//   LOCK:          both
//   LIVERESPONSE:  (process hits) opens a Live Response session on the sensor: lists the processes, the users that
//                  run explorer.exe, fetches each one's Chrome history file, runs `net start`; prints all of it
// Source: the event bus (the profile's rabbitmq_user, rabbitmq_pass, rabbitmq_host, rabbitmq_port), or with --file an
// Event Forwarder JSON-lines file read from its start and followed (the Python script's FileEventSource).
// Binary hits carry no sensor_id (their documents name hosts in `endpoint`): ISOLATE and LOCK then record an error
// instead of crashing, as the Python script's KeyError did. Ctrl-C stops it and prints every collected error.
// Unlike the Python script: the bus's routing keys and the forwarder's `type` both work, errors of one hit never stop
// the others, and the Chrome history is fetched but not parsed (no SQLite here): its size is printed.
#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cbapi/events.hpp"
#include "cbapi/events/bus.hpp"
#include "cbapi/events/forwarder_file.hpp"
#include "cbapi/live_response/session.hpp"
#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/event_tools.hpp"

namespace {

namespace ev = cbapi::events;
using cbapi::response::CbResponseAPI;

std::mutex output_mutex;

template <typename... Args>
void say(fmt::format_string<Args...> format, Args&&... args) {
    const std::string line = fmt::format(format, std::forward<Args>(args)...);
    std::lock_guard<std::mutex> lock(output_mutex);
    std::cout << line << std::endl;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

/// The actions of one watchlist hit; every failure throws, and the registry collects it with the hit's origin.
class Automation {
public:
    explicit Automation(CbResponseAPI cb) : cb_(std::move(cb)) {}

    void on_hit(const ev::WatchlistHit& hit) {
        const std::string name = hit.watchlist_name();
        const bool isolate = starts_with(name, "ISOLATE:") || starts_with(name, "LOCK:");
        const bool ban = starts_with(name, "BAN:") || starts_with(name, "LOCK:");
        const bool live_response = starts_with(name, "LIVERESPONSE:");
        if (!isolate && !ban && !live_response) {
            say("watchlist '{}': no action prefix, ignored", name);
            return;
        }
        if (hit.is_binary()) {
            const auto docs = hit.binary_docs();
            if (docs.empty()) throw std::runtime_error("watchlist '" + name + "': a binary hit without docs");
            for (const ev::BinaryDoc& doc : docs) {
                if (ban) ban_hash(doc.md5(), name, "binary " + doc.original_filename());
                if (isolate || live_response) {
                    // Binary documents have no sensor_id (only endpoint "HOST|id"): the Python script failed with
                    // a KeyError here; we report it the same way, as a collected error.
                    throw std::runtime_error(fmt::format("watchlist '{}': binary hit {} has no sensor_id to {} "
                                                         "(binary documents name hosts in endpoint: {})",
                                                         name, doc.md5(), isolate ? "isolate" : "open Live Response on",
                                                         fmt::join(doc.endpoints(), ", ")));
                }
            }
            return;
        }
        const auto docs = hit.process_docs();
        if (docs.empty()) throw std::runtime_error("watchlist '" + name + "': a process hit without docs");
        for (const ev::ProcessDoc& doc : docs) {
            if (ban) ban_hash(doc.process_md5(), name, "process " + doc.process_name() + " on " + doc.hostname());
            if (isolate || live_response) {
                const auto sensor_id = doc.sensor_id();
                if (!sensor_id) throw std::runtime_error("watchlist '" + name + "': a process doc without sensor_id");
                if (isolate) isolate_sensor(*sensor_id, name);
                if (live_response) collect(*sensor_id, name);
            }
        }
    }

private:
    void ban_hash(const std::string& md5, const std::string& watchlist, const std::string& what) {
        if (md5.empty()) throw std::runtime_error("watchlist '" + watchlist + "': a hit without an MD5 to ban");
        auto banned = cb_.create<cbapi::response::BannedHash>();
        banned.set_md5hash(md5);
        banned.set_text("Auto-Blacklist From Watchlist");
        banned.set_enabled(true);
        try {
            banned.save();
        } catch (const cbapi::ServerError& e) {
            if (e.status() != 409) throw;
            say("BAN: watchlist '{}': {} is already banned ({})", watchlist, md5, what);
            return;
        }
        say("BAN: watchlist '{}': banned {} ({})", watchlist, md5, what);
    }

    void isolate_sensor(long long sensor_id, const std::string& watchlist) {
        auto sensor = cb_.select<cbapi::response::Sensor>(sensor_id);
        sensor.set("network_isolation_enabled", true);
        sensor.save();
        say("ISOLATE: watchlist '{}': isolation requested for sensor {} ({})", watchlist, sensor_id,
            sensor.hostname());
    }

    void collect(long long sensor_id, const std::string& watchlist) {
        const auto sensor = cb_.select<cbapi::response::Sensor>(sensor_id);
        auto lr = sensor.lr_session();
        std::set<std::string> users;
        for (const auto& p : lr.list_processes()) {
            const auto slash = p.path.find_last_of("\\/");
            const std::string exe = slash == std::string::npos ? p.path : p.path.substr(slash + 1);
            if (exe == "explorer.exe" && !p.username.empty()) users.insert(p.username);
        }
        std::string report = fmt::format("LIVERESPONSE: watchlist '{}': sensor {} ({}): users {}", watchlist,
                                         sensor_id, sensor.hostname(), fmt::join(users, ", "));
        for (const auto& user : users) {
            const auto slash = user.find('\\');
            const std::string account = slash == std::string::npos ? user : user.substr(slash + 1);
            const std::string history =
                "C:\\Users\\" + account + "\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\History";
            try {
                report += fmt::format("\n  {}: Chrome history {} bytes", user, lr.get_file(history).size());
            } catch (const cbapi::ApiError& e) {
                report += fmt::format("\n  {}: no Chrome history ({})", user, e.what());
            }
        }
        // Through cmd.exe, which finds net.exe on the sensor's PATH (the Python script ran "net.exe start").
        const auto services = lr.create_process("cmd.exe /c net start");
        report += "\n  net start:\n" + services.value_or("");
        say("{}", report);
    }

    CbResponseAPI cb_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Isolate sensors, ban hashes or run Live Response on Cb Response watchlist hits, by watchlist name "
                 "prefix (ISOLATE:, BAN:, LOCK:, LIVERESPONSE:)"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string file;
    app.add_option("--file", file,
                   "Read watchlist hits from this Event Forwarder JSON-lines file (from its start, then followed) "
                   "instead of the event bus");
    CLI11_PARSE(app, argc, argv);

    // Ctrl-C and SIGTERM are taken by the main thread, never by the consumer's threads (blocked before they start).
    cbapi::examples::SignalWaiter signals;

    return cbapi::examples::run([&] {
        const cbapi::Credentials credentials = common.credentials(cbapi::Product::response);
        Automation automation{CbResponseAPI(credentials)};
        ev::Registry registry;
        for (const char* key : {"watchlist.hit.process", "watchlist.hit.binary"})
            registry.on<ev::WatchlistHit>(key, [&](const ev::WatchlistHit& hit) { automation.on_hit(hit); },
                                          "watchlist_automation");

        std::shared_ptr<ev::Source> source;
        std::shared_ptr<ev::EventBus> bus;
        if (!file.empty()) {
            ev::ForwarderFileOptions options;
            options.path = file;
            options.start = ev::StartAt::beginning;  // as the Python FileEventSource: the whole file, then new lines
            source = std::make_shared<ev::ForwarderFile>(options);
        } else {
            if (!credentials.rabbitmq_pass || credentials.rabbitmq_pass->empty())
                throw cbapi::CredentialError("the event bus needs rabbitmq_pass (and rabbitmq_user, rabbitmq_host, "
                                             "rabbitmq_port) in the credential profile; or read a file with --file");
            bus = std::make_shared<ev::EventBus>(credentials);
            source = bus;
        }
        ev::Consumer consumer(registry);
        consumer.add(source);
        consumer.start();
        if (!bus) say("watchlist_automation: reading {}; Ctrl-C to stop", source->name());

        bool announced = false;
        while (signals.wait(std::chrono::milliseconds(100)) == 0) {
            if (bus && !announced && bus->stats().connections > 0) {
                say("watchlist_automation: listening on {} (queue {}); Ctrl-C to stop", bus->name(),
                    bus->queue_name());
                announced = true;
            }
            if (!consumer.failures().empty()) break;  // the source cannot work (e.g. the broker refused the login)
        }
        consumer.stop();

        const auto errors = registry.errors();
        const auto failures = consumer.failures();
        const auto problems = consumer.problems();
        say("watchlist_automation: stopped; {} error(s), {} skipped input(s)", errors.size() + failures.size(),
            problems.size());
        for (const auto& e : errors) say("error: {} on {} ({}): {}", e.subscription, e.routing_key, e.origin, e.what);
        for (const auto& f : failures) say("error: {}: {}", f.source, f.what);
        for (const auto& p : problems) say("skipped: {} {}: {}", p.source, p.origin, p.what);
        return failures.empty() ? 0 : 1;
    });
}
