#pragma once
/// @file
/// The Live Response job pool behind SessionManager::submit_job(): worker threads that run jobs against sessions,
/// one worker per sensor at a time, reusing the session for every job queued for that sensor.

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "cbapi/errors.hpp"
#include "cbapi/live_response/session.hpp"

namespace cbapi::live_response::detail {

/// One queued job: `run` executes it with a session; `fail` resolves it with an error it never got to run for.
struct Job {
    std::function<void(Session&)> run;
    std::function<void(std::exception_ptr)> fail;
};

/// Worker threads and per-sensor queues. The state lives in a shared block that the threads co-own, so a worker
/// that ends up releasing the pool's owner can still finish safely.
class JobPool {
public:
    /// Opens a session for a sensor (the manager's request_session).
    using Opener = std::function<Session(long long)>;

    JobPool(Opener opener, std::size_t max_workers) : state_(std::make_shared<State>()) {
        state_->opener = std::move(opener);
        state_->max_workers = max_workers == 0 ? 1 : max_workers;
    }
    ~JobPool() { stop(); }
    JobPool(const JobPool&) = delete;
    JobPool& operator=(const JobPool&) = delete;

    /// Queues a job for a sensor; starts a worker when every running one is busy.
    /// @throws ApiError when the pool is stopped
    void submit(long long sensor_id, Job job) {
        std::lock_guard<std::mutex> lock(state_->mutex);
        if (state_->stopping) throw ApiError("The Live Response job pool is stopped");
        state_->queues[sensor_id].push_back(std::move(job));
        // One more worker when more sensors wait for one than there are idle workers.
        std::size_t waiting = 0;
        for (const auto& [id, q] : state_->queues)
            if (!q.empty() && state_->busy.count(id) == 0) ++waiting;
        if (waiting > state_->idle && state_->threads.size() < state_->max_workers)
            state_->threads.emplace_back([s = state_] { work(s); });
        state_->cv.notify_one();
    }

    /// Fails every queued job, lets running jobs finish and joins the workers.
    void stop() {
        std::vector<std::thread> threads;
        {
            std::lock_guard<std::mutex> lock(state_->mutex);
            if (state_->stopping && state_->threads.empty()) return;
            state_->stopping = true;
            threads.swap(state_->threads);
        }
        state_->cv.notify_all();
        for (auto& t : threads) {
            if (t.get_id() == std::this_thread::get_id())
                t.detach();  // the pool's owner died inside a job; the thread co-owns the state
            else
                t.join();
        }
    }

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

    static void fail_all(std::deque<Job>& jobs, const std::exception_ptr& error) {
        for (auto& j : jobs) j.fail(error);
        jobs.clear();
    }

    static void work(const std::shared_ptr<State>& s) {
        std::unique_lock<std::mutex> lock(s->mutex);
        for (;;) {
            long long sensor = 0;
            bool found = false;
            ++s->idle;
            s->cv.wait(lock, [&] {
                if (s->stopping) return true;
                for (const auto& [id, q] : s->queues)
                    if (!q.empty() && s->busy.count(id) == 0) {
                        sensor = id;
                        found = true;
                        return true;
                    }
                return false;
            });
            --s->idle;
            if (s->stopping) {
                const auto error =
                    std::make_exception_ptr(ApiError("The Live Response job pool stopped before the job ran"));
                for (auto& [id, q] : s->queues) fail_all(q, error);
                return;
            }
            if (!found) continue;
            s->busy.insert(sensor);
            lock.unlock();
            serve(s, sensor);
            lock.lock();
            s->busy.erase(sensor);
            s->cv.notify_all();
        }
    }

    // Runs every job queued for one sensor on one session, closed when the queue is empty.
    static void serve(const std::shared_ptr<State>& s, long long sensor) {
        try {
            Session session = s->opener(sensor);
            for (;;) {
                Job job;
                {
                    std::lock_guard<std::mutex> lock(s->mutex);
                    auto& q = s->queues[sensor];
                    if (q.empty() || s->stopping) return;
                    job = std::move(q.front());
                    q.pop_front();
                }
                job.run(session);  // the job resolves its own future, also with its exception
            }
        } catch (...) {
            const auto error = std::current_exception();
            std::lock_guard<std::mutex> lock(s->mutex);
            fail_all(s->queues[sensor], error);
        }
    }

    std::shared_ptr<State> state_;
};

}  // namespace cbapi::live_response::detail
