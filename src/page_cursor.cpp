// The one paging engine: walks [start, start + limit) page by page through a product's PagingStrategy, keeping up to
// `lookahead` pages in flight on worker threads (as many as the adaptive pace allows, src/page_pace.hpp, unless
// parallel(n) fixed them, and no more than the consumer has shown it needs: AheadDemand), delivering items strictly
// in server order, and raising a page's error at the position of its first item. Workers only fetch (a reply's
// bytes); the consumer parses a page when it reaches it. Entry points declared in cbapi/detail/page_cursor.hpp.
#include "cbapi/detail/page_cursor.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <utility>

#include "cbapi/connection.hpp"
#include "cbapi/detail/json_number.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"
#include "page_pace.hpp"

namespace cbapi::detail {

// Reading a page reply back, shared by the products' PagingStrategy implementations.

std::size_t count_field(const nlohmann::json& body, const std::string& field) {
    const auto it = body.find(field);
    if (it == body.end() || it->is_null()) return 0;
    if (it->is_number_unsigned()) return it->get<std::size_t>();
    if (it->is_number_integer() && it->get<long long>() >= 0) return static_cast<std::size_t>(it->get<long long>());
    if (it->is_string()) {  // real servers send some counts as text ("total_hits": "308")
        const auto n = integer_text(it->get_ref<const std::string&>());
        if (n && *n >= 0) return static_cast<std::size_t>(*n);
    }
    throw ServerError(200, "Expected '" + field + "' to be a non-negative integer, got " + json_text(*it, 64));
}

std::vector<nlohmann::json> take_items(nlohmann::json& results, const char* not_an_object) {
    std::vector<nlohmann::json> items;
    items.reserve(results.size());
    for (auto& item : results) {
        if (not_an_object != nullptr && !item.is_object())
            throw ServerError(200, std::string(not_an_object) + ", got " + std::string(item.type_name()));
        items.push_back(std::move(item));
    }
    return items;
}

std::vector<nlohmann::json> take_field_items(nlohmann::json& body, const std::string& field,
                                                    const char* not_an_object) {
    const auto results = body.find(field);
    if (results == body.end() || results->is_null()) return {};
    if (!results->is_array())
        throw ServerError(200, "Expected '" + field + "' to be an array, got " + std::string(results->type_name()));
    return take_items(*results, not_an_object);
}

/// The threads that run page fetches for one iteration: started as pages need them (no more than `max_threads`),
/// then reused, instead of a thread per page.
class PageWorkers {
public:
    explicit PageWorkers(std::size_t max_threads) : max_threads_(max_threads) {}
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

    /// Threads started so far.
    std::size_t threads() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return threads_.size();
    }

    /// Runs `task` on a worker; its result or exception arrives through the returned future. A new thread starts
    /// only when no thread is idle and fewer than `needed` (the pages in flight, this one included) exist: a thread
    /// that is just finishing a page takes the next one instead, so that an iteration at a window of 2 keeps 2
    /// threads (each thread costs a stack and a malloc arena of its own).
    template <typename Task>
    auto submit(Task task, std::size_t needed) -> std::future<decltype(task())> {
        auto packaged = std::make_shared<std::packaged_task<decltype(task())()>>(std::move(task));
        auto future = packaged->get_future();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            tasks_.emplace_back([packaged] { (*packaged)(); });
            if (tasks_.size() > idle_ && threads_.size() < std::min(needed, max_threads_))
                threads_.emplace_back([this] { run(); });
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
                ++idle_;
                wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
                --idle_;
                if (tasks_.empty()) return;  // stopping, nothing left
                task = std::move(tasks_.front());
                tasks_.pop_front();
            }
            task();
        }
    }

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;
    std::size_t max_threads_;
    std::size_t idle_ = 0;  // threads waiting for a task
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};


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
        std::future<Response> reply;  // the page's reply, parsed by the consumer when it reaches the page
    };

    std::optional<std::size_t> known_end() const;
    bool can_schedule() const;
    std::size_t pages_allowed() const;
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
    std::shared_ptr<PaceGate> pace_;        // the adaptive pace (null: prefetch off or a fixed parallel(n))
    std::unique_ptr<PageWorkers> workers_;  // joined after every page in flight has been waited for
    std::deque<Pending> inflight_;
    std::vector<nlohmann::json> items_;
    std::size_t index_ = 0;
    // The first and last item of the previous page, to recognise a page that repeats it.
    // Kept as hashes of the whole documents (a page whose first or last differs in either hash is another page):
    // copies of the two documents cost about 1.5 allocations per result (issue 21).
    std::size_t previous_first_ = 0;
    std::size_t previous_last_ = 0;
    bool done_ = false;
    bool received_any_ = false;
    bool last_page_full_ = false;
    // With the adaptive pace: the pages the consumer has shown it needs ahead (at most the pace's window).
    AheadDemand ahead_{1};
    // When the consumer got its current page (the time it spends on a page: parsing it and its items).
    std::chrono::steady_clock::time_point consumer_since_{};
};

std::shared_ptr<PageCursor> open_cursor(ApiHandle api, std::string path, QuerySpec spec,
                                        std::shared_ptr<const PagingStrategy> paging, std::size_t start,
                                        std::optional<std::size_t> limit, std::shared_ptr<CountCache> count) {
    return std::make_shared<PageCursor>(std::move(api), std::move(path), std::move(spec), std::move(paging), start,
                                        limit, std::move(count));
}

std::optional<nlohmann::json> next_item(PageCursor& cursor) { return cursor.next(); }

std::size_t cursor_position(const PageCursor& cursor) noexcept { return cursor.position(); }

PageCursor::PageCursor(ApiHandle api, std::string path, QuerySpec spec, std::shared_ptr<const PagingStrategy> paging,
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
    if (spec_.adaptive && spec_.lookahead > 0)
        pace_ = std::make_shared<PaceGate>(spec_.lookahead, api_->connection.options().sleeper);
    // The adaptive default keeps no more pages ahead than the loop needs; parallel(n) keeps n (pages_allowed()).
    if (pace_) ahead_ = AheadDemand(spec_.lookahead);
}

PageCursor::~PageCursor() {
    abandon_inflight();
    if (spec_.lookahead > 0)
        logger()->debug("Iteration of {} ended: window {}, {} pages wanted ahead, the consumer waited for {} pages, {} "
                        "fetch threads", path_, pace_ ? pace_->window() : spec_.lookahead, ahead_.wanted(),
                        ahead_.waits(), workers_ ? workers_->threads() : 0);
}

std::optional<nlohmann::json> PageCursor::next() {
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

// Where the result set ends as far as we know.
std::optional<std::size_t> PageCursor::known_end() const {
    if (total_ && end_) return std::min(*total_, *end_);
    if (total_) return total_;
    return end_;
}

bool PageCursor::can_schedule() const {
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
void PageCursor::launch() {
    const std::size_t ask = end_ ? std::min(spec_.batch_size, *end_ - position_at_start_) : spec_.batch_size;
    std::size_t rows = spec_.batch_size;
    if (const auto end = known_end()) rows = std::min(rows, *end - next_start_);
    QueryParams params = paging_->page_params(spec_, next_start_, std::max<std::size_t>(ask, 1));
    auto api = api_;
    auto cancel = cancel_;
    std::string path = path_;
    std::shared_ptr<RequestPacer> pacer;
    if (pace_) pacer = pace_->pacer(next_start_, cancel_);
    // The fetch only brings the reply's bytes (decompressed by libcurl); the consumer parses them when it reaches
    // the page (receive()). Parsed documents never cross threads: they are allocated, read and freed on the
    // consumer's thread, and a page waiting its turn holds its body, not several times as much in JSON values.
    auto fetch = [api, cancel, path, params, pacer]() {
        return api->connection.request(HttpMethod::get, path, params, {}, {}, false, cancel, pacer.get());
    };
    if (spec_.lookahead == 0) {
        // Without lookahead the page is fetched on the consumer's thread when it is needed (deferred): no thread
        // hand-off, and the page's memory is allocated and freed by the same thread.
        inflight_.push_back(Pending{next_start_, rows, std::async(std::launch::deferred, std::move(fetch))});
    } else {
        if (!workers_) workers_ = std::make_unique<PageWorkers>(spec_.lookahead);
        inflight_.push_back(Pending{next_start_, rows, workers_->submit(std::move(fetch), inflight_.size() + 1)});
    }
    next_start_ += rows;
}

// Pages that may be in flight (fetched, or fetched and not yet consumed) now.
std::size_t PageCursor::pages_allowed() const {
    // parallel(n) is the user's explicit, fixed setting (issue 21): n pages in flight whatever the loop does;
    // prefetch(false): none ahead.
    if (!pace_) return spec_.lookahead;
    return std::min(pace_->window(), ahead_.wanted());
}

void PageCursor::fill() {
    while (!done_ && inflight_.size() < pages_allowed() && can_schedule()) launch();
}

void PageCursor::stop(const std::string& why) {
    done_ = true;
    abandon_inflight();
    throw ApiError(why + "; stopping instead of repeating results");
}

// The loop guards: a server that ignores the start parameter, repeats a page, or never stops growing cannot keep an
// iteration going for ever.
void PageCursor::check_progress(const Pending& pending, const Page& page) {
    if (page.start && *page.start != pending.start)
        stop("The server returned the page at position " + std::to_string(*page.start) + " when asked for position " +
             std::to_string(pending.start) + " of " + path_);
    if (page.total && !first_total_) first_total_ = page.total;
    if (page.items.empty()) return;
    if (received_any_ && pending.start > position_at_start_ &&
        std::hash<nlohmann::json>{}(page.items.front()) == previous_first_ &&
        std::hash<nlohmann::json>{}(page.items.back()) == previous_last_)
        stop("The server returned the same page for position " + std::to_string(pending.start) + " of " + path_ +
             " as for the previous one (it does not honour the start of a page)");
    if (first_total_ && pending.start + page.items.size() > *first_total_ + paging_growth_margin(*first_total_))
        stop("The server returned more than " + std::to_string(*first_total_ + paging_growth_margin(*first_total_)) +
             " results for " + path_ + ", although it announced " + std::to_string(*first_total_) +
             " (the margin for results added during an iteration is " +
             std::to_string(paging_growth_margin(*first_total_)) + ")");
}

void PageCursor::receive() {
    Pending pending = std::move(inflight_.front());
    inflight_.pop_front();
    if (pace_) {
        // Whether (and how long) the consumer waits for this page, against the time it spent on the page before.
        const auto reached = std::chrono::steady_clock::now();
        if (pending.reply.wait_for(std::chrono::seconds(0)) == std::future_status::timeout) {
            pending.reply.wait();
            const auto arrived = std::chrono::steady_clock::now();
            ahead_.waited(arrived - reached, reached - consumer_since_);
            consumer_since_ = arrived;
        } else {
            ahead_.reached();
            consumer_since_ = reached;
        }
    }
    Page page;
    try {
        const Response reply = pending.reply.get();
        page = paging_->parse_page(api_->connection.read_json(reply, path_, nlohmann::json::object()));
    } catch (...) {
        done_ = true;
        abandon_inflight();
        throw;
    }
    if (page.items.size() > pending.rows) page.items.resize(pending.rows);
    check_progress(pending, page);
    received_any_ = true;
    if (page.total) {
        total_ = page.total;
        count_->set(*page.total);
    }
    const std::size_t got = page.items.size();
    last_page_full_ = got == pending.rows;
    if (got > 0) {
        previous_first_ = std::hash<nlohmann::json>{}(page.items.front());
        previous_last_ = std::hash<nlohmann::json>{}(page.items.back());
    }

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

void PageCursor::abandon_inflight() noexcept {
    if (inflight_.empty()) return;
    cancel_->store(true);
    if (pace_) pace_->wake_all();  // pages waiting for the pace see the cancellation now
    for (auto& p : inflight_) {
        // A deferred page that was never asked for never runs; an asynchronous one is waited for.
        if (p.reply.valid() && p.reply.wait_for(std::chrono::seconds(0)) != std::future_status::deferred)
            p.reply.wait();
    }
    inflight_.clear();
    cancel_ = std::make_shared<std::atomic<bool>>(false);
}

}  // namespace cbapi::detail
