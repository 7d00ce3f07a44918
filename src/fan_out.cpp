// Fan-out of independent GETs (src/fan_out.hpp): worker threads started as requests need them (up to the cap), each
// request paced by a PaceGate of its own operation, replies kept by position until the caller takes them.
#include "fan_out.hpp"

#include <exception>
#include <utility>

#include "cbapi/errors.hpp"
#include "cbapi/http.hpp"
#include "page_pace.hpp"

namespace cbapi::detail {

struct FanOut::Slot {
    std::size_t position = 0;
    std::string path;
    QueryParams params;
    nlohmann::json default_value;
    std::promise<nlohmann::json> reply;
    std::shared_future<nlohmann::json> future = reply.get_future().share();
};

FanOut::FanOut(Connection connection, std::size_t cap)
    : connection_(std::move(connection)),
      cap_(cap == 0 ? 1 : cap),
      cancelled_(std::make_shared<std::atomic<bool>>(false)),
      pace_(std::make_shared<PaceGate>(cap_, connection_.options().sleeper)) {}

FanOut::~FanOut() { cancel(); }

std::size_t FanOut::add(std::string path, QueryParams params, nlohmann::json default_value) {
    std::string target = path + "?" + cbapi::detail::encode_query(params);
    std::size_t position = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) throw ApiError("The fan-out was cancelled; no request can be added");
        position = slots_.size();
        if (const auto it = by_target_.find(target); it != by_target_.end()) {
            slots_.push_back(it->second);
            taken_.push_back(false);
            return position;
        }
        auto slot = std::make_shared<Slot>();
        slot->position = position;
        slot->path = std::move(path);
        slot->params = std::move(params);
        slot->default_value = std::move(default_value);
        by_target_.emplace(std::move(target), slot);
        slots_.push_back(slot);
        taken_.push_back(false);
        queue_.push_back(std::move(slot));
        // A worker per request waiting to start, up to the cap: the pace decides how many of them send at once.
        if (queue_.size() > idle_ && threads_.size() < cap_) threads_.emplace_back([this] { run(); });
    }
    wake_.notify_one();
    return position;
}

nlohmann::json FanOut::take(std::size_t position) {
    std::shared_future<nlohmann::json> future;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (position >= slots_.size())
            throw ApiError("No request at position " + std::to_string(position) + " of this fan-out");
        if (taken_[position])
            throw ApiError("The reply at position " + std::to_string(position) + " was already taken");
        taken_[position] = true;
        future = slots_[position]->future;
    }
    return future.get();  // a copy: a repeated GET's positions each get their own
}

std::size_t FanOut::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return slots_.size();
}

std::size_t FanOut::requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return by_target_.size();
}

std::size_t FanOut::window() const { return pace_->window(); }

void FanOut::cancel() noexcept {
    std::vector<std::thread> threads;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        // Requests not started never will be: their replies say so (nobody waits for them after a cancel, but a
        // future must not be left without a value).
        for (auto& slot : queue_) slot->reply.set_exception(std::make_exception_ptr(RequestCancelled()));
        queue_.clear();
        threads.swap(threads_);
    }
    cancelled_->store(true);
    pace_->wake_all();  // requests waiting for the pace see the cancellation now
    wake_.notify_all();
    for (auto& t : threads) t.join();
}

void FanOut::run() {
    for (;;) {
        std::shared_ptr<Slot> slot;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            ++idle_;
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            --idle_;
            if (queue_.empty()) return;  // stopping, nothing left
            slot = std::move(queue_.front());
            queue_.pop_front();
        }
        try {
            const auto pacer = pace_->pacer(slot->position, cancelled_);
            slot->reply.set_value(
                connection_.get_json_cached(slot->path, slot->params, slot->default_value, cancelled_, pacer.get()));
        } catch (...) {
            slot->reply.set_exception(std::current_exception());
        }
    }
}

}  // namespace cbapi::detail
