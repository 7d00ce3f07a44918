#pragma once
/// @file
/// The Live Response session manager: requesting sessions, sharing them between handles, the optional keepalive
/// cache, and the job pool.

#include <chrono>
#include <condition_variable>
#include <exception>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/jobs.hpp"
#include "cbapi/live_response/session.hpp"
#include "cbapi/live_response/types.hpp"
#include "cbapi/live_response/wire.hpp"
#include "cbapi/logging.hpp"

namespace cbapi::live_response {

class InterruptGuard;

namespace detail {

/// The manager's shared state: open sessions by sensor, the keepalive thread and the job pool.
class ManagerCore : public std::enable_shared_from_this<ManagerCore> {
public:
    explicit ManagerCore(std::shared_ptr<const Wire> wire) : wire_(std::move(wire)) {}

    ~ManagerCore() { shutdown(); }

    /// Stops the job pool (queued jobs fail, running ones finish), stops the keepalive thread and closes the cached
    /// idle sessions. Sessions still in use close when their last handle goes away. Idempotent.
    void shutdown() {
        std::unique_ptr<JobPool> jobs;
        std::shared_ptr<Keepalive> keepalive;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            jobs = std::move(jobs_);
            keepalive = std::move(keepalive_);
            shut_down_ = true;
        }
        if (jobs) jobs->stop();
        if (keepalive) {
            {
                std::lock_guard<std::mutex> lock(keepalive->mutex);
                keepalive->stopping = true;
            }
            keepalive->cv.notify_all();
            if (keepalive->thread.get_id() == std::this_thread::get_id())
                keepalive->thread.detach();
            else if (keepalive->thread.joinable())
                keepalive->thread.join();
        }
        std::vector<std::shared_ptr<SessionCore>> idle;
        std::optional<BusyScope> closing;  // close_all() waits for these closes
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (auto it = sessions_.begin(); it != sessions_.end();) {
                if (it->second.leases == 0) {
                    idle.push_back(it->second.core);
                    it = sessions_.erase(it);
                } else {
                    ++it;
                }
            }
            if (!idle.empty()) closing.emplace(*wire_->interruption);
        }
        for (auto& c : idle) close_core(*c);
    }
    ManagerCore(const ManagerCore&) = delete;
    ManagerCore& operator=(const ManagerCore&) = delete;

    /// Closes every session of the manager, in use or cached, and shuts it down; safe from any thread, also while
    /// other threads use the sessions. When it returns, every session the server opened for this manager is closed
    /// (the program may end at once: InterruptGuard). In order:
    /// 1. take the manager's sessions and refuse new ones (`closed_all_`);
    /// 2. end every wait (the Interruption switch): their threads unwind and release their handles;
    /// 3. close the sessions taken, each exactly once (close_session(): whoever comes first closes it, close_all
    ///    waits for a close already under way);
    /// 4. wait for the threads close_all() cannot see (BusyScope): one establishing a session closes it itself
    ///    (establish() closes on any error; request() closes one that became active after step 1), one that took
    ///    a session out of the manager just before step 1 is closing it;
    /// 5. stop the job pool and the keepalive thread (their waits have ended).
    /// Idempotent. @return the number of open sessions the manager held (all now closed)
    std::size_t close_all() {
        std::vector<std::shared_ptr<SessionCore>> open;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            closed_all_ = true;
            for (auto& [sensor, e] : sessions_)
                if (usable(*e.core)) open.push_back(e.core);
            sessions_.clear();
        }
        wire_->interruption->trigger();
        for (auto& c : open) close_core(*c, true);
        if (!wire_->interruption->wait_until_idle(std::chrono::seconds(30)))
            logger()->warn("close_all: a Live Response session request or close did not end within 30 s");
        if (!open.empty()) logger()->info("Closed {} Live Response session(s) (close_all)", open.size());
        shutdown();
        return open.size();
    }

    const Wire& wire() const { return *wire_; }

    Session request(long long sensor_id, OsType os_hint) {
        {
            // One thread at a time establishes the session of a sensor; the others wait for it and share it. (Two
            // establishing at once could both find the same pending session on the server, and the first to finish
            // with it would close it under the other.)
            std::unique_lock<std::mutex> lock(mutex_);
            for (;;) {
                if (closed_all_) throw closed_error(sensor_id);
                if (auto it = sessions_.find(sensor_id); it != sessions_.end() && usable(*it->second.core)) {
                    ++it->second.leases;
                    return make_session(it->second.core);
                }
                if (establishing_.insert(sensor_id).second) break;
                established_.wait_for(lock, std::chrono::milliseconds(50));  // also notices close_all()
            }
        }
        struct EstablishingMark {
            ManagerCore& self;
            long long sensor;
            ~EstablishingMark() {
                {
                    std::lock_guard<std::mutex> lock(self.mutex_);
                    self.establishing_.erase(sensor);
                }
                self.established_.notify_all();
            }
        } mark{*this, sensor_id};
        // From here until the session is in sessions_ (or closed), close_all() waits for this thread.
        BusyScope establishing(*wire_->interruption,
                               "Live Response session request for sensor " + std::to_string(sensor_id));
        auto core = std::make_shared<SessionCore>();
        core->wire = wire_;
        core->sensor_id = sensor_id;
        auto [id, data] = establish(*wire_, sensor_id);
        core->session_id = std::move(id);
        core->session_data = std::move(data);
        core->os = os_hint != OsType::unknown ? os_hint : lookup_os(sensor_id, core->session_data);

        std::unique_lock<std::mutex> lock(mutex_);
        if (closed_all_) {  // close_all() ran while this session became active: it is ours to close
            lock.unlock();
            close_core(*core);
            throw closed_error(sensor_id);
        }
        auto it = sessions_.find(sensor_id);
        if (it != sessions_.end() && usable(*it->second.core)) {
            // Another thread opened one meanwhile: use it; ours is closed unless the server handed out the same one.
            if (it->second.core->id() != core->session_id) close_core(*core);
            ++it->second.leases;
            return make_session(it->second.core);
        }
        if (it != sessions_.end()) sessions_.erase(it);
        sessions_.emplace(sensor_id, Entry{core, 1});
        if (wire_->options.keepalive_sessions) start_keepalive();
        return make_session(core);
    }

    void send_keepalives() {
        std::vector<std::shared_ptr<SessionCore>> idle, busy;
        std::optional<BusyScope> closing;  // close_all() waits for these closes
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (auto it = sessions_.begin(); it != sessions_.end();) {
                if (it->second.leases == 0 || !usable(*it->second.core)) {
                    idle.push_back(it->second.core);
                    it = sessions_.erase(it);
                } else {
                    busy.push_back(it->second.core);
                    ++it;
                }
            }
            if (!idle.empty()) closing.emplace(*wire_->interruption);
        }
        for (auto& c : idle) close_core(*c);
        closing.reset();
        for (auto& c : busy) {
            try {
                logger()->debug("Sending keepalive message for session id {}", id_text(c->id()));
                wire_->connection.get_json(c->path() + "/keepalive", {}, nlohmann::json::object());
            } catch (const std::exception& e) {
                logger()->debug("Keepalive on session {} (sensor {}) failed, removing it from the cache: {}",
                                id_text(c->id()), c->sensor_id, e.what());
                std::optional<BusyScope> closing_this;
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    if (auto it = sessions_.find(c->sensor_id); it != sessions_.end() && it->second.core == c) {
                        sessions_.erase(it);
                        closing_this.emplace(*wire_->interruption);
                    }
                }
                close_core(*c);
            }
        }
    }

    std::vector<nlohmann::json> open_session_ids() const {
        std::vector<nlohmann::json> out;
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& [id, e] : sessions_)
            if (usable(*e.core)) out.push_back(e.core->id());
        return out;
    }

    JobPool& jobs() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (shut_down_) throw ApiError("The Live Response session manager is shut down");
        if (!jobs_) {
            std::weak_ptr<ManagerCore> weak = weak_from_this();
            jobs_ = std::make_unique<JobPool>(
                [weak](long long sensor) {
                    auto self = weak.lock();
                    if (!self) throw ApiError("The Live Response session manager is gone");
                    return self->request(sensor, OsType::unknown);
                },
                wire_->options.max_workers);
        }
        return *jobs_;
    }

private:
    struct Entry {
        std::shared_ptr<SessionCore> core;
        std::size_t leases = 0;
    };
    struct Keepalive {
        std::mutex mutex;
        std::condition_variable cv;
        bool stopping = false;
        std::thread thread;
    };

    static bool usable(const SessionCore& c) {
        std::lock_guard<std::mutex> lock(c.mutex);
        return !c.closed;
    }

    /// Closes a session on the server unless it is closed already (see close_session()).
    static bool close_core(SessionCore& c, bool wait = false) { return close_session(c, wait); }

    static LiveResponseClosedError closed_error(long long sensor_id) {
        return LiveResponseClosedError("Live Response sessions were closed (close_all): no new session with sensor " +
                                       std::to_string(sensor_id));
    }

    OsType lookup_os(long long sensor_id, const nlohmann::json& session_data) const {
        if (wire_->product != Product::defense) return os_from_session_data(session_data);
        // Cb Defense: the device's type, as cbapi-python reads it.
        try {
            return parse_device_os(wire_->connection.get_json(
                "/integrationServices/v3/device/" + std::to_string(sensor_id), {}, nlohmann::json::object()));
        } catch (const ApiError& e) {
            logger()->debug("Could not read the type of device {}: {}", sensor_id, e.what());
        }
        return OsType::unknown;
    }

    Session make_session(const std::shared_ptr<SessionCore>& core) {
        std::weak_ptr<ManagerCore> weak = weak_from_this();
        auto release = [weak](const std::shared_ptr<SessionCore>& c) {
            if (auto self = weak.lock())
                self->release(c);
            else
                close_core(*c);
        };
        auto reestablish = [](SessionCore& c) {
            BusyScope establishing(*c.wire->interruption,
                                   "re-establishing a Live Response session with sensor " + std::to_string(c.sensor_id));
            auto [id, data] = establish(*c.wire, c.sensor_id);
            {
                std::lock_guard<std::mutex> lock(c.mutex);
                if (!c.closed) {
                    c.session_id = std::move(id);
                    c.session_data = std::move(data);
                    return;
                }
            }
            // Closed meanwhile (close(), or close_all() from another thread): the new session must not outlive it.
            close_on_server(*c.wire, id);
            c.wire->check_open("re-establishing a Live Response session with sensor " + std::to_string(c.sensor_id));
            throw ApiError("Live Response session with sensor " + std::to_string(c.sensor_id) + " is closed");
        };
        return Session(std::make_shared<Lease>(core, std::move(release), std::move(reestablish)));
    }

    void release(const std::shared_ptr<SessionCore>& core) {
        bool close = false;
        std::optional<BusyScope> closing;  // close_all() waits for this close
        {
            std::lock_guard<std::mutex> lock(mutex_);
            auto it = sessions_.find(core->sensor_id);
            if (it == sessions_.end() || it->second.core != core) {
                close = true;  // evicted meanwhile (or taken by close_all(), which closes it)
            } else if (--it->second.leases == 0 &&
                       (!wire_->options.keepalive_sessions || shut_down_ || !usable(*core))) {
                sessions_.erase(it);
                close = true;
                closing.emplace(*wire_->interruption);
            }
        }
        if (close) close_core(*core);
    }

    void start_keepalive() {  // called with mutex_ held
        if (keepalive_ || shut_down_ || wire_->options.keepalive_interval.count() <= 0) return;
        keepalive_ = std::make_shared<Keepalive>();
        logger()->debug("Starting Live Response scheduler cleanup task");
        std::weak_ptr<ManagerCore> weak = weak_from_this();
        const auto interval = wire_->options.keepalive_interval;
        keepalive_->thread = std::thread([k = keepalive_, weak, interval] {
            std::unique_lock<std::mutex> lock(k->mutex);
            while (!k->cv.wait_for(lock, interval, [&] { return k->stopping; })) {
                lock.unlock();
                if (auto self = weak.lock()) self->send_keepalives();
                lock.lock();
            }
        });
    }

    std::shared_ptr<const Wire> wire_;
    mutable std::mutex mutex_;
    std::map<long long, Entry> sessions_;
    std::set<long long> establishing_;          // sensors whose session a thread is establishing now
    std::condition_variable established_;       // notified when one of them is done
    std::shared_ptr<Keepalive> keepalive_;
    std::unique_ptr<JobPool> jobs_;
    bool shut_down_ = false;
    bool closed_all_ = false;  // close_all() was called: no new session
};

/// Shuts the manager down when the last user-held SessionManager copy goes away, even while internal threads still
/// reference the core.
struct ManagerOwner {
    std::shared_ptr<ManagerCore> core;
    explicit ManagerOwner(std::shared_ptr<ManagerCore> c) : core(std::move(c)) {}
    ~ManagerOwner() { core->shutdown(); }
    ManagerOwner(const ManagerOwner&) = delete;
    ManagerOwner& operator=(const ManagerOwner&) = delete;
};

}  // namespace detail

/// Requests Live Response sessions for one API object (Cb Response sensors or Cb Defense devices) and runs jobs
/// against them on a worker pool.
///
/// Within one manager, requests for the same sensor share one server session (counted: it is closed when the last
/// handle goes away, or kept for reuse with `keepalive_sessions`). A session request that fails or times out closes
/// the session it asked for, so nothing is left pending on the server (which allows only about 10 sessions).
///
/// Cheap to copy (copies share the state) and thread-safe. Destroying the last copy stops the job pool (queued jobs
/// fail), stops the keepalive thread and closes the cached sessions.
///
/// @code
/// auto lr = cb.live_response();
/// auto session = lr.request_session(3);
/// auto future = lr.submit_job(4, [](Session& s) { return s.get_file("C:\\Windows\\win.ini"); });
/// @endcode
class SessionManager {
public:
    /// A manager for an API object (cbapi-python's `api.live_response`).
    /// @param api the API's shared state @param options timeouts, keepalive, workers, sleeper and clock
    /// @throws ApiError "Cb server does not support Live Response" when a Cb Response server's `/api/info` lacks
    ///         `cblrEnabled: true`; ApiError for Cb Protection
    explicit SessionManager(const cbapi::detail::ApiHandle& api, LiveResponseOptions options = {}) {
        if (!api) throw ApiError("SessionManager needs an API object");
        if (api->product == Product::protection) throw ApiError("Cb Protection has no Live Response");
        if (api->product == Product::response) {
            const auto& info = api->server_info;
            const auto it = info.is_object() ? info.find("cblrEnabled") : info.end();
            if (!info.is_object() || it == info.end() || !it->is_boolean() || !it->get<bool>())
                throw ApiError("Cb server does not support Live Response (cblrEnabled is not set in /api/info of " +
                               api->connection.url() + ")");
        }
        core_ = std::make_shared<detail::ManagerCore>(
            std::make_shared<const detail::Wire>(api->connection, api->product, std::move(options)));
        owner_ = std::make_shared<detail::ManagerOwner>(core_);
    }

    /// The product the sessions are for.
    Product product() const { return core_->wire().product; }
    /// The options in force (sleeper and clock resolved).
    const LiveResponseOptions& options() const { return core_->wire().options; }

    /// A session with a sensor (Cb Response) or device (Cb Defense), active when returned.
    /// @param sensor_id the sensor id or Cb Defense `deviceId`
    /// @param os the endpoint's OS when the caller knows it (Cb Response: otherwise inferred from the session's
    ///        drives; Cb Defense: otherwise read from the device)
    /// @return a handle; the session is closed when its last copy goes away
    /// @throws TimeoutError "Could not establish session with sensor N" (deadline, or the server lost it),
    ///         LiveResponseError (the session failed), ApiError, the request's exceptions
    Session request_session(long long sensor_id, OsType os = OsType::unknown) { return core_->request(sensor_id, os); }

    /// Runs `job(session)` on the worker pool with a session for `sensor_id`, and returns its result as a future.
    /// Jobs for one sensor run one after another on one session, reused while jobs for it are queued; jobs for
    /// different sensors run in parallel (up to `max_workers`). A session that cannot be opened fails the sensor's
    /// queued jobs with that error. Works for Cb Response and Cb Defense.
    /// @param sensor_id sensor or device id @param job callable taking `Session&` (copied into the pool)
    /// @return the job's result, or its exception
    /// @throws ApiError when the pool is stopped
    template <typename F>
    auto submit_job(long long sensor_id, F job) -> std::future<std::invoke_result_t<F&, Session&>> {
        using R = std::invoke_result_t<F&, Session&>;
        auto promise = std::make_shared<std::promise<R>>();
        auto fn = std::make_shared<F>(std::move(job));
        std::future<R> future = promise->get_future();
        detail::Job item;
        item.run = [promise, fn](Session& session) {
            try {
                if constexpr (std::is_void_v<R>) {
                    (*fn)(session);
                    promise->set_value();
                } else {
                    promise->set_value((*fn)(session));
                }
            } catch (...) {
                promise->set_exception(std::current_exception());
            }
        };
        item.fail = [promise](std::exception_ptr error) { promise->set_exception(std::move(error)); };
        core_->jobs().submit(sensor_id, std::move(item));
        return future;
    }

    /// One keepalive round (what the keepalive thread does every `keepalive_interval`): closes cached sessions no
    /// handle uses, sends a keepalive for the others and drops those that fail.
    void send_keepalives() { core_->send_keepalives(); }

    /// The ids of the sessions this manager holds open (in use, or cached with keepalive).
    std::vector<nlohmann::json> open_sessions() const { return core_->open_session_ids(); }

    /// Closes every session this manager holds open, in use or cached, and shuts the manager down: what a program does
    /// when it is interrupted (see InterruptGuard, which calls this on SIGINT/SIGTERM).
    ///
    /// Safe to call from any thread while other threads use the sessions. A wait in progress for a session to become
    /// active or for a command to complete ends at once (a sleep between polls is cut short; a poll in flight is
    /// aborted within about 50 ms) with a LiveResponseClosedError; a session being requested is closed before that
    /// error reaches the requester; later commands and requests throw LiveResponseClosedError. Each session is closed
    /// on the server as Session::close() does. Then the job pool stops (queued jobs fail) and the keepalive thread
    /// ends. An upload or download already in progress is not aborted (its session is closed on the server).
    /// Idempotent. Not async-signal-safe: call it from a thread, not from a signal handler.
    /// When it returns, every session the server opened for this manager is closed, also one that another thread was
    /// requesting or releasing at that moment (it waits up to 30 s for those threads), so a program may end at once.
    /// @return the number of open sessions the manager held (0 on later calls)
    std::size_t close_all() { return core_->close_all(); }

private:
    friend class InterruptGuard;

    std::shared_ptr<detail::ManagerCore> core_;
    std::shared_ptr<detail::ManagerOwner> owner_;
};

}  // namespace cbapi::live_response
