#pragma once
// Private helpers of the Cb Protection models (src/protection/models.cpp).

#include <string>

#include "cbapi/model.hpp"

namespace cbapi::protection::detail {

/// The first non-empty of md5, sha1, sha256 of a file model (empty when none).
std::string first_hash(const Model& file);

}  // namespace cbapi::protection::detail
