#pragma once
/// @file
/// What every product API object offers: the connection, server facts, and `select`/`fetch`/`create` of models.

#include "cbapi/fwd.hpp"

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/connection.hpp"
#include "cbapi/detail/api_state.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/model.hpp"

namespace cbapi {

/// Base of CbResponseAPI, CbProtectionAPI and CbDefenseAPI. Thread-safe and cheap to copy (copies share one
/// connection); the queries and models it returns are plain values owned by one thread at a time.
class ApiBase {
public:
    /// The server URL.
    const std::string& url() const noexcept { return state_->connection.url(); }
    /// The connection, for requests the SDK does not wrap.
    const Connection& connection() const noexcept { return state_->connection; }
    /// The shared state handed to models and queries.
    const detail::ApiHandle& handle() const noexcept { return state_; }

    /// A query over model M (`M::query_type`): nothing is sent until it is iterated, counted or sliced.
    /// @throws ApiError when the server is older than the model's minimum version
    template <typename M>
    typename M::query_type select() const {
        check_version(M::model_info);
        return typename M::query_type(state_);
    }

    /// The object of type M with this id, loaded lazily (no request until a field it lacks is read).
    /// Every call returns an independent object (there is no shared cache of mutable objects).
    /// @throws ApiError for an empty id, or a server older than the model's minimum version
    template <typename M>
    M select(const nlohmann::json& id) const {
        check_version(M::model_info);
        if (id.is_null() || (id.is_string() && id.get<std::string>().empty()))
            throw ApiError("select<" + M::model_info.type_name + ">() needs a non-empty id");
        return M(state_, nlohmann::json{{M::model_info.primary_key, id}}, false);
    }

    /// The object of type M with this id, loaded now (cbapi-python's `force_init=True`).
    /// @throws ObjectNotFoundError when it does not exist
    template <typename M>
    M fetch(const nlohmann::json& id) const {
        M object = select<M>(id);
        object.refresh();
        return object;
    }

    /// A new, unsaved object of type M (nothing is sent until save()). Compiles only for models declared creatable.
    template <typename M>
    M create() const {
        static_assert(M::creatable, "this model cannot be created through the API");
        check_version(M::model_info);
        return M(state_, nlohmann::json::object(), true);
    }

protected:
    explicit ApiBase(detail::ApiHandle state) : state_(std::move(state)) {}

    /// @throws ApiError "<Type> requires server version X or later (server <url> reports Y)"
    void check_version(const ModelInfo& info) const { detail::require_server_version(*state_, info); }

    detail::ApiHandle state_;
};

}  // namespace cbapi
