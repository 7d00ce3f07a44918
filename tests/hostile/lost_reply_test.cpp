// A Live Response session request whose reply is lost (the simulator handles the POST, then drops the connection):
// it is never sent again, and the session it created is used and closed, not left pending on the server.
#include <gtest/gtest.h>

#include "live_response/lr_fixture.hpp"

namespace cbapi {
namespace {

class LostSessionReply : public test::ResponseLiveResponseTest {};
class LostDefenseSessionReply : public test::DefenseLiveResponseTest {};

testing::FaultOptions drop_every_post() {
    testing::FaultOptions f;
    f.drop_rate = 1.0;
    f.methods = {"POST"};
    return f;
}

TEST_F(LostSessionReply, ASessionRequestWhoseReplyIsLostIsNotRepeatedAndItsSessionIsUsedAndClosed) {
    auto cb = connect();
    server.set_faults(drop_every_post());
    {
        auto session = cb.live_response(lr_options()).request_session(1);
        server.set_faults({});
        EXPECT_FALSE(session.session_id().is_null());
    }
    EXPECT_EQ(test::requests(server, "POST", "/api/v1/cblr/session").size(), 1u);
    // TearDown: no session is left pending or active on the server.
}

TEST_F(LostDefenseSessionReply, ASessionRequestWhoseReplyIsLostIsNotRepeatedAndTheErrorSaysSo) {
    auto cb = connect();
    server.set_faults(drop_every_post());
    try {
        (void)cb.live_response(lr_options()).request_session(1001);
        ADD_FAILURE() << "no error";
    } catch (const ConnectionError& e) {
        EXPECT_TRUE(e.outcome_unknown());
        EXPECT_NE(std::string(e.what()).find("may have been created"), std::string::npos) << e.what();
    }
    server.set_faults({});
    std::size_t posts = 0;
    for (const auto& r : server.requests()) posts += r.method == "POST";
    EXPECT_EQ(posts, 1u);
    // Cb Defense lists no sessions, so the one the server created cannot be found and closed: it expires there.
    sim.reset();
}

}  // namespace
}  // namespace cbapi
