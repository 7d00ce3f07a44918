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

    JobPool(Opener opener, std::size_t max_workers);
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

    static void work(const std::shared_ptr<State>& s);

    // Runs every job queued for one sensor on one session, closed when the queue is empty.
    static void serve(const std::shared_ptr<State>& s, long long sensor);

    std::shared_ptr<State> state_;
};

}  // namespace cbapi::live_response::detail
