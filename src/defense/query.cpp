// The non-template parts of the Cb Defense queries (include/cbapi/defense/query.hpp).

#include "cbapi/defense/query.hpp"

#include <string>
#include <vector>

#include "cbapi/defense/paging.hpp"
#include "cbapi/time.hpp"

namespace cbapi::defense::detail {

// The whole list is checked again, so a clause repeating a key already filtered on fails before anything is sent.
void check_added_clause(const std::vector<std::string>& clauses, const std::string& clause) {
    std::vector<std::string> all = clauses;
    all.push_back(clause);
    check_clauses(all);
}

std::string filter_time(TimePoint tp) {
    std::string text = format_solr_time(tp);  // YYYY-MM-DDTHH:MM:SS.ffffffZ
    return text.substr(0, 23) + "Z";          // milliseconds
}

}  // namespace cbapi::defense::detail
