#pragma once
/// @file
/// The Cb Response paging strategy: `start`/`rows`/`total_results`, clauses joined into `q`, `cb.urlver=1`, and
/// `facet=false` from server 5.1.1 on.

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/page_cursor.hpp"
#include "cbapi/detail/url.hpp"

namespace cbapi::response {

/// How Cb Response asks for a page of search results and reads it back. Model-specific strategies (ProcessQuery's)
/// derive from it.
class ResponsePaging : public PagingStrategy {
public:
    /// @param send_facet_false add `facet=false` (servers 5.1.1 and later; 5.1.0 answered 504 to it)
    explicit ResponsePaging(bool send_facet_false) : facet_false_(send_facet_false) {}

    QueryParams page_params(const QuerySpec& spec, std::size_t start, std::size_t rows) const override;
    QueryParams count_params(const QuerySpec& spec) const override;
    Page parse_page(nlohmann::json body) const override;
    std::size_t parse_count(const nlohmann::json& body) const override;

    /// The parameters of a facet request for `fields`.
    QueryParams facet_params(const QuerySpec& spec, const std::vector<std::string>& fields) const;

    /// The parameters of the console link of a query (webui_link()): `cb.urlver`, `facet`, the query's extra
    /// parameters, `q` (empty when there are no clauses); a raw query's own parameters. No automatic parameters (they
    /// may need a request), no paging or sort.
    QueryParams link_params(const QuerySpec& spec) const;

protected:
    /// Parameters a model's strategy adds to every request of a non-raw query, before the query's own extra
    /// parameters (which win over them): ProcessQuery's automatic `cb.legacy_5x_mode`. None by default.
    virtual QueryParams automatic_params() const { return {}; }

private:
    QueryParams base(const QuerySpec& spec) const;

    bool facet_false_;
};

}  // namespace cbapi::response
