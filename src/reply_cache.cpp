// The read cache of a connection (src/reply_cache.hpp).
#include "reply_cache.hpp"

#include "cbapi/http.hpp"

namespace cbapi::detail {
namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

// Whether one path is the other or lies below it, segment-wise ("/a/b" and "/a/b/c", not "/a/bc").
bool related(std::string_view a, std::string_view b) {
    if (a.size() > b.size()) std::swap(a, b);
    if (b.compare(0, a.size(), a) != 0) return false;
    return b.size() == a.size() || b[a.size()] == '/' || (!a.empty() && a.back() == '/');
}

}  // namespace

ReplyCache::ReplyCache(CacheOptions options) : options_(std::move(options)) {}

std::chrono::steady_clock::time_point ReplyCache::now() const {
    return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

ReplyCache::Value ReplyCache::get(const std::string& target, const Fetch& fetch, const std::atomic<bool>* cancel) {
    if (!enabled()) return fetch().first;
    std::promise<Value> promise;
    std::uint64_t generation = 0;
    for (;;) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (const auto it = entries_.find(target); it != entries_.end()) {
            if (now() - it->second.stored < options_.ttl) return it->second.value;
            erase(it);
        }
        if (const auto it = inflight_.find(target); it != inflight_.end()) {
            auto pending = it->second;
            lock.unlock();
            ++waiters_;
            while (pending.wait_for(cancel_poll) != std::future_status::ready) {
                if (cancel != nullptr && cancel->load()) {
                    --waiters_;
                    throw RequestCancelled();  // this caller gave up; the fetch it waited for goes on
                }
            }
            --waiters_;
            try {
                return pending.get();  // the same reply, or the same error
            } catch (const RequestCancelled&) {
                continue;  // that caller's request was cancelled, not this one's: look again, and fetch if need be
            }
        }
        inflight_.emplace(target, promise.get_future().share());
        generation = generation_;
        break;
    }
    try {
        auto [value, bytes] = fetch();
        std::lock_guard<std::mutex> lock(mutex_);
        inflight_.erase(target);
        if (generation == generation_ && value) store(target, value, bytes);
        promise.set_value(value);
        return value;
    } catch (...) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            inflight_.erase(target);
        }
        promise.set_exception(std::current_exception());
        throw;
    }
}

void ReplyCache::store(const std::string& target, Value value, std::size_t bytes) {
    if (options_.max_entries == 0 || bytes > options_.max_bytes) return;
    if (const auto it = entries_.find(target); it != entries_.end()) erase(it);
    while (!order_.empty() && (entries_.size() >= options_.max_entries || bytes_ + bytes > options_.max_bytes))
        erase(entries_.find(order_.front()));
    order_.push_back(target);
    entries_.emplace(target, Entry{std::move(value), now(), bytes, std::prev(order_.end())});
    bytes_ += bytes;
}

void ReplyCache::erase(std::map<std::string, Entry>::iterator it) {
    bytes_ -= it->second.bytes;
    order_.erase(it->second.age);
    entries_.erase(it);
}

void ReplyCache::invalidate(std::string_view path) {
    if (!enabled()) return;
    const std::string_view written = path_of(path);
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
    for (auto it = entries_.begin(); it != entries_.end();) {
        const auto next = std::next(it);
        if (related(path_of(it->first), written)) erase(it);
        it = next;
    }
}

}  // namespace cbapi::detail
