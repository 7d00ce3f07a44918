#include "cbapi/live_response/types.hpp"

#include <string>

namespace cbapi::live_response {

bool DirectoryEntry::is_directory() const {
    for (const auto& a : attributes)
        if (a == "DIRECTORY") return true;
    return false;
}

}  // namespace cbapi::live_response
