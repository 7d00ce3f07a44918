#pragma once
// The one paging engine: walks [start, start + limit) page by page through a product's PagingStrategy, keeping up to
// `lookahead` pages in flight on worker threads, delivering items strictly in server order, and raising a page's
// error at the position of its first item. The bodies are in src/page_cursor.cpp.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"

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
    /// Pages fetched ahead of the one being consumed (0 = none; parallel(n) sets n). By default 4: a real server
    /// takes long per page, and keeping a few requests in flight hides that latency.
    static constexpr std::size_t default_lookahead = 4;
    std::size_t lookahead = default_lookahead;
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

class PageWorkers;

/// Walks one iteration's pages. Stops with an ApiError, instead of going on for ever, when the server stops making
/// progress: a page that starts elsewhere than asked, a page that repeats the previous one (a server that ignores
/// the start parameter), or more results than the first total it announced plus paging_growth_margin().
class PageCursor {
public:
    PageCursor(ApiHandle api, std::string path, QuerySpec spec, std::shared_ptr<const PagingStrategy> paging,
               std::size_t start, std::optional<std::size_t> limit, std::shared_ptr<CountCache> count);

    PageCursor(const PageCursor&) = delete;
    PageCursor& operator=(const PageCursor&) = delete;

    /// Cancels the pages in flight and waits for their threads, so nothing outlives the iteration.
    ~PageCursor();

    /// The next item, or nullopt at the end.
    /// @throws the error of the page the next item belongs to
    std::optional<nlohmann::json> next();

    /// 0-based position of the next item.
    std::size_t position() const noexcept { return position_; }

private:
    struct Pending {
        std::size_t start;
        std::size_t rows;  // items this page is expected to contribute (the request may ask for more)
        std::future<Page> page;
    };

    std::optional<std::size_t> known_end() const;
    bool can_schedule() const;
    void launch();
    void fill();
    void receive();
    void check_progress(const Pending& pending, const Page& page);
    [[noreturn]] void stop(const std::string& why);
    void abandon_inflight() noexcept;

    ApiHandle api_;
    std::string path_;
    QuerySpec spec_;
    std::shared_ptr<const PagingStrategy> paging_;
    std::shared_ptr<CountCache> count_;
    std::size_t next_start_;
    std::size_t position_;
    std::size_t position_at_start_;
    std::optional<std::size_t> end_;
    std::optional<std::size_t> total_;
    std::optional<std::size_t> first_total_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    std::unique_ptr<PageWorkers> workers_;  // joined after every page in flight has been waited for
    std::deque<Pending> inflight_;
    std::vector<nlohmann::json> items_;
    std::size_t index_ = 0;
    // The first and last item of the previous page, to recognise a page that repeats it.
    nlohmann::json previous_first_;
    nlohmann::json previous_last_;
    bool done_ = false;
    bool received_any_ = false;
    bool last_page_full_ = false;
};

}  // namespace detail
}  // namespace cbapi
