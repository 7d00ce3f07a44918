#pragma once
/// @file
/// The umbrella header: the whole SDK.

#include "cbapi/fwd.hpp"

#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response.hpp"
#include "cbapi/server_version.hpp"
#include "cbapi/time.hpp"
#include "cbapi/version.hpp"
