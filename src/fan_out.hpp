#pragma once
// Fan-out: the independent GETs of one operation (the summaries of a process's children, the events of a process's
// segments, the summaries of several processes) sent together and handed back in the order they were asked for,
// paced by the paging engine's controller (src/page_pace.hpp: grows while throughput grows, up to the cap; shrinks on
// 429, 503 and timeouts; honours Retry-After). Every request goes through Connection::get_json_cached (the read cache,
// as the lazy loads of the same objects do: a reply younger than its TTL is not asked for again; retries, deadlines,
// body limits, redaction). Private to the library (src/).

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/detail/url.hpp"

namespace cbapi::detail {

class PaceGate;

/// The GETs of one operation, in flight together on threads of their own, replies taken back by position on the
/// caller's thread. Requests start in the order they were added (the pace admits the earliest waiting first), at most
/// `cap` at once and no more than the adaptive window allows.
///
/// The object belongs to one thread (the caller's); its workers never call back into the caller's code. Destroying it
/// (also while an exception unwinds, e.g. one thrown by a visitor) cancels every request not yet answered and joins
/// the workers, so nothing outlives the operation.
class FanOut {
public:
    /// Most requests in flight by default: the query cap of the paging engine (QuerySpec::default_lookahead).
    static constexpr std::size_t default_cap = 16;

    /// @param connection the connection the requests go through (a copy shares its state)
    /// @param cap most requests in flight (at least 1)
    explicit FanOut(Connection connection, std::size_t cap = default_cap);
    ~FanOut();
    FanOut(const FanOut&) = delete;
    FanOut& operator=(const FanOut&) = delete;

    /// Queues `GET path?params`; a 204 reply gives `default_value`. A GET equal to one added before (same path and
    /// parameters) is not sent again: its position gets the same reply (nothing is asked twice in one operation).
    /// @return its position (0 for the first request added, then 1, 2, ...)
    std::size_t add(std::string path, QueryParams params = {}, nlohmann::json default_value = nlohmann::json::object());

    /// The reply of the request at `position`, waiting for it. Each position is taken once.
    /// @throws the request's error (ObjectNotFoundError, ServerError, ConnectionError, TimeoutError, ...);
    ///         ApiError for a position never added or already taken
    nlohmann::json take(std::size_t position);

    /// Positions added so far.
    std::size_t size() const;
    /// Requests sent or to be sent (positions less the repeats).
    std::size_t requests() const;

    /// Cancels every request not yet answered (they end with RequestCancelled) and waits for the workers.
    void cancel() noexcept;

    /// The pace's window now (for tests and logs).
    std::size_t window() const;

private:
    struct Slot;
    void run();

    Connection connection_;
    std::size_t cap_;
    std::shared_ptr<std::atomic<bool>> cancelled_;
    std::shared_ptr<PaceGate> pace_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<std::shared_ptr<Slot>> slots_;  // by position (a repeated GET shares its first slot)
    std::vector<bool> taken_;                   // by position; touched by the caller's thread only
    std::map<std::string, std::shared_ptr<Slot>> by_target_;  // path + query -> its slot
    std::deque<std::shared_ptr<Slot>> queue_;  // added, not yet started
    std::vector<std::thread> threads_;
    std::size_t idle_ = 0;  // workers waiting for a request
    bool stopping_ = false;
};

}  // namespace cbapi::detail
