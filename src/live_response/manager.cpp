// The Live Response session manager: one server session per sensor shared by counted handles, the keepalive thread
// and the job pool.
#include "cbapi/live_response/manager.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/parse.hpp"
#include "cbapi/live_response/session.hpp"
#include "cbapi/live_response/types.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/time.hpp"
#include "live_response/jobs.hpp"
#include "live_response/manager.hpp"
#include "live_response/wire.hpp"

namespace cbapi::live_response {

namespace detail {

ManagerCore::~ManagerCore() {
    shutdown();
}

void ManagerCore::shutdown() {
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

std::size_t ManagerCore::close_all() {
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

const Wire& ManagerCore::wire() const {
    return *wire_;
}

Session ManagerCore::request(long long sensor_id, OsType os_hint) {
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

void ManagerCore::send_keepalives() {
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

std::vector<nlohmann::json> ManagerCore::open_session_ids() const {
    std::vector<nlohmann::json> out;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, e] : sessions_)
        if (usable(*e.core)) out.push_back(e.core->id());
    return out;
}

namespace {

// A count the server sends as a number or as integer text ("1024"); nullopt for anything else.
std::optional<long long> count_value(const nlohmann::json& doc, const char* field) {
    const auto it = doc.find(field);
    if (it == doc.end()) return std::nullopt;
    if (it->is_number_integer()) return it->get<long long>();
    if (it->is_string()) {
        const std::string text = it->get<std::string>();
        if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        return std::stoll(text);
    }
    return std::nullopt;
}

}  // namespace

// cbapi-python 1.7.0 ("Live Response: Account for sensor queue depth when submitting jobs",
// src/cbapi/live_response_api.py, LiveResponseJobScheduler._spawn_new_workers): among the Online sensors with
// waiting jobs, workers go first to those with the smallest backlog, num_storefiles_bytes + num_eventlog_bytes, then
// the earliest next_checkin_time. A busy sensor answers a session slowly. cbapi-python reads every sensor of the
// server (select(Sensor)) for this; here only the waiting ones are read (`GET /api/v1/sensor/<id>`, cached briefly),
// and sensors that are not Online, or cannot be read, come last instead of never getting a worker.
std::vector<long long> rank_by_backlog(const Connection& connection, const std::vector<long long>& sensors) {
    struct Rank {
        long long sensor;
        bool known;
        bool online;
        long long backlog;
        std::optional<TimePoint> next_checkin;
    };
    std::vector<Rank> ranks;
    for (long long id : sensors) {
        Rank r{id, false, false, 0, std::nullopt};
        try {
            const nlohmann::json doc = connection.get_json_cached("/api/v1/sensor/" + std::to_string(id));
            if (doc.is_object()) {
                r.known = true;
                r.online = doc.value("status", nlohmann::json()) == "Online";
                const auto events = count_value(doc, "num_eventlog_bytes");
                const auto files = count_value(doc, "num_storefiles_bytes");
                r.backlog = events.value_or(0) + files.value_or(0);
                if (!events && !files) r.backlog = std::numeric_limits<long long>::max();
                if (const auto t = doc.find("next_checkin_time"); t != doc.end() && t->is_string())
                    r.next_checkin = try_parse_cb_time(t->get<std::string>());
            }
        } catch (const ApiError& e) {
            logger()->debug("Could not read sensor {} to schedule its Live Response jobs: {}", id, e.what());
        }
        ranks.push_back(r);
    }
    std::stable_sort(ranks.begin(), ranks.end(), [](const Rank& a, const Rank& b) {
        if (a.known != b.known) return a.known;
        if (a.online != b.online) return a.online;
        if (a.backlog != b.backlog) return a.backlog < b.backlog;
        if (a.next_checkin.has_value() != b.next_checkin.has_value()) return a.next_checkin.has_value();
        return a.next_checkin && b.next_checkin && *a.next_checkin < *b.next_checkin;
    });
    std::vector<long long> out;
    for (const auto& r : ranks) out.push_back(r.sensor);
    return out;
}

JobPool& ManagerCore::jobs() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shut_down_) throw ApiError("The Live Response session manager is shut down");
    if (!jobs_) {
        std::weak_ptr<ManagerCore> weak = weak_from_this();
        JobPool::Ranker ranker;
        if (wire_->product == Product::response) {
            const std::shared_ptr<const Wire> wire = wire_;
            ranker = [wire](const std::vector<long long>& sensors) {
                return rank_by_backlog(wire->connection, sensors);
            };
        }
        jobs_ = std::make_unique<JobPool>(
            [weak](long long sensor) {
                auto self = weak.lock();
                if (!self) throw ApiError("The Live Response session manager is gone");
                return self->request(sensor, OsType::unknown);
            },
            wire_->options.max_workers, std::move(ranker));
    }
    return *jobs_;
}

bool ManagerCore::usable(const SessionCore& c) {
    std::lock_guard<std::mutex> lock(c.mutex);
    return !c.closed;
}

bool ManagerCore::close_core(SessionCore& c, bool wait) {
    return close_session(c, wait);
}

LiveResponseClosedError ManagerCore::closed_error(long long sensor_id) {
    return LiveResponseClosedError("Live Response sessions were closed (close_all): no new session with sensor " +
                                   std::to_string(sensor_id));
}

OsType ManagerCore::lookup_os(long long sensor_id, const nlohmann::json& session_data) const {
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

Session ManagerCore::make_session(const std::shared_ptr<SessionCore>& core) {
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

void ManagerCore::release(const std::shared_ptr<SessionCore>& core) {
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

void ManagerCore::start_keepalive() {  // called with mutex_ held
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

}  // namespace detail

SessionManager::SessionManager(const cbapi::detail::ApiHandle& api, LiveResponseOptions options) {
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

Product SessionManager::product() const {
    return core_->wire().product;
}

const LiveResponseOptions& SessionManager::options() const {
    return core_->wire().options;
}

Session SessionManager::request_session(long long sensor_id, OsType os) {
    return core_->request(sensor_id, os);
}

void SessionManager::send_keepalives() {
    core_->send_keepalives();
}

std::vector<nlohmann::json> SessionManager::open_sessions() const {
    return core_->open_session_ids();
}

std::size_t SessionManager::close_all() {
    return core_->close_all();
}

void SessionManager::submit_job_item(long long sensor_id, detail::Job job) {
    core_->jobs().submit(sensor_id, std::move(job));
}

}  // namespace cbapi::live_response
