#pragma once
// What the event examples (event_listener, get_reg_autoruns, s3-watchlist-ban) share: waiting for Ctrl-C while the
// consumer's threads run, a raw sensor event as JSON, ISO times, and the key pair of an AWS shared-credentials profile.

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/events/consumer.hpp"
#include "cbapi/events/forwarder_s3.hpp"
#include "cbapi/events/sensor_event.hpp"

namespace cbapi::examples {

/// Blocks SIGINT, SIGTERM, SIGHUP and SIGUSR1 in the calling thread (so in every thread it starts afterwards: make it
/// before the consumer) and ignores SIGPIPE (a closed stdout then shows as a write error, not a silent death). The
/// main thread then waits in wait(); any thread ends the wait with wake().
class SignalWaiter {
public:
    SignalWaiter() : main_(::pthread_self()) {
        sigemptyset(&set_);
        for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) sigaddset(&set_, signal);
        ::pthread_sigmask(SIG_BLOCK, &set_, nullptr);
        ::signal(SIGPIPE, SIG_IGN);
    }

    /// Waits for a signal or wake(), at most `timeout` (zero: without limit).
    /// @return the signal (SIGUSR1 for wake()), or 0 when the time ran out
    int wait(std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
        if (timeout.count() <= 0) {
            int signal = 0;
            return ::sigwait(&set_, &signal) == 0 ? signal : 0;
        }
        timespec limit{};
        limit.tv_sec = static_cast<time_t>(timeout.count() / 1000);
        limit.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1'000'000);
        const int signal = ::sigtimedwait(&set_, nullptr, &limit);
        return signal > 0 ? signal : 0;
    }

    /// Ends the main thread's wait(); callable from any thread.
    void wake() { ::pthread_kill(main_, SIGUSR1); }

private:
    pthread_t main_;
    sigset_t set_{};
};

/// Runs consumer.wait() on a thread of its own and wakes the main thread when the consumer stopped by itself (every
/// source returned, e.g. one that failed at start). The destructor stops the consumer (drain; a no-op when already
/// stopped) and joins, so that leaving the scope early, by an exception, cannot hang.
class ConsumerWatch {
public:
    ConsumerWatch(events::Consumer& consumer, SignalWaiter& waiter)
        : consumer_(consumer), thread_([this, &consumer, &waiter] {
              consumer.wait();
              finished_ = true;
              waiter.wake();
          }) {}
    ~ConsumerWatch() {
        consumer_.stop();
        if (thread_.joinable()) thread_.join();
    }
    ConsumerWatch(const ConsumerWatch&) = delete;
    ConsumerWatch& operator=(const ConsumerWatch&) = delete;

    /// Whether the consumer has stopped.
    bool finished() const { return finished_.load(); }

private:
    events::Consumer& consumer_;
    std::atomic<bool> finished_{false};
    std::thread thread_;
};

/// `2017-11-07T12:00:05.123Z` (UTC, milliseconds).
inline std::string iso_time(std::chrono::system_clock::time_point time) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
    const auto seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    std::tm tm{};
    ::gmtime_r(&seconds, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, ((ms % 1000) + 1000) % 1000);
}

/// An event time as ISO text; null for a time the event did not carry (the clock's epoch).
inline nlohmann::json event_time_json(events::EventTime time) {
    if (time.time_since_epoch().count() == 0) return nullptr;
    return iso_time(time);
}

/// One JSON line: compact, and invalid UTF-8 (paths from endpoints can hold anything) replaced, never thrown on.
template <typename Json>
std::string json_line(const Json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace detail {

inline nlohmann::json payload_json(const events::ProcessEvent& p) {
    return {{"created", p.created},
            {"path", p.path},
            {"command_line", p.command_line},
            {"md5", p.md5},
            {"parent_pid", p.parent_pid},
            {"parent_create_time", event_time_json(p.parent_create_time)},
            {"parent_guid", p.parent_guid},
            {"parent_md5", p.parent_md5},
            {"parent_path", p.parent_path},
            {"uid", p.uid},
            {"username", p.username},
            {"have_seen_before", p.have_seen_before},
            {"creation_observed", p.creation_observed},
            {"expect_followon_w_md5", p.expect_followon_w_md5}};
}
inline nlohmann::json payload_json(const events::ModuleLoad& m) {
    return {{"path", m.path},
            {"md5", m.md5},
            {"image_base", m.image_base},
            {"image_size", m.image_size},
            {"is_process_base_module", m.is_process_base_module}};
}
inline nlohmann::json payload_json(const events::FileMod& f) {
    return {{"action", events::to_string(f.action)},
            {"actiontype", static_cast<std::int32_t>(f.action)},
            {"path", f.path},
            {"file_md5", f.md5},
            {"filetype", f.file_type},
            {"filetype_name", f.file_type_name},
            {"have_seen_before", f.have_seen_before},
            {"tamper", f.tamper}};
}
inline nlohmann::json payload_json(const events::RegMod& r) {
    return {{"action", events::to_string(r.action)},
            {"actiontype", static_cast<std::int32_t>(r.action)},
            {"path", r.path},
            {"have_seen_before", r.have_seen_before},
            {"tamper", r.tamper}};
}
inline nlohmann::json payload_json(const events::NetConn& n) {
    return {{"remote_ip", n.remote_ip},   {"remote_port", n.remote_port}, {"local_ip", n.local_ip},
            {"local_port", n.local_port}, {"domain", n.domain},           {"protocol", n.protocol},
            {"direction", n.outbound ? "outbound" : "inbound"},           {"proxy", n.proxy},
            {"proxy_ip", n.proxy_ip},     {"proxy_port", n.proxy_port},   {"proxy_domain", n.proxy_domain}};
}
inline nlohmann::json payload_json(const events::NetConnBlocked& b) {
    nlohmann::json out = payload_json(b.connection);
    out["block_type"] = b.block_type;
    return out;
}
inline nlohmann::json payload_json(const events::ChildProc& c) {
    return {{"created", c.created},
            {"pid", c.pid},
            {"create_time", event_time_json(c.create_time)},
            {"child_process_guid", c.guid},
            {"md5", c.md5},
            {"path", c.path},
            {"command_line", c.command_line},
            {"username", c.username},
            {"child_proc_type", static_cast<std::int32_t>(c.type)},
            {"tamper", c.tamper},
            {"suppressed", c.suppressed}};
}
inline nlohmann::json payload_json(const events::CrossProc& c) {
    return {{"cross_process_type", events::to_string(c.type)},
            {"requested_access", c.requested_access},
            {"target_pid", c.target_pid},
            {"target_create_time", event_time_json(c.target_create_time)},
            {"target_process_guid", c.target_guid},
            {"target_path", c.target_path},
            {"target_md5", c.target_md5},
            {"is_target", c.is_target},
            {"tamper", c.tamper}};
}
inline nlohmann::json payload_json(const events::ModuleInfo& m) {
    // The icon and the raw PE header are binary: left out of a text line.
    return {{"md5", m.md5},
            {"size", m.original_length},
            {"copied_size", m.copied_length},
            {"file_description", m.file_description},
            {"company_name", m.company_name},
            {"product_name", m.product_name},
            {"file_version", m.file_version},
            {"product_version", m.product_version},
            {"original_filename", m.original_filename},
            {"internal_name", m.internal_name},
            {"digsig_result", m.digsig_result},
            {"digsig_publisher", m.digsig_publisher},
            {"digsig_sign_time", m.digsig_sign_time}};
}
inline nlohmann::json payload_json(const events::ProcessBlock& b) {
    return {{"block_type", b.block_type},
            {"block_event", b.block_event},
            {"blocked_result", b.result_name},
            {"blocked_error", b.error},
            {"md5", b.md5},
            {"path", b.path},
            {"pid", b.pid},
            {"process_create_time", event_time_json(b.create_time)},
            {"process_guid", b.process_guid},
            {"command_line", b.command_line},
            {"uid", b.uid},
            {"username", b.username}};
}
inline nlohmann::json payload_json(const events::Tamper& t) { return {{"tamper_type", t.type_name}}; }
inline nlohmann::json payload_json(const events::EmetMitigation& e) {
    return {{"log_id", e.emet_id},
            {"emet_timestamp", event_time_json(e.emet_timestamp)},
            {"mitigation", e.mitigation_name},
            {"log_message", e.text},
            {"blocked", e.blocked}};
}
inline nlohmann::json payload_json(const events::ProcessMetadata& m) {
    return {{"pid", m.pid},
            {"create_time", event_time_json(m.create_time)},
            {"process_guid", m.process_guid},
            {"md5", m.md5},
            {"path", m.path},
            {"username", m.username},
            {"command_line", m.command_line},
            {"parent_pid", m.parent_pid},
            {"parent_md5", m.parent_md5},
            {"parent_path", m.parent_path}};
}
inline nlohmann::json payload_json(const events::UnknownPayload& u) { return {{"field", u.field}}; }

}  // namespace detail

/// A raw sensor event as one JSON object: `header` (type, sensor, host, process, times as ISO text, null when not
/// sent) and the payload under the event type's name (`regmod`, `netconn`, ...), with the Event Forwarder's field
/// names where it has them.
inline nlohmann::json sensor_event_json(const events::SensorEvent& event) {
    const events::SensorEventHeader& h = event.header;
    nlohmann::json header = {{"type", h.type},
                             {"version", h.version},
                             {"sensor_id", h.sensor_id ? nlohmann::json(*h.sensor_id) : nlohmann::json()},
                             {"computer_name", h.host_name},
                             {"pid", h.pid},
                             {"process_guid", h.process_guid},
                             {"process_create_time", event_time_json(h.process_create_time)},
                             {"process_md5", h.process_md5},
                             {"process_path", h.process_path},
                             {"file_path", h.file_path},
                             {"timestamp", event_time_json(h.timestamp)}};
    if (h.host_id) header["host_id"] = *h.host_id;
    if (h.node_id) header["node_id"] = *h.node_id;
    if (h.fork_pid) header["fork_pid"] = *h.fork_pid;
    nlohmann::json out = {{"header", std::move(header)}};
    const std::string key = h.type.empty() ? "payload" : h.type;
    out[key] = std::visit([](const auto& payload) { return detail::payload_json(payload); }, event.payload);
    return out;
}

/// An AWS key pair from a shared credentials file.
struct AwsKeyPair {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;
};

/// Reads profile `name` of the AWS shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else
/// `~/.aws/credentials`): `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`.
/// @return nullopt when the file or the profile does not exist
/// @throws CredentialError when the profile lacks half of the key pair
inline std::optional<AwsKeyPair> aws_shared_credentials(const std::string& name) {
    std::filesystem::path file;
    if (const char* env = std::getenv("AWS_SHARED_CREDENTIALS_FILE"); env != nullptr && *env != '\0') {
        file = env;
    } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        file = std::filesystem::path(home) / ".aws" / "credentials";
    } else {
        return std::nullopt;
    }
    std::ifstream in(file);
    if (!in) return std::nullopt;
    auto trim = [](std::string s) {
        const auto first = s.find_first_not_of(" \t\r");
        if (first == std::string::npos) return std::string();
        return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
    };
    AwsKeyPair pair;
    bool found = false, inside = false;
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[' && line.back() == ']') {
            inside = trim(line.substr(1, line.size() - 2)) == name;
            found = found || inside;
            continue;
        }
        if (!inside) continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
        if (key == "aws_access_key_id") pair.access_key_id = value;
        if (key == "aws_secret_access_key") pair.secret_access_key = value;
        if (key == "aws_session_token") pair.session_token = value;
    }
    if (!found) return std::nullopt;
    if (pair.access_key_id.empty() || pair.secret_access_key.empty())
        throw CredentialError("AWS profile '" + name + "' in " + file.string() +
                              " needs both aws_access_key_id and aws_secret_access_key");
    return pair;
}

/// Fills the AWS keys of `options` from the shared credentials file (`$AWS_SHARED_CREDENTIALS_FILE`, else
/// `~/.aws/credentials`): the named profile when `profile` is given (it must be there); otherwise, when neither the
/// Cb profile's `aws_*` keys (already in `options`) nor `AWS_ACCESS_KEY_ID` give a key, the file's `$AWS_PROFILE` or
/// `default` profile if it has one. Without any of these ForwarderS3 uses the `AWS_*` variables.
/// @throws CredentialError when the named profile is not in the file
inline void apply_aws_shared_credentials(events::ForwarderS3Options& options, const std::string& profile) {
    std::string name = profile;
    const char* env_key = std::getenv("AWS_ACCESS_KEY_ID");
    if (name.empty() && options.access_key_id.empty() && (env_key == nullptr || *env_key == '\0')) {
        const char* env_profile = std::getenv("AWS_PROFILE");
        name = env_profile != nullptr && *env_profile != '\0' ? env_profile : "default";
    }
    if (name.empty()) return;
    const auto pair = aws_shared_credentials(name);
    if (!pair) {
        if (!profile.empty())
            throw CredentialError("AWS profile '" + profile + "' not found in the AWS shared credentials file");
        return;
    }
    options.access_key_id = pair->access_key_id;
    options.secret_access_key = pair->secret_access_key;
    options.session_token = pair->session_token;
}

}  // namespace cbapi::examples
