#pragma once
/// @file
/// Cb Response paginated queries: `Query<M>` for search models, with facets.

#include "cbapi/fwd.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/console_url.hpp"
#include "cbapi/response/paging.hpp"

namespace cbapi::response {

/// One facet value: how many results have it.
struct FacetEntry {
    std::string name;
    long long value = 0;
    double percent = 0;
    double ratio = 0;
};

/// Facets by field name.
using Facets = std::map<std::string, std::vector<FacetEntry>>;

namespace detail {

/// A number sent as a number or as text; 0 when neither.
double number_or_text(const nlohmann::json& v);

/// The `facets` of a search reply. @throws ServerError when it is not an object
Facets parse_facets(const nlohmann::json& body);

/// Asks `path` for the facet counts of `fields` under `spec` (one request through `paging`'s facet_params).
Facets request_facets(const cbapi::detail::ApiState& api, const std::string& path, const PagingStrategy& paging,
                      const QuerySpec& spec, const std::vector<std::string>& fields);

/// Creates and saves a watchlist running the search of a query of `type_name` (Process or Binary); see
/// ResponseQueryBase::create_watchlist(). @throws ApiError for another model
Watchlist create_query_watchlist(const cbapi::detail::ApiHandle& api, const std::string& type_name,
                                 const PagingStrategy& paging, const QuerySpec& spec, const std::string& name);

/// The paging strategy of a Cb Response search on `api`'s server (`facet=false` from 5.1.1 on).
std::shared_ptr<const PagingStrategy> response_paging(const cbapi::detail::ApiHandle& api);

/// The console page of a query of `type_name` (Process, Binary, Alert, ThreatReport): see ResponseQueryBase::webui_link().
/// @throws ApiError for another model
std::string query_webui_link(const cbapi::detail::ApiState& api, const std::string& type_name,
                             const PagingStrategy& paging, const QuerySpec& spec);

}  // namespace detail

/// Shared by every Cb Response paginated query type: facets and raw queries on top of PaginatedQuery.
template <typename Derived, typename M>
class ResponseQueryBase : public PaginatedQuery<Derived, M> {
public:
    /// Facet counts for the given fields (one request: `facet=true`, `rows=0`, one `facet.field` per field).
    Facets facets(const std::vector<std::string>& fields) const {
        return detail::request_facets(*this->api(), this->search_path(), *this->paging(), this->spec(), fields);
    }

    /// The console page that shows this search (cbapi-python 1.3.3 `Query.webui_link`):
    /// `<server>/#/<page>?<parameters>`, page `search` for processes, `binaries`, `alerts` or `threats`, with the
    /// parameters a search of this query sends (`cb.urlver`, `facet`, the filters, `q`; no paging or sort; a raw
    /// query's own parameters) form-encoded in that order. CbResponseAPI::from_ui() takes it back.
    /// @code
    /// cb.select<Process>().where("process_name:cmd.exe").webui_link()
    /// // "https://cb.example.com/#/search?cb.urlver=1&facet=false&q=process_name%3Acmd.exe"
    /// @endcode
    std::string webui_link() const {
        return detail::query_webui_link(*this->api(), M::model_info.type_name, *this->paging(), this->spec());
    }

    /// Creates a watchlist that runs this query (cbapi-python's `create_watchlist(name)`, Process and Binary queries):
    /// `POST /api/v1/watchlist` with `{"name", "search_query", "index_type"}`, where search_query is the query string
    /// a search of this query sends without paging — `cb.urlver=1`, `facet=false` (5.1.1+), the query's filters
    /// (cb.group, cb.min_last_update, ...), `q` (empty when there are no clauses), then `sort` when set — form-encoded
    /// (space as '+') as cbapi-python's urlencode; a raw query's own parameters plus `sort`. index_type is "events"
    /// for processes and "modules" for binaries. Needs <cbapi/response/watchlist.hpp>.
    /// @param name the watchlist's name
    /// @return the saved watchlist (loaded from the server after creation)
    /// @throws ApiError for an empty name; ServerError when the server refuses it; the request's errors
    /// @code
    /// auto w = cb.select<Process>().where("process_name:net.exe").create_watchlist("net.exe runs");
    /// @endcode
    template <typename W = Watchlist>
    W create_watchlist(const std::string& name) const {
        static_assert(std::is_same_v<M, Process> || std::is_same_v<M, Binary>,
                      "create_watchlist() is for Process and Binary queries");
        return detail::create_query_watchlist(this->api(), M::model_info.type_name, *this->paging(), this->spec(),
                                              name);
    }

    /// A query that sends a console or watchlist query string (e.g. "q=process_name%3Acmd.exe&cb.urlver=1") as is;
    /// where() on it throws.
    Derived raw(std::string_view query_string) const { return this->with_raw(parse_query_string(query_string)); }

protected:
    explicit ResponseQueryBase(cbapi::detail::ApiHandle api)
        : PaginatedQuery<Derived, M>(api, detail::response_paging(api)) {}
};

/// The paginated query of a Cb Response search model (Process, Binary, Alert, ThreatReport).
template <typename M>
class Query : public ResponseQueryBase<Query<M>, M> {
public:
    explicit Query(cbapi::detail::ApiHandle api) : ResponseQueryBase<Query<M>, M>(std::move(api)) {}
};

}  // namespace cbapi::response
