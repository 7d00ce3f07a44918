#include "cbapi/events/source.hpp"

namespace cbapi::events {

const char* to_string(Delivery delivery) noexcept {
    switch (delivery) {
        case Delivery::at_most_once:
            return "at-most-once";
        case Delivery::at_least_once:
            return "at-least-once";
    }
    return "unknown";
}

}  // namespace cbapi::events
