#pragma once
/// @file
/// The Live Response session manager: requesting sessions, sharing them between handles, the optional keepalive
/// cache, and the job pool.

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <exception>
#include <future>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/credentials.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/live_response/jobs.hpp"
#include "cbapi/live_response/parse.hpp"  // detail::os_from_device_type, for Device::lr_session()
#include "cbapi/live_response/session.hpp"
#include "cbapi/live_response/types.hpp"

namespace cbapi::live_response {

class InterruptGuard;

namespace detail {
class ManagerCore;
struct ManagerOwner;
}  // namespace detail

/// Requests Live Response sessions for one API object (Cb Response sensors or Cb Defense devices) and runs jobs
/// against them on a worker pool.
///
/// Within one manager, requests for the same sensor share one server session (counted: it is closed when the last
/// handle goes away, or kept for reuse with `keepalive_sessions`). A session request that fails or times out closes
/// the session it asked for, so nothing is left pending on the server (which allows only about 10 sessions).
///
/// Cheap to copy (copies share the state) and thread-safe. Destroying the last copy stops the job pool (queued jobs
/// fail), stops the keepalive thread and closes the cached sessions.
///
/// @code
/// auto lr = cb.live_response();
/// auto session = lr.request_session(3);
/// auto future = lr.submit_job(4, [](Session& s) { return s.get_file("C:\\Windows\\win.ini"); });
/// @endcode
class SessionManager {
public:
    /// A manager for an API object (cbapi-python's `api.live_response`).
    /// @param api the API's shared state @param options timeouts, keepalive, workers, sleeper and clock
    /// @throws ApiError "Cb server does not support Live Response" when a Cb Response server's `/api/info` lacks
    ///         `cblrEnabled: true`; ApiError for Cb Protection
    explicit SessionManager(const cbapi::detail::ApiHandle& api, LiveResponseOptions options = {});

    /// The product the sessions are for.
    Product product() const;
    /// The options in force (sleeper and clock resolved).
    const LiveResponseOptions& options() const;

    /// A session with a sensor (Cb Response) or device (Cb Defense), active when returned.
    /// @param sensor_id the sensor id or Cb Defense `deviceId`
    /// @param os the endpoint's OS when the caller knows it (Cb Response: otherwise inferred from the session's
    ///        drives; Cb Defense: otherwise read from the device)
    /// @return a handle; the session is closed when its last copy goes away
    /// @throws TimeoutError "Could not establish session with sensor N" (deadline, or the server lost it),
    ///         LiveResponseError (the session failed), ApiError, the request's exceptions
    Session request_session(long long sensor_id, OsType os = OsType::unknown);

    /// Runs `job(session)` on the worker pool with a session for `sensor_id`, and returns its result as a future.
    /// Jobs for one sensor run one after another on one session, reused while jobs for it are queued; jobs for
    /// different sensors run in parallel (up to `max_workers`). A session that cannot be opened fails the sensor's
    /// queued jobs with that error. Works for Cb Response and Cb Defense.
    /// @param sensor_id sensor or device id @param job callable taking `Session&` (copied into the pool)
    /// @return the job's result, or its exception
    /// @throws ApiError when the pool is stopped
    template <typename F>
    auto submit_job(long long sensor_id, F job) -> std::future<std::invoke_result_t<F&, Session&>> {
        using R = std::invoke_result_t<F&, Session&>;
        auto promise = std::make_shared<std::promise<R>>();
        auto fn = std::make_shared<F>(std::move(job));
        std::future<R> future = promise->get_future();
        detail::Job item;
        item.run = [promise, fn](Session& session) {
            try {
                if constexpr (std::is_void_v<R>) {
                    (*fn)(session);
                    promise->set_value();
                } else {
                    promise->set_value((*fn)(session));
                }
            } catch (...) {
                promise->set_exception(std::current_exception());
            }
        };
        item.fail = [promise](std::exception_ptr error) { promise->set_exception(std::move(error)); };
        submit_job_item(sensor_id, std::move(item));
        return future;
    }

    /// One keepalive round (what the keepalive thread does every `keepalive_interval`): closes cached sessions no
    /// handle uses, sends a keepalive for the others and drops those that fail.
    void send_keepalives();

    /// The ids of the sessions this manager holds open (in use, or cached with keepalive).
    std::vector<nlohmann::json> open_sessions() const;

    /// Closes every session this manager holds open, in use or cached, and shuts the manager down: what a program does
    /// when it is interrupted (see InterruptGuard, which calls this on SIGINT/SIGTERM).
    ///
    /// Safe to call from any thread while other threads use the sessions. A wait in progress for a session to become
    /// active or for a command to complete ends at once (a sleep between polls is cut short; a poll in flight is
    /// aborted within about 50 ms) with a LiveResponseClosedError; a session being requested is closed before that
    /// error reaches the requester; later commands and requests throw LiveResponseClosedError. Each session is closed
    /// on the server as Session::close() does. Then the job pool stops (queued jobs fail) and the keepalive thread
    /// ends. An upload or download already in progress is not aborted (its session is closed on the server).
    /// Idempotent. Not async-signal-safe: call it from a thread, not from a signal handler.
    /// When it returns, every session the server opened for this manager is closed, also one that another thread was
    /// requesting or releasing at that moment (it waits up to 30 s for those threads), so a program may end at once.
    /// @return the number of open sessions the manager held (0 on later calls)
    std::size_t close_all();

private:
    friend class InterruptGuard;

    /// Queues a type-erased job on the pool (submit_job()). @throws ApiError when the pool is stopped
    void submit_job_item(long long sensor_id, detail::Job job);

    std::shared_ptr<detail::ManagerCore> core_;
    std::shared_ptr<detail::ManagerOwner> owner_;
};

}  // namespace cbapi::live_response
