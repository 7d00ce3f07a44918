#pragma once
// Private to libcbapi: the Live Response job pool behind SessionManager::submit_job(): worker threads that run jobs
// against sessions, one worker per sensor at a time, reusing the session for every job queued for that sensor.
// Defined in src/live_response/jobs.cpp.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "cbapi/live_response/jobs.hpp"
#include "cbapi/live_response/session.hpp"

namespace cbapi::live_response::detail {

/// Worker threads and per-sensor queues. The state lives in a shared block that the threads co-own, so a worker
/// that ends up releasing the pool's owner can still finish safely.
class JobPool {
public:
    /// Opens a session for a sensor (the manager's request_session).
    using Opener = std::function<Session(long long)>;
    /// Orders the sensors that wait for a worker, most preferred first (Cb Response: the smallest event backlog;
    /// see rank_by_backlog in manager.cpp). Called without the pool's lock; sensors it leaves out come last, and an
    /// exception keeps the order it was given.
    using Ranker = std::function<std::vector<long long>(const std::vector<long long>&)>;

    JobPool(Opener opener, std::size_t max_workers, Ranker ranker = {});
    ~JobPool();
    JobPool(const JobPool&) = delete;
    JobPool& operator=(const JobPool&) = delete;

    /// Queues a job for a sensor; starts a worker when every running one is busy.
    /// @throws ApiError when the pool is stopped
    void submit(long long sensor_id, Job job);

    /// Fails every queued job, lets running jobs finish and joins the workers.
    void stop();

private:
    struct State {
        Opener opener;
        Ranker ranker;
        std::size_t max_workers = 10;
        std::mutex mutex;
        std::condition_variable cv;
        std::map<long long, std::deque<Job>> queues;  // pending jobs per sensor
        std::set<long long> busy;                     // sensors a worker is serving
        std::size_t idle = 0;                         // workers waiting for work
        bool stopping = false;
        std::vector<std::thread> threads;
    };

    static void fail_all(std::deque<Job>& jobs, const std::exception_ptr& error);

    // The sensors with queued jobs and no worker, in id order (called with the lock held).
    static std::vector<long long> waiting(const State& s);

    // The sensor a free worker serves next: the first waiting one in the ranker's order. Releases the lock while the
    // ranker runs; false when no sensor waits any more (or the pool is stopping).
    static bool choose(const std::shared_ptr<State>& s, std::unique_lock<std::mutex>& lock, long long& sensor);

    static void work(const std::shared_ptr<State>& s);

    // Runs every job queued for one sensor on one session, closed when the queue is empty.
    static void serve(const std::shared_ptr<State>& s, long long sensor);

    std::shared_ptr<State> state_;
};

}  // namespace cbapi::live_response::detail
