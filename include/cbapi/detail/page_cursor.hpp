#pragma once
// The one paging engine: walks [start, start + limit) page by page through a product's PagingStrategy, keeping up to
// `lookahead` pages in flight on worker threads, delivering items strictly in server order, and raising a page's
// error at the position of its first item.

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

/// The count `body[field]` of a reply (absent or null: 0; a `body` that is no object has none).
/// @param body the reply @param field e.g. "total_results"
/// @throws ServerError "Expected '<field>' to be a non-negative integer, got <value>"
inline std::size_t count_field(const nlohmann::json& body, const std::string& field) {
    const auto it = body.find(field);
    if (it == body.end() || it->is_null()) return 0;
    if (it->is_number_unsigned()) return it->get<std::size_t>();
    if (it->is_number_integer() && it->get<long long>() >= 0) return static_cast<std::size_t>(it->get<long long>());
    throw ServerError(200, "Expected '" + field + "' to be a non-negative integer, got " + it->dump().substr(0, 64));
}

/// The items of a results array, moved out of it.
/// @param results a JSON array
/// @param not_an_object when given, every item must be an object, else ServerError "<not_an_object>, got <type>";
///        when null, items are taken as they are
inline std::vector<nlohmann::json> take_items(nlohmann::json& results, const char* not_an_object = nullptr) {
    std::vector<nlohmann::json> items;
    items.reserve(results.size());
    for (auto& item : results) {
        if (not_an_object != nullptr && !item.is_object())
            throw ServerError(200, std::string(not_an_object) + ", got " + std::string(item.type_name()));
        items.push_back(std::move(item));
    }
    return items;
}

/// The items of the results array `body[field]`, moved out of it (none when it is absent or null).
/// @param body the reply (an object) @param field e.g. "results" @param not_an_object as for take_items()
/// @throws ServerError "Expected '<field>' to be an array, got <type>", or as take_items() says
inline std::vector<nlohmann::json> take_field_items(nlohmann::json& body, const std::string& field,
                                                    const char* not_an_object = nullptr) {
    const auto results = body.find(field);
    if (results == body.end() || results->is_null()) return {};
    if (!results->is_array())
        throw ServerError(200, "Expected '" + field + "' to be an array, got " + std::string(results->type_name()));
    return take_items(*results, not_an_object);
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

/// A few threads that run page fetches for one iteration (created once, instead of a thread per page).
class PageWorkers {
public:
    explicit PageWorkers(std::size_t threads) {
        for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
    }
    ~PageWorkers() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        for (auto& t : threads_) t.join();
    }
    PageWorkers(const PageWorkers&) = delete;
    PageWorkers& operator=(const PageWorkers&) = delete;

    /// Runs `task` on a worker; its result or exception arrives through the returned future.
    template <typename Task>
    auto submit(Task task) -> std::future<decltype(task())> {
        auto packaged = std::make_shared<std::packaged_task<decltype(task())()>>(std::move(task));
        auto future = packaged->get_future();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            tasks_.emplace_back([packaged] { (*packaged)(); });
        }
        wake_.notify_one();
        return future;
    }

private:
    void run() {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
                if (tasks_.empty()) return;  // stopping, nothing left
                task = std::move(tasks_.front());
                tasks_.pop_front();
            }
            task();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

class PageCursor {
public:
    PageCursor(ApiHandle api, std::string path, QuerySpec spec, std::shared_ptr<const PagingStrategy> paging,
               std::size_t start, std::optional<std::size_t> limit, std::shared_ptr<CountCache> count)
        : api_(std::move(api)),
          path_(std::move(path)),
          spec_(std::move(spec)),
          paging_(std::move(paging)),
          count_(std::move(count)),
          next_start_(start),
          position_(start),
          position_at_start_(start),
          end_(limit ? std::optional<std::size_t>(start + *limit) : std::nullopt),
          cancel_(std::make_shared<std::atomic<bool>>(false)) {
        if (spec_.batch_size == 0) throw ApiError("batch_size must be at least 1");
    }

    PageCursor(const PageCursor&) = delete;
    PageCursor& operator=(const PageCursor&) = delete;

    /// Cancels the pages in flight and waits for their threads, so nothing outlives the iteration.
    ~PageCursor() { abandon_inflight(); }

    /// The next item, or nullopt at the end.
    /// @throws the error of the page the next item belongs to
    std::optional<nlohmann::json> next() {
        for (;;) {
            if (index_ < items_.size()) {
                ++position_;
                return std::move(items_[index_++]);
            }
            if (done_) return std::nullopt;
            if (inflight_.empty()) {
                if (!can_schedule()) {
                    done_ = true;
                    return std::nullopt;
                }
                launch();
            }
            receive();
            fill();
        }
    }

    /// 0-based position of the next item.
    std::size_t position() const noexcept { return position_; }

private:
    struct Pending {
        std::size_t start;
        std::size_t rows;  // items this page is expected to contribute (the request may ask for more)
        std::future<Page> page;
    };

    // Where the result set ends as far as we know.
    std::optional<std::size_t> known_end() const {
        if (total_ && end_) return std::min(*total_, *end_);
        if (total_) return total_;
        return end_;
    }

    bool can_schedule() const {
        if (!total_) {
            // Until the first page tells the total, one page at a time; without any total, continue while pages
            // come back full.
            if (!inflight_.empty()) return false;
            if (received_any_ && !last_page_full_) return false;
        }
        const auto end = known_end();
        return !end || next_start_ < *end;
    }

    // Every page asks for the same number of rows, as cbapi-python does: the batch size, or the caller's limit when
    // that is smaller. Items past the end are dropped on arrival.
    void launch() {
        const std::size_t ask = end_ ? std::min(spec_.batch_size, *end_ - position_at_start_) : spec_.batch_size;
        std::size_t rows = spec_.batch_size;
        if (const auto end = known_end()) rows = std::min(rows, *end - next_start_);
        QueryParams params = paging_->page_params(spec_, next_start_, std::max<std::size_t>(ask, 1));
        auto api = api_;
        auto paging = paging_;
        auto cancel = cancel_;
        std::string path = path_;
        auto fetch = [api, paging, cancel, path, params]() {
            return paging->parse_page(api->connection.get_json(path, params, nlohmann::json::object(), cancel));
        };
        if (spec_.lookahead == 0) {
            // Without lookahead the page is fetched on the consumer's thread when it is needed (deferred): no thread
            // hand-off, and the page's memory is allocated and freed by the same thread.
            inflight_.push_back(Pending{next_start_, rows, std::async(std::launch::deferred, std::move(fetch))});
        } else {
            if (!workers_) workers_ = std::make_unique<PageWorkers>(spec_.lookahead);
            inflight_.push_back(Pending{next_start_, rows, workers_->submit(std::move(fetch))});
        }
        next_start_ += rows;
    }

    void fill() {
        while (!done_ && inflight_.size() < spec_.lookahead && can_schedule()) launch();
    }

    void receive() {
        Pending pending = std::move(inflight_.front());
        inflight_.pop_front();
        Page page;
        try {
            page = pending.page.get();
        } catch (...) {
            done_ = true;
            abandon_inflight();
            throw;
        }
        received_any_ = true;
        if (page.start && *page.start != pending.start) {
            done_ = true;
            abandon_inflight();
            throw ApiError("The server returned the page at position " + std::to_string(*page.start) +
                           " when asked for position " + std::to_string(pending.start) + " of " + path_ +
                           "; stopping instead of repeating results");
        }
        if (page.total) {
            total_ = page.total;
            count_->set(*page.total);
        }
        if (page.items.size() > pending.rows) page.items.resize(pending.rows);
        const std::size_t got = page.items.size();
        last_page_full_ = got == pending.rows;

        const auto end = known_end();
        if (got == 0) {
            if (end && pending.start < *end && total_) {
                logger()->debug("total_results overestimated for {}: reported {}, ended at {}", path_, *total_,
                                pending.start);
                total_ = pending.start;
                count_->set(pending.start);
            }
            done_ = true;
            abandon_inflight();
        } else if (got < pending.rows && (!end || pending.start + got < *end)) {
            // A short page before the end: the pages already in flight start at the wrong place.
            abandon_inflight();
            next_start_ = pending.start + got;
            if (!total_) done_ = true;  // without a total, a short page is the last one
        }
        items_ = std::move(page.items);
        index_ = 0;
    }

    void abandon_inflight() noexcept {
        if (inflight_.empty()) return;
        cancel_->store(true);
        for (auto& p : inflight_) {
            // A deferred page that was never asked for never runs; an asynchronous one is waited for.
            if (p.page.valid() && p.page.wait_for(std::chrono::seconds(0)) != std::future_status::deferred)
                p.page.wait();
        }
        inflight_.clear();
        cancel_ = std::make_shared<std::atomic<bool>>(false);
    }

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
    std::shared_ptr<std::atomic<bool>> cancel_;
    std::unique_ptr<PageWorkers> workers_;  // joined after every page in flight has been waited for
    std::deque<Pending> inflight_;
    std::vector<nlohmann::json> items_;
    std::size_t index_ = 0;
    bool done_ = false;
    bool received_any_ = false;
    bool last_page_full_ = false;
};

}  // namespace detail
}  // namespace cbapi
