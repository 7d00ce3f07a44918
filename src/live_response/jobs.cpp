// The Live Response job pool: the state lives in a block the worker threads co-own, so a worker that ends up
// releasing the pool's owner (the manager) can still finish safely.
#include <algorithm>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/live_response/session.hpp"
#include "live_response/jobs.hpp"

namespace cbapi::live_response::detail {

JobPool::JobPool(Opener opener, std::size_t max_workers, Ranker ranker) : state_(std::make_shared<State>()) {
    state_->opener = std::move(opener);
    state_->ranker = std::move(ranker);
    state_->max_workers = max_workers == 0 ? 1 : max_workers;
}

JobPool::~JobPool() {
    stop();
}

void JobPool::submit(long long sensor_id, Job job) {
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

void JobPool::stop() {
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

void JobPool::fail_all(std::deque<Job>& jobs, const std::exception_ptr& error) {
    for (auto& j : jobs) j.fail(error);
    jobs.clear();
}

std::vector<long long> JobPool::waiting(const State& s) {
    std::vector<long long> out;
    for (const auto& [id, q] : s.queues)
        if (!q.empty() && s.busy.count(id) == 0) out.push_back(id);
    return out;
}

bool JobPool::choose(const std::shared_ptr<State>& s, std::unique_lock<std::mutex>& lock, long long& sensor) {
    std::vector<long long> order = waiting(*s);
    if (order.size() > 1 && s->ranker) {
        const std::vector<long long> candidates = order;
        lock.unlock();
        try {
            std::vector<long long> ranked = s->ranker(candidates);
            for (long long id : candidates)  // sensors the ranker left out come last
                if (std::find(ranked.begin(), ranked.end(), id) == ranked.end()) ranked.push_back(id);
            order = std::move(ranked);
        } catch (const std::exception& e) {
            logger()->debug("Could not rank the sensors waiting for a Live Response job worker: {}", e.what());
        }
        lock.lock();
    }
    if (s->stopping) return false;
    for (long long id : order) {
        const auto q = s->queues.find(id);
        if (q != s->queues.end() && !q->second.empty() && s->busy.count(id) == 0) {
            sensor = id;
            return true;
        }
    }
    return false;
}

void JobPool::work(const std::shared_ptr<State>& s) {
    std::unique_lock<std::mutex> lock(s->mutex);
    for (;;) {
        long long sensor = 0;
        ++s->idle;
        s->cv.wait(lock, [&] { return s->stopping || !waiting(*s).empty(); });
        --s->idle;
        if (s->stopping) {
            const auto error =
                std::make_exception_ptr(ApiError("The Live Response job pool stopped before the job ran"));
            for (auto& [id, q] : s->queues) fail_all(q, error);
            return;
        }
        if (!choose(s, lock, sensor)) continue;
        s->busy.insert(sensor);
        lock.unlock();
        serve(s, sensor);
        lock.lock();
        s->busy.erase(sensor);
        s->cv.notify_all();
    }
}

void JobPool::serve(const std::shared_ptr<State>& s, long long sensor) {
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

}  // namespace cbapi::live_response::detail
