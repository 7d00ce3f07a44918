// get_reg_autoruns: watches registry modifications of autorun locations and reads the new value from the endpoint
// with Live Response (cbapi-python 1.3.2's examples/event/get_reg_autoruns.py).
//   get_reg_autoruns [--bus | --file <forwarder output>] [--count N] [--poll-interval S]  (plus --profile, ...)
// Source: the event bus by default (raw `ingress.event.regmod` protobuf events; the server must broadcast regmods,
// `DatastoreBroadcastEventTypes=regmod` in cb.conf), or an Event Forwarder file (`--file`, its JSON regmod records).
// A regmod whose path starts with one of 23 autorun locations (matched on the lower-cased path, anchored: sensors write
// lower case, and the Python example's case-sensitive regular expressions missed anything else) is printed with its
// path translated to `HKLM\...` / `HKEY_USERS\...`; for a written value the value is read back with Live Response
// (`get_registry_value`) on the sensor. Key creations and deletions are printed without a lookup (Python asked for
// them too, and failed). Errors go to stderr and are counted; Ctrl-C (or --count) stops and prints the counts.
#include <array>
#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cbapi/credentials.hpp"
#include "cbapi/events.hpp"
#include "cbapi/events/bus.hpp"
#include "cbapi/events/forwarder_file.hpp"
#include "cbapi/live_response/session.hpp"
#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/event_tools.hpp"

namespace {

namespace ev = cbapi::events;

constexpr std::string_view machine_root = "\\registry\\machine\\";
constexpr std::string_view user_root = "\\registry\\user\\";

// Under \registry\machine\ (HKLM).
constexpr std::array<std::string_view, 15> machine_autoruns = {
    "software\\microsoft\\windows\\currentversion\\run",
    "software\\microsoft\\windows\\currentversion\\runonce",
    "software\\microsoft\\windows\\currentversion\\runonceex",
    "software\\microsoft\\windows\\currentversion\\runservices",
    "software\\microsoft\\windows\\currentversion\\runservicesonce",
    "software\\microsoft\\windows\\currentversion\\policies\\explorer\\run",
    "software\\microsoft\\windows\\currentversion\\shellserviceobjectdelayload",
    "software\\microsoft\\windows\\currentversion\\explorer\\sharedtaskscheduler",
    "software\\microsoft\\windows nt\\currentversion\\winlogon\\notify",
    "software\\microsoft\\windows nt\\currentversion\\winlogon\\userinit",
    "software\\microsoft\\windows nt\\currentversion\\winlogon\\shell",
    "software\\microsoft\\windows nt\\currentversion\\windows",
    "software\\microsoft\\windows nt\\currentversion\\windows\\appinit_dlls",
    "system\\currentcontrolset\\services",
    "system\\currentcontrolset\\control\\session manager\\bootexecute",
};
// Under \registry\user\<sid>\ (HKEY_USERS).
constexpr std::array<std::string_view, 8> user_autoruns = {
    "software\\microsoft\\windows\\currentversion\\run",
    "software\\microsoft\\windows\\currentversion\\runonce",
    "software\\microsoft\\windows\\currentversion\\runservices",
    "software\\microsoft\\windows\\currentversion\\runservicesonce",
    "software\\microsoft\\windows\\currentversion\\policies\\explorer\\run",
    "software\\microsoft\\windows nt\\currentversion\\winlogon\\shell",
    "software\\microsoft\\windows nt\\currentversion\\windows\\load",
    "software\\microsoft\\windows nt\\currentversion\\windows\\run",
};

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

template <std::size_t N>
bool under_one_of(std::string_view rest, const std::array<std::string_view, N>& prefixes) {
    for (std::string_view prefix : prefixes)
        if (starts_with(rest, prefix)) return true;
    return false;
}

/// Whether a sensor's registry path is in an autorun location (anchored prefix match on the lower-cased path).
bool is_autorun(const std::string& path) {
    const std::string p = lower(path);
    if (starts_with(p, machine_root)) return under_one_of(std::string_view(p).substr(machine_root.size()),
                                                          machine_autoruns);
    if (starts_with(p, user_root)) {
        const auto sid_end = p.find('\\', user_root.size());
        if (sid_end == std::string::npos || sid_end == user_root.size()) return false;
        return under_one_of(std::string_view(p).substr(sid_end + 1), user_autoruns);
    }
    return false;
}

/// `\registry\machine\...` → `HKLM\...`, `\registry\user\...` → `HKEY_USERS\...` (the rest as the sensor wrote it).
std::string registry_path(const std::string& path) {
    const std::string p = lower(path);
    if (starts_with(p, machine_root)) return "HKLM\\" + path.substr(machine_root.size());
    if (starts_with(p, user_root)) return "HKEY_USERS\\" + path.substr(user_root.size());
    return path;
}

/// One regmod, from either form.
struct Regmod {
    long long sensor_id = 0;
    std::string host;
    std::string action;  // createkey, writeval, delkey, delval
    std::string path;
};

class AutorunWatcher {
public:
    AutorunWatcher(const cbapi::response::CbResponseAPI& cb, cbapi::live_response::LiveResponseOptions lr_options,
                   long long count, cbapi::examples::SignalWaiter& waiter)
        : cb_(cb), lr_options_(std::move(lr_options)), count_(count), waiter_(waiter) {}

    void on_message(const ev::Message& message) {
        if (finished()) return;
        if (message.content_type == "application/json" || (!message.body.empty() && message.body.front() == '{')) {
            on_forwarder_record(message);
            return;
        }
        const ev::SensorEventBatch batch = ev::decode_sensor_events(message);
        for (const std::string& problem : batch.errors) error(message.origin, "unreadable event: " + problem);
        for (const ev::SensorEvent& event : batch.events) {
            const auto* regmod = std::get_if<ev::RegMod>(&event.payload);
            if (regmod == nullptr) continue;
            if (!event.header.sensor_id) {
                error(message.origin, "regmod without a sensor id");
                continue;
            }
            handle({*event.header.sensor_id, event.header.host_name, ev::to_string(regmod->action), regmod->path},
                   message.origin);
        }
    }

    long long reported() const { return reported_.load(); }
    long long errors() const { return errors_.load(); }
    long long seen() const { return seen_.load(); }
    bool finished() const { return count_ > 0 && reported_.load() >= count_; }

private:
    // The forwarder's JSON form: {"type":"ingress.event.regmod","action":"writeval","path":...,"sensor_id":1,...}.
    void on_forwarder_record(const ev::Message& message) {
        ev::JsonEvent record;
        try {
            record = ev::JsonEvent::from_message(message);
        } catch (const ev::DecodeError& e) {
            error(message.origin, e.what());
            return;
        }
        const auto sensor_id = record.integer("sensor_id");
        const std::string path = record.string("path");
        if (!sensor_id || path.empty()) {
            error(message.origin, "regmod record without sensor_id or path");
            return;
        }
        handle({*sensor_id, record.string("computer_name"), record.string("action"), path}, message.origin);
    }

    void handle(const Regmod& regmod, const std::string& origin) {
        seen_.fetch_add(1);
        if (finished() || !is_autorun(regmod.path)) return;
        const std::string path = registry_path(regmod.path);
        std::string line = regmod.host.empty() ? "sensor " + std::to_string(regmod.sensor_id) : regmod.host;
        line += ": " + regmod.action + " " + path;
        if (regmod.action == "writeval") {
            try {
                auto sensor = cb_.select<cbapi::response::Sensor>(regmod.sensor_id);
                auto session = sensor.lr_session(lr_options_);
                const auto value = session.get_registry_value(path);
                line += " = " + (value.data.is_string() ? value.data.get<std::string>()
                                                        : cbapi::examples::json_line(value.data));
                if (!value.type.empty()) line += " (" + value.type + ")";
            } catch (const std::exception& e) {
                error(origin, "cannot read " + path + " on sensor " + std::to_string(regmod.sensor_id) + ": " +
                                  e.what());
                return;
            }
        }
        std::cout << line << std::endl;
        if (reported_.fetch_add(1) + 1 == count_) waiter_.wake();
    }

    void error(const std::string& origin, const std::string& what) {
        errors_.fetch_add(1);
        std::lock_guard<std::mutex> lock(stderr_mutex_);
        std::cerr << "get_reg_autoruns: " << what << (origin.empty() ? "" : " (" + origin + ")") << std::endl;
    }

    const cbapi::response::CbResponseAPI& cb_;
    cbapi::live_response::LiveResponseOptions lr_options_;
    long long count_;
    cbapi::examples::SignalWaiter& waiter_;
    std::atomic<long long> reported_{0};
    std::atomic<long long> errors_{0};
    std::atomic<long long> seen_{0};
    std::mutex stderr_mutex_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Print registry modifications of autorun locations, with the new value read by Live Response"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    bool bus = false;
    std::string file;
    long long count = 0;
    double poll_interval = 1.0;
    auto* sources = app.add_option_group("source", "Where the regmod events come from (default: --bus)");
    sources->add_flag("--bus", bus, "The event bus (the profile's rabbitmq_* keys; the default)");
    sources->add_option("--file", file, "An Event Forwarder JSON-lines file, followed like tail -F");
    sources->require_option(0, 1);
    app.add_option("--count", count, "Exit after reporting this many autorun modifications (default 0: never)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--poll-interval", poll_interval,
                   "Seconds between Live Response polls of a session or command (default 1)")
        ->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        // First: every thread the SDK starts from here on inherits the blocked signals, so Ctrl-C reaches
        // the main thread's wait.
        cbapi::examples::SignalWaiter waiter;
        const cbapi::Credentials credentials = common.credentials(cbapi::Product::response);
        const cbapi::response::CbResponseAPI cb(credentials);
        std::shared_ptr<ev::Source> source;
        std::shared_ptr<ev::EventBus> event_bus;
        if (!file.empty()) {
            ev::ForwarderFileOptions options;
            options.path = file;
            source = std::make_shared<ev::ForwarderFile>(options);
        } else {
            // The bus settings always come from the profile (--cburl/--apitoken carry none).
            cbapi::Credentials bus_credentials = credentials;
            if (!bus_credentials.rabbitmq_pass) {
                cbapi::CredentialOptions options;
                if (!common.profile.empty()) options.profile = common.profile;
                bus_credentials = cbapi::load_credentials(cbapi::Product::response, options);
            }
            event_bus = std::make_shared<ev::EventBus>(bus_credentials);
            source = event_bus;
        }
        cbapi::live_response::LiveResponseOptions lr_options;
        lr_options.session_poll_interval = std::chrono::milliseconds(static_cast<long long>(poll_interval * 1000));
        lr_options.command_poll_interval = lr_options.session_poll_interval;

        AutorunWatcher watcher(cb, lr_options, count, waiter);
        ev::Registry registry;
        registry.on("ingress.event.regmod", [&watcher](const ev::Message& m) { watcher.on_message(m); },
                    "autoruns");
        ev::Consumer consumer(registry);
        consumer.add(source);
        consumer.start();
        {
            cbapi::examples::ConsumerWatch watch(consumer, waiter);
            if (!file.empty()) std::cerr << "get_reg_autoruns: following " << file << std::endl;
            bool announced = !event_bus;
            while (true) {
                const int signal =
                    waiter.wait(announced ? std::chrono::milliseconds(0) : std::chrono::milliseconds(100));
                if (!announced && event_bus->stats().connections > 0) {
                    std::cerr << "get_reg_autoruns: listening on " << event_bus->name() << std::endl;
                    announced = true;
                }
                if (signal == SIGINT || signal == SIGTERM || signal == SIGHUP) break;
                if (watcher.finished() || watch.finished()) break;
            }
            consumer.stop();
        }
        std::cerr << "get_reg_autoruns: " << watcher.seen() << " regmods, " << watcher.reported()
                  << " autorun modifications reported, " << watcher.errors() << " errors, "
                  << consumer.stats().problems << " skipped by the source" << std::endl;
        for (const ev::SourceFailure& failure : consumer.failures())
            std::cerr << "get_reg_autoruns: " << failure.source << " failed: " << failure.what << std::endl;
        return consumer.failures().empty() ? 0 : 1;
    });
}
