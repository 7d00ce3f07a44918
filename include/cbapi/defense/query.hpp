#pragma once
/// @file
/// Cb Defense paginated queries: `Query<M>` for any Defense search model, and the base that the device and event
/// queries (with their typed filters) build on.

#include "cbapi/fwd.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cbapi/defense/paging.hpp"
#include "cbapi/query.hpp"
#include "cbapi/time.hpp"

namespace cbapi::defense {

namespace detail {

/// Checks the filters of a query with `clause` added (check_clauses()).
/// @throws ApiError when `clause` is malformed or its key is already in `clauses`
void check_added_clause(const std::vector<std::string>& clauses, const std::string& clause);

/// A time filter value as the Cb Defense API documents it: `YYYY-MM-DDTHH:MM:SS.mmmZ`, UTC.
std::string filter_time(TimePoint tp);

}  // namespace detail

/// Shared by every Cb Defense paginated query: `key:value` filters checked as they are added, no sort.
///
/// A query is an immutable value: every builder call returns a new query.
template <typename Derived, typename M>
class DefenseQueryBase : public PaginatedQuery<Derived, M> {
    using Base = PaginatedQuery<Derived, M>;

public:
    /// Adds a filter "key:value", sent as the parameter `key=value` (split at the first ':').
    /// @code auto q = cb.select<Device>().where("hostNameExact:WIN-IA9NQ1GN8OI"); @endcode
    /// @param clause the filter
    /// @return a new query
    /// @throws ApiError at once (before anything is sent) when the clause is malformed or its key is already
    ///         filtered on (cbapi-python silently kept only the last value)
    Derived where(std::string clause) const {
        detail::check_added_clause(this->spec().clauses, clause);
        return Base::where(std::move(clause));
    }
    /// Same as where(): filters are ANDed by the server.
    /// @param clause the filter @return a new query @throws ApiError as where()
    Derived and_(std::string clause) const { return where(std::move(clause)); }

    /// Cb Defense searches have no sort parameter.
    Derived sort(std::string expression) const = delete;

protected:
    explicit DefenseQueryBase(cbapi::detail::ApiHandle api)
        : Base(std::move(api), std::make_shared<DefensePaging>()) {}

    /// A filter from a key and a value. @param key filter name @param value its value @return a new query
    /// @throws ApiError when the key is already filtered on
    Derived filter(const std::string& key, const std::string& value) const { return where(key + ":" + value); }

    /// Formats a time filter value the way the Cb Defense API documents it (`YYYY-MM-DDTHH:MM:SS.000Z`, UTC).
    /// @param tp the instant @return the text
    static std::string format_time(TimePoint tp) { return detail::filter_time(tp); }
};

/// The paginated query of a Cb Defense model without typed filters (e.g. Policy).
template <typename M>
class Query : public DefenseQueryBase<Query<M>, M> {
public:
    /// A query over every object of type M. @param api the API state
    explicit Query(cbapi::detail::ApiHandle api) : DefenseQueryBase<Query<M>, M>(std::move(api)) {}
};

}  // namespace cbapi::defense
