#pragma once
/// @file
/// Every Cb Response model, one header per family.

#include "cbapi/fwd.hpp"

#include "cbapi/response/action.hpp"
#include "cbapi/response/alert.hpp"
#include "cbapi/response/banned_hash.hpp"
#include "cbapi/response/binary.hpp"
#include "cbapi/response/feed.hpp"
#include "cbapi/response/ingress_filter.hpp"
#include "cbapi/response/investigation.hpp"
#include "cbapi/response/process.hpp"
#include "cbapi/response/sensor.hpp"
#include "cbapi/response/sensor_group.hpp"
#include "cbapi/response/storage_partition.hpp"
#include "cbapi/response/user.hpp"
#include "cbapi/response/watchlist.hpp"
#include "cbapi/response/watchlist_export.hpp"
