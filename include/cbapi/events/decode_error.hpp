#pragma once
/// @file
/// The error every event decoder throws for input it cannot read.

#include "cbapi/fwd.hpp"

#include <string>

#include "cbapi/errors.hpp"

namespace cbapi::events {

/// A message could not be decoded as the type asked for: truncated or wrong-typed protobuf, a raw event without its
/// header, a bundle whose length prefix runs past the end, text that is not a JSON object, a JSON field of the wrong
/// kind where no lenient reading applies. The text says what is wrong and never quotes more than a short excerpt of
/// the payload. The registry counts such a message as malformed and skips it.
class DecodeError : public cbapi::ApiError {
public:
    /// @param message the what() text
    explicit DecodeError(const std::string& message);
};

}  // namespace cbapi::events
