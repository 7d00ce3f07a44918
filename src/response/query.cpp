// Cb Response paginated queries (include/cbapi/response/query.hpp): the non-template part of ResponseQueryBase.

#include "cbapi/response/query.hpp"

#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/response/console_url.hpp"
#include "cbapi/response/paging.hpp"
#include "cbapi/response/watchlist.hpp"
#include "cbapi/server_version.hpp"

namespace cbapi::response::detail {

double number_or_text(const nlohmann::json& v) {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
        try {
            return std::stod(v.get<std::string>());
        } catch (const std::exception&) {
        }
    }
    return 0;
}

Facets parse_facets(const nlohmann::json& body) {
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

// Every Cb Response query's strategy is a ResponsePaging (ProcessQuery's derives from it).
Facets request_facets(const cbapi::detail::ApiState& api, const std::string& path, const PagingStrategy& paging,
                      const QuerySpec& spec, const std::vector<std::string>& fields) {
    const auto& response_paging = static_cast<const ResponsePaging&>(paging);
    const auto body = api.connection.get_json(path, response_paging.facet_params(spec, fields),
                                              nlohmann::json::object());
    return parse_facets(body);
}

// cbapi-python 1.3.3 (response/query.py Query.webui_link): `<url>/#/search?<urlencode(default args + q)>`, q empty
// when there is none, no sort; a raw query's own arguments. Python used `#/search` for every model; the console's
// pages for binaries, alerts and threat reports are its from_ui() prefixes (binaries, alerts, threats).
std::string query_webui_link(const cbapi::detail::ApiState& api, const std::string& type_name,
                             const PagingStrategy& paging, const QuerySpec& spec) {
    ConsoleLink::Kind kind = ConsoleLink::Kind::process_search;
    if (type_name == "Binary")
        kind = ConsoleLink::Kind::binary_search;
    else if (type_name == "Alert")
        kind = ConsoleLink::Kind::alert_search;
    else if (type_name == "ThreatReport")
        kind = ConsoleLink::Kind::threat_search;
    else if (type_name != "Process")
        throw ApiError("The console has no search page for " + type_name);
    // Every Cb Response query's strategy is a ResponsePaging (ProcessQuery's derives from it).
    const QueryParams params = static_cast<const ResponsePaging&>(paging).link_params(spec);
    return console_search_url(api.connection.url(), kind, params);
}

namespace {

// Python's urlencode(): `k=v` pairs in the given order, quote_plus'ed (encode_query() sorts them).
std::string urlencode_in_order(const QueryParams& params) {
    std::string out;
    for (const auto& [key, value] : params) {
        if (!out.empty()) out += '&';
        out += cbapi::detail::quote_plus(key) + "=" + cbapi::detail::quote_plus(value);
    }
    return out;
}

}  // namespace

// cbapi-python's WatchlistEnabledQuery.create_watchlist: the search's parameters (default ones, filters, q; or the
// raw query's), then sort, urlencode()d; index_type from the model.
Watchlist create_query_watchlist(const cbapi::detail::ApiHandle& api, const std::string& type_name,
                                 const PagingStrategy& paging, const QuerySpec& spec, const std::string& name) {
    if (type_name != "Process" && type_name != "Binary")
        throw ApiError("Only process and binary queries can become a watchlist, not a " + type_name + " query");
    if (name.empty()) throw ApiError("A watchlist needs a name");
    QueryParams params = static_cast<const ResponsePaging&>(paging).link_params(spec);
    if (!spec.sort.empty()) params.emplace_back("sort", spec.sort);
    Watchlist watchlist(api, nlohmann::json::object(), true);
    watchlist.set_name(name)
        .set_index_type(type_name == "Binary" ? "modules" : "events")
        .set_search_query(urlencode_in_order(params));
    watchlist.save();
    return watchlist;
}

std::shared_ptr<const PagingStrategy> response_paging(const cbapi::detail::ApiHandle& api) {
    return std::make_shared<ResponsePaging>(api->at_least(ServerVersion{5, 1, 1}));
}

}  // namespace cbapi::response::detail
