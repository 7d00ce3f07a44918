#pragma once
/// @file
/// Everything for Cb Response.

#include "cbapi/fwd.hpp"

#include "cbapi/response/api.hpp"
#include "cbapi/response/console_url.hpp"
#include "cbapi/response/paging.hpp"
#include "cbapi/response/query.hpp"
