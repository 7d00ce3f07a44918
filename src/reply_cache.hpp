#pragma once
// The read cache of a connection: GET replies by path and query, with a TTL and a size bound, forgotten on writes,
// concurrent identical fetches coalesced. Private to the library (src/).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"

namespace cbapi::detail {

class ReplyCache {
public:
    using Value = std::shared_ptr<const nlohmann::json>;
    /// Fetches a reply and says how many bytes it had on the wire.
    using Fetch = std::function<std::pair<Value, std::size_t>()>;

    explicit ReplyCache(CacheOptions options);

    /// The cached reply for `target` (path?query), or the one `fetch` brings (stored when it still may be). A fetch
    /// already under way for the same target is waited for instead of repeated; when that fetch ends in
    /// RequestCancelled (its caller cancelled it), this caller looks again and fetches itself.
    /// @param cancel optional flag of this caller: set while it waits for another caller's fetch, the wait ends with
    ///        RequestCancelled within `cancel_poll` (the other fetch goes on); its own fetch sees it through `fetch`
    Value get(const std::string& target, const Fetch& fetch, const std::atomic<bool>* cancel = nullptr);

    /// How often a waiting caller looks at its cancel flag.
    static constexpr std::chrono::milliseconds cancel_poll{20};

    /// Forgets every reply whose path is `path`, lies below it or above it (segment-wise).
    void invalidate(std::string_view path);

    bool enabled() const noexcept { return options_.ttl.count() > 0; }

    /// Callers waiting now for a fetch that another caller sends (for tests and logs).
    std::size_t waiters() const noexcept { return waiters_.load(); }

private:
    struct Entry {
        Value value;
        std::chrono::steady_clock::time_point stored;
        std::size_t bytes = 0;
        std::list<std::string>::iterator age;  // position in order_ (oldest first)
    };

    std::chrono::steady_clock::time_point now() const;
    void erase(std::map<std::string, Entry>::iterator it);
    void store(const std::string& target, Value value, std::size_t bytes);

    CacheOptions options_;
    std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    std::list<std::string> order_;
    std::uint64_t bytes_ = 0;
    std::uint64_t generation_ = 0;  // bumped by every invalidation: a fetch that saw one is not stored
    std::map<std::string, std::shared_future<Value>> inflight_;
    std::atomic<std::size_t> waiters_{0};
};

}  // namespace cbapi::detail
