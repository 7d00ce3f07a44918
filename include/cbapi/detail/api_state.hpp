#pragma once
// What every model and query of one API object shares: the connection and what the server said about itself.

#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/credentials.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::detail {

struct ApiState {
    Connection connection;
    Product product;
    /// The server's own description (Cb Response: /api/info); null when the product has none.
    nlohmann::json server_info;
    /// Parsed server version, when known.
    std::optional<ServerVersion> server_version;

    /// Whether the server is at least `version` (false when the version is unknown).
    bool at_least(const ServerVersion& version) const { return server_version && *server_version >= version; }
};

using ApiHandle = std::shared_ptr<const ApiState>;

}  // namespace cbapi::detail
