#pragma once
// A Cb Response simulator (/api/info and the administration endpoints) with a connected CbResponseAPI.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "cbapi/response/api.hpp"
#include "cbapi/testing/response_admin_simulator.hpp"
#include "cbapi/testing/response_simulator.hpp"
#include "support/response_fakes.hpp"

namespace cbapi::test {

inline constexpr const char* kVersion61 = "6.1.0.180806.1200";
inline constexpr const char* kVersion51 = "5.1.1.160416.0935";
/// EDR 7.1: sensor updates limited to a few fields.
inline constexpr const char* kVersion71 = "7.1.0.200317.1200";
/// A 5.0 server: before the paginated /api/v2/sensor list.
inline constexpr const char* kVersion50 = "5.0.0.150602.1000";

/// The simulator of one server version and an API object connected to it.
struct AdminWorld {
    explicit AdminWorld(const std::string& version = kVersion61) : options(make_options(version)), cb(connect()) {}

    testing::ResponseSimulatorOptions options;
    testing::MockServer server;
    RecordingSleeper sleeper;
    response::CbResponseAPI cb;

    /// Requests after /api/info, as "METHOD path?query body".
    std::vector<std::string> log() const { return request_log(server); }

private:
    static testing::ResponseSimulatorOptions make_options(const std::string& version) {
        testing::ResponseSimulatorOptions o;
        o.server_version = version;
        return o;
    }
    response::CbResponseAPI connect() {
        testing::install_response_info(server, options);
        testing::install_response_admin_simulator(server, options);
        return response_api(server, sleeper);
    }
};

/// A steady clock that advances only when its sleeper is called (for waits without real sleeping).
struct FakeClock {
    std::chrono::steady_clock::time_point now{};
    std::vector<std::chrono::milliseconds> sleeps;

    std::function<std::chrono::steady_clock::time_point()> clock() {
        return [this] { return now; };
    }
    Sleeper sleeper() {
        return [this](std::chrono::milliseconds d) {
            sleeps.push_back(d);
            now += d;
        };
    }
};

}  // namespace cbapi::test
