#pragma once
// The members of ActionQuery<M> (include/cbapi/response/action.hpp), included by the sources that instantiate it
// for the action models: src/response/watchlist.cpp (WatchlistAction) and src/response/feed.cpp (FeedAction).

#include <optional>
#include <string>
#include <vector>

#include "cbapi/errors.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/action.hpp"

namespace cbapi::response {

template <typename M>
ActionQuery<M> ActionQuery<M>::where(const std::string& clause) const {
    if (list_) throw ApiError("Cannot have multiple 'where' clauses");
    const auto colon = clause.find(':');
    if (colon == std::string::npos || clause.substr(0, colon) != M::parent_field)
        throw ApiError(std::string("Field name must be: ") + M::parent_field);
    const std::string id = clause.substr(colon + 1);
    if (id.empty()) throw ApiError(std::string("The ") + M::parent_field + " in the where clause is empty");
    ActionQuery copy(api_);
    copy.list_.emplace(api_, M::list_path(id));
    return copy;
}

template <typename M>
const std::vector<M>& ActionQuery<M>::results() const {
    return list().results();
}

template <typename M>
typename ActionQuery<M>::iterator ActionQuery<M>::begin() const {
    return results().begin();
}

template <typename M>
typename ActionQuery<M>::iterator ActionQuery<M>::end() const {
    return results().end();
}

template <typename M>
std::size_t ActionQuery<M>::size() const {
    return results().size();
}

template <typename M>
bool ActionQuery<M>::empty() const {
    return results().empty();
}

template <typename M>
std::optional<M> ActionQuery<M>::first() const {
    return list().first();
}

template <typename M>
const SimpleQuery<M>& ActionQuery<M>::list() const {
    if (!list_) throw ApiError(std::string("Must use a search parameter: .where('") + M::parent_field + ":<id>')");
    return *list_;
}

}  // namespace cbapi::response
