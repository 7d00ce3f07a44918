#pragma once
// A MockServer running the Cb Response /api/info and threat-intelligence simulators, with a connected API.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cbapi/response.hpp"
#include "cbapi/testing/response_intel_simulator.hpp"
#include "support/response_fakes.hpp"

namespace cbapi::test {

class IntelTest : public ::testing::Test {
protected:
    explicit IntelTest(const std::string& version = "6.1.0.180806.1200")
        : installed(install(server, version)), cb(response_api(server, sleeper)) {}

    static bool install(testing::MockServer& target, const std::string& version) {
        testing::ResponseSimulatorOptions options;
        options.server_version = version;
        testing::install_response_info(target, options);
        testing::install_response_intel_simulator(target, options);
        return true;
    }

    /// Requests after /api/info, as "METHOD path?query body".
    std::vector<std::string> log() const { return request_log(server); }

    testing::MockServer server;
    RecordingSleeper sleeper;
    bool installed;  // the simulators are installed before `cb` connects
    response::CbResponseAPI cb;
};

}  // namespace cbapi::test
