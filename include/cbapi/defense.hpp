#pragma once
/// @file
/// Everything for Cb Defense: CbDefenseAPI, Device, Event, Policy (with rules), notifications and queries.

#include "cbapi/fwd.hpp"

#include "cbapi/defense/api.hpp"
#include "cbapi/defense/device.hpp"
#include "cbapi/defense/event.hpp"
#include "cbapi/defense/model.hpp"
#include "cbapi/defense/notification.hpp"
#include "cbapi/defense/paging.hpp"
#include "cbapi/defense/policy.hpp"
#include "cbapi/defense/query.hpp"
