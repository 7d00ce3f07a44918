// event_listener: prints the Cb Response events of chosen routing keys, from any source, as JSON lines.
//   event_listener (--bus | --file <path> | --http <listen url> | --s3 <bucket>[/prefix]) [-k <pattern>]...
//                  [--count N] [source options]   (plus the shared --profile, ...)
// One JSON object per line on stdout, flushed per line:
//   {"routing_key": ..., "source": "bus"|"file"|"http"|"s3", "origin": ..., "timestamp": <received, ISO UTC>,
//    "content_type": ..., "message": <the JSON message as sent | a raw protobuf event decoded to JSON>}
// (a raw-sensor-data bundle gives one line per event, with "event_index"). Errors (messages that cannot be read,
// problems the source skipped) and the final counts go to stderr. Ctrl-C stops cleanly (queued messages are still
// printed) and prints the counts; --count N stops after N lines; a closed stdout (`| head`) stops quietly.
// Patterns use AMQP topic syntax (`watchlist.hit.#`, `ingress.event.*`); default `#` (everything). The bus binds only
// the chosen patterns; the forwarder sources receive every record and the listener filters by its `type`.
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/credentials.hpp"
#include "cbapi/events.hpp"
#include "cbapi/events/bus.hpp"
#include "cbapi/events/forwarder_file.hpp"
#include "cbapi/events/forwarder_http.hpp"
#include "cbapi/events/forwarder_s3.hpp"
#include "common/cli.hpp"
#include "common/event_tools.hpp"

namespace {

namespace ev = cbapi::events;
using cbapi::examples::json_line;

struct Settings {
    std::vector<std::string> keys;
    long long count = 0;
    std::string source;  // bus, file, http, s3
};

/// `http[s]://host:port/path` → the receiver's options.
ev::ForwarderHttpOptions http_options(const std::string& url) {
    ev::ForwarderHttpOptions options;
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) throw cbapi::ApiError("--http needs a URL like http://0.0.0.0:8080/path");
    const std::string scheme = url.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") throw cbapi::ApiError("--http: the scheme must be http or https");
    std::string rest = url.substr(scheme_end + 3);
    const auto slash = rest.find('/');
    if (slash != std::string::npos) {
        options.path = rest.substr(slash);
        rest.resize(slash);
    }
    const auto colon = rest.rfind(':');
    const bool bracketed_without_port = !rest.empty() && rest.back() == ']';
    if (colon == std::string::npos || colon + 1 == rest.size() || bracketed_without_port) {
        options.port = scheme == "https" ? 443 : 80;
        options.bind_address = rest;
    } else {
        const std::string port = rest.substr(colon + 1);
        if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoi(port) > 65535)
            throw cbapi::ApiError("--http: invalid port '" + port + "'");
        options.port = static_cast<std::uint16_t>(std::stoi(port));
        options.bind_address = rest.substr(0, colon);
    }
    if (!options.bind_address.empty() && options.bind_address.front() == '[' && options.bind_address.back() == ']')
        options.bind_address = options.bind_address.substr(1, options.bind_address.size() - 2);
    if (options.bind_address.empty()) throw cbapi::ApiError("--http: the URL needs a host to listen on");
    return options;
}

/// Prints matching messages as JSON lines; counts what it printed and what it could not read.
class Printer {
public:
    Printer(Settings settings, cbapi::examples::SignalWaiter& waiter)
        : settings_(std::move(settings)), waiter_(waiter) {}

    /// Called once per matching subscription; `index` is the subscription's place in --key order, so that a message
    /// two patterns match is printed once.
    void on_message(std::size_t index, const ev::Message& message) {
        for (std::size_t i = 0; i < index; ++i)
            if (ev::topic_matches(settings_.keys[i], message.routing_key)) return;
        if (finished()) return;
        // Keys in this order, and the message's own keys in the order they were sent.
        nlohmann::ordered_json line = {{"routing_key", message.routing_key},
                               {"source", settings_.source},
                               {"origin", message.origin},
                               {"timestamp", cbapi::examples::iso_time(message.received)},
                               {"content_type", message.content_type}};
        if (is_json(message)) {
            auto body = nlohmann::ordered_json::parse(message.body, nullptr, false);
            if (body.is_discarded()) {
                error(message, "not valid JSON");
                return;
            }
            line["message"] = std::move(body);
            emit(line);
            return;
        }
        const ev::SensorEventBatch batch = ev::decode_sensor_events(message);
        for (const std::string& problem : batch.errors) error(message, problem);
        const bool several = batch.events.size() > 1;
        for (std::size_t i = 0; i < batch.events.size() && !finished(); ++i) {
            line["message"] = nlohmann::ordered_json(cbapi::examples::sensor_event_json(batch.events[i]));
            if (several) line["event_index"] = i;
            emit(line);
        }
    }

    long long printed() const { return printed_.load(); }
    long long errors() const { return errors_.load(); }
    bool broken_pipe() const { return broken_pipe_.load(); }
    /// --count reached or stdout closed: nothing more is printed.
    bool finished() const {
        return broken_pipe_.load() || (settings_.count > 0 && printed_.load() >= settings_.count);
    }

private:
    static bool is_json(const ev::Message& message) {
        if (message.content_type == "application/json") return true;
        if (!message.content_type.empty()) return false;
        const auto first = message.body.find_first_not_of(" \t\r\n");
        return first != std::string::npos && message.body[first] == '{';
    }

    void emit(const nlohmann::ordered_json& line) {
        const std::string text = json_line(line) + "\n";
        if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
            // Most likely EPIPE (the reader went away, e.g. `| head`): stop quietly.
            broken_pipe_ = true;
            waiter_.wake();
            return;
        }
        if (settings_.count > 0 && printed_.fetch_add(1) + 1 >= settings_.count) {
            waiter_.wake();
        } else if (settings_.count <= 0) {
            printed_.fetch_add(1);
        }
    }

    void error(const ev::Message& message, const std::string& what) {
        errors_.fetch_add(1);
        std::lock_guard<std::mutex> lock(stderr_mutex_);
        std::cerr << "event_listener: skipped " << (message.routing_key.empty() ? "a message" : message.routing_key)
                  << " from " << message.origin << ": " << what << std::endl;
    }

    Settings settings_;
    cbapi::examples::SignalWaiter& waiter_;
    std::atomic<long long> printed_{0};
    std::atomic<long long> errors_{0};
    std::atomic<bool> broken_pipe_{false};
    std::mutex stderr_mutex_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Print Cb Response events of chosen routing keys from the event bus or Event Forwarder output, as "
                 "JSON lines"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    Settings settings;
    bool bus = false;
    std::string file, http, s3;
    bool from_start = false;
    std::string state_file, tls_cert, tls_key, region, endpoint, checkpoint, aws_profile;
    double interval = 60;
    bool once = false;
    app.add_option("-k,--key", settings.keys,
                   "Routing-key pattern to print (repeatable; AMQP wildcards: * one word, # any; default #)");
    app.add_option("--count", settings.count, "Exit after printing this many messages (default 0: never)")
        ->check(CLI::NonNegativeNumber);
    auto* sources = app.add_option_group("source", "Where the events come from (exactly one)");
    sources->add_flag("--bus", bus, "The Cb Response event bus (the profile's rabbitmq_user/pass/host/port)");
    sources->add_option("--file", file, "An Event Forwarder JSON-lines file, followed like tail -F");
    sources->add_option("--http", http,
                        "Receive the Event Forwarder's HTTP POSTs on this URL, e.g. http://0.0.0.0:8080/events "
                        "(https needs --tls-cert and --tls-key; port 0 picks a free one)");
    sources->add_option("--s3", s3, "An Event Forwarder S3 bucket, optionally with its object prefix: bucket/prefix");
    sources->require_option(1);
    app.add_flag("--from-start", from_start, "--file: print the records already in the file too");
    app.add_option("--state-file", state_file, "--file: remember the position here and resume from it");
    app.add_option("--tls-cert", tls_cert, "--http: PEM certificate chain (HTTPS)");
    app.add_option("--tls-key", tls_key, "--http: PEM private key (HTTPS)");
    app.add_option("--region", region, "--s3: AWS region (default $AWS_REGION, else us-east-1)");
    app.add_option("--endpoint-url", endpoint,
                   "--s3: base URL of an S3-compatible server (path-style addressing), e.g. http://127.0.0.1:9000");
    app.add_option("--aws-profile", aws_profile,
                   "--s3: profile of the AWS shared credentials file (~/.aws/credentials)");
    app.add_option("--checkpoint", checkpoint, "--s3: file remembering the objects already printed");
    app.add_option("--interval", interval, "--s3: seconds between bucket listings (default 60)")
        ->check(CLI::PositiveNumber);
    app.add_flag("--once", once, "--s3: one pass over the bucket, then exit");
    CLI11_PARSE(app, argc, argv);
    if (settings.keys.empty()) settings.keys.push_back("#");

    return cbapi::examples::run([&] {
        // First: every thread the SDK starts from here on inherits the blocked signals, so Ctrl-C reaches
        // the main thread's wait.
        cbapi::examples::SignalWaiter waiter;
        if (common.verbose) cbapi::set_log_level(spdlog::level::debug);
        std::shared_ptr<ev::Source> source;
        std::shared_ptr<ev::EventBus> event_bus;
        std::string announce;
        if (bus) {
            settings.source = "bus";
            cbapi::CredentialOptions options;
            if (!common.profile.empty()) options.profile = common.profile;
            event_bus = std::make_shared<ev::EventBus>(cbapi::load_credentials(cbapi::Product::response, options));
            source = event_bus;
            announce = "connecting to " + event_bus->name();
        } else if (!file.empty()) {
            settings.source = "file";
            ev::ForwarderFileOptions options;
            options.path = file;
            options.start = from_start ? ev::StartAt::beginning : ev::StartAt::end;
            options.state_file = state_file;
            source = std::make_shared<ev::ForwarderFile>(options);
            announce = "following " + file;
        } else if (!http.empty()) {
            settings.source = "http";
            ev::ForwarderHttpOptions options = http_options(http);
            options.tls_certificate_file = tls_cert;
            options.tls_private_key_file = tls_key;
            auto receiver = std::make_shared<ev::ForwarderHttp>(options);
            const bool ipv6 = options.bind_address.find(':') != std::string::npos;
            announce = std::string("listening on ") + (tls_cert.empty() ? "http" : "https") + "://" +
                       (ipv6 ? "[" + options.bind_address + "]" : options.bind_address) + ":" +
                       std::to_string(receiver->port()) + options.path;
            source = receiver;
        } else {
            settings.source = "s3";
            // Credentials as s3-watchlist-ban takes them: --aws-profile, else the Cb profile's aws_* keys (when there
            // is a profile), else AWS_ACCESS_KEY_ID / ..., else the shared file's $AWS_PROFILE or default profile.
            ev::ForwarderS3Options options;
            try {
                cbapi::CredentialOptions profile_options;
                if (!common.profile.empty()) profile_options.profile = common.profile;
                options = ev::forwarder_s3_options(cbapi::load_credentials(cbapi::Product::response, profile_options));
            } catch (const cbapi::CredentialError&) {
                if (!common.profile.empty()) throw;  // asked for and unusable; otherwise there is simply none
            }
            cbapi::examples::apply_aws_shared_credentials(options, aws_profile);
            const auto slash = s3.find('/');
            options.bucket = s3.substr(0, slash);
            options.prefix = slash == std::string::npos ? std::string() : s3.substr(slash + 1);
            if (!region.empty()) options.region = region;
            if (!endpoint.empty()) options.endpoint = endpoint;
            options.state_path = checkpoint;
            options.one_shot = once;
            options.poll_interval = std::chrono::milliseconds(static_cast<long long>(interval * 1000));
            auto reader = std::make_shared<ev::ForwarderS3>(options);
            announce = "reading " + reader->name();
            source = reader;
        }

        Printer printer(settings, waiter);
        ev::Registry registry;
        for (std::size_t i = 0; i < settings.keys.size(); ++i)
            registry.on(settings.keys[i], [&printer, i](const ev::Message& m) { printer.on_message(i, m); });
        ev::Consumer consumer(registry);
        consumer.add(source);
        consumer.start();
        {
            cbapi::examples::ConsumerWatch watch(consumer, waiter);
            if (!announce.empty()) std::cerr << "event_listener: " << announce << std::endl;
            bool announced = !event_bus;
            while (true) {
                // The bus says it is ready once its queue is bound (events published before that are not for us).
                const int signal =
                    waiter.wait(announced ? std::chrono::milliseconds(0) : std::chrono::milliseconds(100));
                if (!announced && event_bus->stats().connections > 0) {
                    std::cerr << "event_listener: listening on " << event_bus->name() << " queue "
                              << event_bus->queue_name() << std::endl;
                    announced = true;
                }
                if (signal == SIGINT || signal == SIGTERM || signal == SIGHUP) break;
                // --count reached, stdout closed, or every source returned (failed, or the one S3 pass is over).
                if (printer.finished() || watch.finished()) break;
            }
            consumer.stop();
        }
        if (printer.broken_pipe()) return 0;
        const ev::ConsumerStats stats = consumer.stats();
        const ev::RegistryStats registry_stats = registry.stats();
        std::cerr << "event_listener: " << printer.printed() << " printed, " << registry_stats.delivered
                  << " received, " << printer.errors() << " unreadable, " << stats.problems
                  << " skipped by the source" << std::endl;
        for (const ev::SourceFailure& failure : consumer.failures())
            std::cerr << "event_listener: " << failure.source << " failed: " << failure.what << std::endl;
        for (const ev::CallbackError& e : registry.errors())
            std::cerr << "event_listener: error on " << e.routing_key << ": " << e.what << std::endl;
        return consumer.failures().empty() ? 0 : 1;
    });
}
