#include "cbapi/events/decode_error.hpp"

namespace cbapi::events {

DecodeError::DecodeError(const std::string& message) : cbapi::ApiError(message) {}

}  // namespace cbapi::events
