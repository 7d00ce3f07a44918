// Retry and backoff policies (cbapi/retry.hpp).

#include "cbapi/retry.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "cbapi/http.hpp"

namespace cbapi {

bool RetryPolicy::is_retryable_status(int status) const {
    return std::find(retry_statuses.begin(), retry_statuses.end(), status) != retry_statuses.end();
}

bool RetryPolicy::may_retry(const Request& request) noexcept { return may_repeat(request); }

std::chrono::milliseconds BackoffPolicy::delay(int retry) const {
    double base = static_cast<double>(initial_delay.count()) * std::pow(multiplier, std::max(retry, 0));
    base = std::min(base, static_cast<double>(max_delay.count()));
    const double j = std::clamp(jitter, 0.0, 1.0);
    if (j > 0.0) {
        // One generator per thread, seeded once: no lock, and threads do not share a jitter sequence.
        thread_local std::mt19937_64 rng{std::random_device{}()};
        std::uniform_real_distribution<double> fraction(0.0, j);
        base *= 1.0 - fraction(rng);
    }
    return std::chrono::milliseconds(static_cast<long long>(std::llround(base)));
}

Sleeper real_sleeper() {
    return [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

}  // namespace cbapi
