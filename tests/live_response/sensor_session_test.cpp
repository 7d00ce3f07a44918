// Sensor::lr_session(): the Cb Response sensor's entry point to Live Response, against the administration and Live
// Response simulators together.
#include "cbapi/testing/response_admin_simulator.hpp"
#include "live_response/lr_fixture.hpp"

namespace cbapi {
namespace {

using nlohmann::json;
using response::Sensor;

class SensorSessionTest : public test::ResponseLiveResponseTest {
protected:
    response::CbResponseAPI connect_with_sensors() {
        testing::install_response_admin_simulator(server, {});
        return connect();
    }
};

TEST_F(SensorSessionTest, OpensASessionWithTheSensorAndClosesItWithTheLastHandle) {
    auto cb = connect_with_sensors();
    const Sensor sensor = cb.select<Sensor>(1);
    {
        auto session = sensor.lr_session(lr_options());
        EXPECT_EQ(session.sensor_id(), 1);
        EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session")[0].json(), json({{"sensor_id", 1}}));
        ASSERT_EQ(sim->open_sessions().size(), 1u);
        EXPECT_EQ(sim->open_sessions()[0].status, "active");
    }
    EXPECT_TRUE(sim->open_sessions().empty());
    EXPECT_EQ(test::requests(server, "PUT", "/api/v1/cblr/session/1").at(0).json().at("status"), "close");
}

TEST_F(SensorSessionTest, ASensorWithoutLiveResponseIsRefusedBeforeAnyRequest) {
    auto cb = connect_with_sensors();
    const Sensor sensor(cb.handle(), {{"id", 5}, {"supports_cblr", false}}, true);
    server.clear_requests();
    try {
        (void)sensor.lr_session(lr_options());
        FAIL() << "expected ApiError";
    } catch (const ApiError& e) {
        EXPECT_STREQ(e.what(), "Sensor 5 does not support Cb Live Response");
    }
    EXPECT_TRUE(test::wire_under(server, "/api/v1/cblr").empty());
}

}  // namespace
}  // namespace cbapi
