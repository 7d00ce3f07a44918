#pragma once
/// @file
/// Live Response for Cb Response and Cb Defense: everything in one include.
///
/// @code
/// #include <cbapi/live_response/live_response.hpp>
/// auto lr = cb.live_response().request_session(sensor_id);
/// std::cout << *lr.create_process("cmd.exe /c ver");
/// @endcode

#include "cbapi/fwd.hpp"

#include "cbapi/live_response/interrupt.hpp"
#include "cbapi/live_response/jobs.hpp"
#include "cbapi/live_response/manager.hpp"
#include "cbapi/live_response/session.hpp"
#include "cbapi/live_response/types.hpp"
#include "cbapi/live_response/win32_error.hpp"
#include "cbapi/live_response/wire.hpp"
