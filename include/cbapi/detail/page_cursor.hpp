#pragma once
// What paginated queries and the products' paging share: the query's specification, a page, a product's
// PagingStrategy, and the entry points of the one paging engine (src/page_cursor.cpp).

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/url.hpp"  // QueryParams
#include "cbapi/http.hpp"

namespace cbapi {

/// What a paginated query asks for; interpreted by the product's PagingStrategy.
struct QuerySpec {
    /// `where`/`and_` clauses in order.
    std::vector<std::string> clauses;
    /// A raw query string's parameters (console links, watchlist queries); replaces the clauses.
    std::optional<QueryParams> raw;
    /// Sort expression; empty = none.
    std::string sort;
    /// Rows per page.
    std::size_t batch_size = 100;
    /// Product-specific parameters (e.g. Cb Response process filters); one value per key.
    QueryParams extra;
    /// Most pages in flight by default: the cap of the adaptive pace (max_parallel(n) sets another).
    static constexpr std::size_t default_lookahead = 16;
    /// Pages fetched ahead of the one being consumed (0 = none: prefetch(false)). With `adaptive`, the most the pace
    /// may reach; otherwise exactly this many (parallel(n)).
    std::size_t lookahead = default_lookahead;
    /// Adapt the pages in flight to what the server delivers (the default): grow while throughput grows, shrink on
    /// 429, 503, timeouts and rising latency (src/page_pace.hpp). Off: `lookahead` pages, fixed.
    bool adaptive = true;
};

/// One page as a PagingStrategy reads it back.
struct Page {
    std::vector<nlohmann::json> items;
    /// The server's total for the query, when it reports one.
    std::optional<std::size_t> total;
    /// The start position the server says this page begins at, when it reports one.
    std::optional<std::size_t> start;
};

/// How one product asks for a page and reads it back. Implementations are stateless and thread-safe.
class PagingStrategy {
public:
    virtual ~PagingStrategy() = default;
    /// Parameters for the page of `rows` items from 0-based position `start`.
    virtual QueryParams page_params(const QuerySpec& spec, std::size_t start, std::size_t rows) const = 0;
    /// Parameters for a request that only counts.
    virtual QueryParams count_params(const QuerySpec& spec) const = 0;
    /// Reads a page reply. @throws ServerError when the reply is not a page
    virtual Page parse_page(nlohmann::json body) const = 0;
    /// Reads a count reply. @throws ServerError when the reply has no count
    virtual std::size_t parse_count(const nlohmann::json& body) const = 0;
};

namespace detail {

// Reading a page reply back, shared by the products' PagingStrategy implementations.

/// The count `body[field]` of a reply, a number or integer text (absent or null: 0; a `body` that is no object has
/// none).
/// @param body the reply @param field e.g. "total_results"
/// @throws ServerError "Expected '<field>' to be a non-negative integer, got <value>"
std::size_t count_field(const nlohmann::json& body, const std::string& field);

/// The items of a results array, moved out of it.
/// @param results a JSON array
/// @param not_an_object when given, every item must be an object, else ServerError "<not_an_object>, got <type>";
///        when null, items are taken as they are
std::vector<nlohmann::json> take_items(nlohmann::json& results, const char* not_an_object = nullptr);

/// The items of the results array `body[field]`, moved out of it (none when it is absent or null).
/// @param body the reply (an object) @param field e.g. "results" @param not_an_object as for take_items()
/// @throws ServerError "Expected '<field>' to be an array, got <type>", or as take_items() says
std::vector<nlohmann::json> take_field_items(nlohmann::json& body, const std::string& field,
                                             const char* not_an_object = nullptr);

/// How far past the first total a server announced an iteration may go (results added while it runs) before it is
/// taken as a server that never stops: the larger of 1,000 and a tenth of that total.
constexpr std::size_t paging_growth_margin(std::size_t first_total) noexcept {
    return first_total / 10 > 1000 ? first_total / 10 : 1000;
}

/// A query's cached result count, shared with its iterations (which correct it as they learn).
class CountCache {
public:
    std::optional<std::size_t> get() const noexcept {
        const long long v = value_.load();
        return v < 0 ? std::nullopt : std::optional<std::size_t>(static_cast<std::size_t>(v));
    }
    void set(std::size_t v) noexcept { value_.store(static_cast<long long>(v)); }

private:
    std::atomic<long long> value_{-1};
};

class PageCursor;

/// Opens an iteration over [start, start + limit) of a paginated query (the engine is in src/page_cursor.cpp: it
/// keeps up to `spec.lookahead` pages in flight on threads of its own (adaptively paced unless fixed by parallel(n)),
/// delivers items in server order, raises a page's
/// error at the position of its first item, and stops with an ApiError when the server stops making progress).
/// @param api the API state @param path the search URL path @param spec what the query asks for
/// @param paging the product's paging @param start 0-based first position @param limit most items (none: all)
/// @param count the query's count cache, corrected as the iteration learns the total
std::shared_ptr<PageCursor> open_cursor(ApiHandle api, std::string path, QuerySpec spec,
                                        std::shared_ptr<const PagingStrategy> paging, std::size_t start,
                                        std::optional<std::size_t> limit, std::shared_ptr<CountCache> count);
/// The next item of an iteration, or nullopt at the end. @throws the error of the page the item belongs to
std::optional<nlohmann::json> next_item(PageCursor& cursor);
/// 0-based position of the iteration's next item.
std::size_t cursor_position(const PageCursor& cursor) noexcept;

}  // namespace detail
}  // namespace cbapi
