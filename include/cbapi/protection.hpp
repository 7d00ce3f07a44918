#pragma once
/// @file
/// Everything for Cb Protection: CbProtectionAPI, its queries and models.

#include "cbapi/fwd.hpp"

#include "cbapi/protection/api.hpp"
#include "cbapi/protection/model_base.hpp"
#include "cbapi/protection/models.hpp"
#include "cbapi/protection/paging.hpp"
#include "cbapi/protection/query.hpp"
