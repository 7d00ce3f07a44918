#pragma once
/// @file
/// Cb Response paginated queries: `Query<M>` for search models, with facets.

#include <map>
#include <memory>
#include <string>
#include <vector>

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

inline double number_or_text(const nlohmann::json& v) {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
        try {
            return std::stod(v.get<std::string>());
        } catch (const std::exception&) {
        }
    }
    return 0;
}

inline Facets parse_facets(const nlohmann::json& body) {
    Facets out;
    const auto it = body.find("facets");
    if (it == body.end() || it->is_null()) return out;
    if (!it->is_object()) throw ServerError(200, "Expected 'facets' to be an object");
    for (const auto& [field, entries] : it->items()) {
        auto& list = out[field];
        if (!entries.is_array()) continue;
        for (const auto& e : entries) {
            if (!e.is_object()) continue;
            FacetEntry f;
            if (auto n = e.find("name"); n != e.end()) f.name = n->is_string() ? n->get<std::string>() : n->dump();
            if (auto v = e.find("value"); v != e.end()) f.value = static_cast<long long>(number_or_text(*v));
            if (auto p = e.find("percent"); p != e.end()) f.percent = number_or_text(*p);
            if (auto r = e.find("ratio"); r != e.end()) f.ratio = number_or_text(*r);
            list.push_back(std::move(f));
        }
    }
    return out;
}

}  // namespace detail

/// Shared by every Cb Response paginated query type: facets and raw queries on top of PaginatedQuery.
template <typename Derived, typename M>
class ResponseQueryBase : public PaginatedQuery<Derived, M> {
public:
    /// Facet counts for the given fields (one request: `facet=true`, `rows=0`, one `facet.field` per field).
    Facets facets(const std::vector<std::string>& fields) const {
        const auto& paging = static_cast<const ResponsePaging&>(*this->paging());
        const auto body = this->api()->connection.get_json(M::model_info.url_path,
                                                            paging.facet_params(this->spec(), fields),
                                                            nlohmann::json::object());
        return detail::parse_facets(body);
    }

    /// A query that sends a console or watchlist query string (e.g. "q=process_name%3Acmd.exe&cb.urlver=1") as is;
    /// where() on it throws.
    Derived raw(std::string_view query_string) const { return this->with_raw(parse_query_string(query_string)); }

protected:
    explicit ResponseQueryBase(cbapi::detail::ApiHandle api)
        : PaginatedQuery<Derived, M>(api, std::make_shared<ResponsePaging>(api->at_least(ServerVersion{5, 1, 1}))) {}
};

/// The paginated query of a Cb Response search model (Process, Binary, Alert, ThreatReport).
template <typename M>
class Query : public ResponseQueryBase<Query<M>, M> {
public:
    explicit Query(cbapi::detail::ApiHandle api) : ResponseQueryBase<Query<M>, M>(std::move(api)) {}
};

}  // namespace cbapi::response
