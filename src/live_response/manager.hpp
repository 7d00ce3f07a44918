#pragma once
// Private to libcbapi: the state a SessionManager shares with its copies, its sessions' handles, the job pool and the
// keepalive thread. Defined in src/live_response/manager.cpp.

#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/live_response/manager.hpp"
#include "cbapi/live_response/session.hpp"
#include "cbapi/live_response/types.hpp"
#include "live_response/jobs.hpp"
#include "live_response/wire.hpp"

namespace cbapi::live_response::detail {

/// The job pool's ranker for Cb Response (cbapi-python 1.7.0): `sensors` ordered Online first, then by the smallest
/// event backlog (num_storefiles_bytes + num_eventlog_bytes), then the earliest next_checkin_time; sensors that
/// cannot be read come last. One cached `GET /api/v1/sensor/<id>` per sensor.
std::vector<long long> rank_by_backlog(const Connection& connection, const std::vector<long long>& sensors);

/// The manager's shared state: open sessions by sensor, the keepalive thread and the job pool.
class ManagerCore : public std::enable_shared_from_this<ManagerCore> {
public:
    explicit ManagerCore(std::shared_ptr<const Wire> wire) : wire_(std::move(wire)) {}

    ~ManagerCore();

    /// Stops the job pool (queued jobs fail, running ones finish), stops the keepalive thread and closes the cached
    /// idle sessions. Sessions still in use close when their last handle goes away. Idempotent.
    void shutdown();
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
    std::size_t close_all();

    const Wire& wire() const;

    Session request(long long sensor_id, OsType os_hint);

    void send_keepalives();

    std::vector<nlohmann::json> open_session_ids() const;

    JobPool& jobs();

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

    static bool usable(const SessionCore& c);

    /// Closes a session on the server unless it is closed already (see close_session()).
    static bool close_core(SessionCore& c, bool wait = false);

    static LiveResponseClosedError closed_error(long long sensor_id);

    OsType lookup_os(long long sensor_id, const nlohmann::json& session_data) const;

    Session make_session(const std::shared_ptr<SessionCore>& core);

    void release(const std::shared_ptr<SessionCore>& core);

    void start_keepalive();  // called with mutex_ held

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

}  // namespace cbapi::live_response::detail
