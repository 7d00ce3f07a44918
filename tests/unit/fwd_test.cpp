// cbapi/fwd.hpp: a user's header can name SDK types with it alone, and its declarations agree with the full headers.
#include <cstddef>

#include "cbapi/fwd.hpp"

// What a user's header does with the forward header alone: declare functions and hold references and pointers.
namespace user_code {
void triage(const cbapi::response::CbResponseAPI& cb, const cbapi::response::Process& process);
void isolate(cbapi::response::Sensor& sensor, cbapi::live_response::SessionManager* manager);
void approve(const cbapi::protection::CbProtectionAPI& api, cbapi::protection::FileRule& rule);
void quarantine(const cbapi::defense::CbDefenseAPI& api, const cbapi::defense::Device& device);
std::size_t count(const cbapi::response::ProcessQuery& query);
std::size_t count_rules(const cbapi::protection::Query<cbapi::protection::FileRule>& query);
struct Holder {
    const cbapi::Connection* connection = nullptr;
    cbapi::ApiError* last_error = nullptr;
};
}  // namespace user_code

// Every product's full header after the forward declarations: a declaration that disagreed with its definition
// (kind, template parameters, default arguments, an enumeration's underlying type) would not compile.
#include "cbapi/defense.hpp"
#include "cbapi/live_response/live_response.hpp"
#include "cbapi/protection.hpp"
#include "cbapi/response.hpp"

#include <gtest/gtest.h>

#include <type_traits>

namespace {

TEST(ForwardHeader, AgreesWithTheFullHeaders) {
    static_assert(std::is_same_v<cbapi::response::ProcessQuery, cbapi::response::Query<cbapi::response::Process>>);
    static_assert(std::is_same_v<cbapi::protection::CbEnterpriseProtectionAPI, cbapi::protection::CbProtectionAPI>);
    // ProtectionModel's default argument (declared only in fwd.hpp) makes a model not creatable.
    static_assert(!cbapi::protection::ProtectionModel<cbapi::protection::Computer, cbapi::Model>::creatable);
    static_assert(std::is_base_of_v<cbapi::MutableModel, cbapi::response::Sensor>);
    SUCCEED();
}

}  // namespace
