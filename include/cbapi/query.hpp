#pragma once
/// @file
/// Queries: immutable fluent values. `PaginatedQuery` pages through a server-side search with prefetch and parallel
/// pages; `SimpleQuery` fetches a list once and filters and sorts it client-side.
///
/// Every builder call (`where`, `sort`, `batch_size`, ...) returns a new query and leaves the one it was called on
/// unchanged. A query is a plain value owned by one thread at a time; iterating it from several threads at once
/// needs one copy per thread.

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/page_cursor.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/model.hpp"

namespace cbapi::detail {
// The non-template half of the queries (src/query.cpp): what does not depend on the model type.

/// Adds a clause. @throws ApiError "Cannot call .where() on a raw query"
void add_clause(QuerySpec& spec, std::string clause);
/// Sets the sort, trimmed of surrounding white space.
void set_sort(QuerySpec& spec, const std::string& expression);
/// @throws ApiError "batch_size must be at least 1"
void set_batch_size(QuerySpec& spec, std::size_t rows);
/// Off: no pages ahead. On after off: the adaptive default again (a fixed parallel(n) stays as it is).
void set_prefetch(QuerySpec& spec, bool on);
/// A fixed number of pages in flight. @throws ApiError "parallel() needs at least 1 page"
void set_parallel(QuerySpec& spec, std::size_t pages);
/// The adaptive pace with another cap. @throws ApiError "max_parallel() needs at least 1 page"
void set_max_parallel(QuerySpec& spec, std::size_t pages);
/// Sets a product parameter, replacing any earlier value of that key.
void set_param(QuerySpec& spec, const std::string& key, std::string value);
/// Sends a raw query string's parameters instead of clauses; a `sort` among them becomes the sort.
void set_raw(QuerySpec& spec, QueryParams params);
/// The number of results: the cached count, else one request with rows=0 (then cached).
std::size_t query_size(const ApiHandle& api, const std::string& path, const PagingStrategy& paging,
                       const QuerySpec& spec, CountCache& count);
/// The clauses as one readable string ("'a b'", or "raw query").
std::string describe_query(const QuerySpec& spec);
/// @throws MoreThanOneResultError "0 results for query <q>"
[[noreturn]] void throw_no_result(const std::string& description);
/// @throws MoreThanOneResultError "<n> results found for query <q>"
[[noreturn]] void throw_several_results(std::size_t results, const std::string& description);

/// A SimpleQuery filter "field:value" split at its colon. @throws ApiError when the clause has no ':'
std::pair<std::string, std::string> parse_filter(const std::string& clause);
/// A SimpleQuery sort "field [asc|desc]" as the field and whether it is descending.
/// @throws ApiError for another order or an empty field
std::pair<std::string, bool> parse_simple_sort(const std::string& expression);
/// The documents of a list endpoint (GET `list_path`, unwrapped as `info` says), filtered (fields compared
/// case-insensitively as text) and stably sorted by a field's JSON value.
/// @throws ServerError when the reply is no array or holds something other than objects
std::vector<nlohmann::json> list_documents(const ApiHandle& api, const std::string& list_path, const ModelInfo& info,
                                           const std::vector<std::pair<std::string, std::string>>& filters,
                                           const std::string& sort_field, bool descending);
/// The filters as text ("'a:1 b:2'").
std::string describe_filters(const std::vector<std::pair<std::string, std::string>>& filters);

}  // namespace cbapi::detail

namespace cbapi {

/// A lazy input range over the results of a paginated query. Pages are fetched as the iteration advances (and ahead
/// of it, as the query's prefetch/parallel settings allow); memory stays bounded by a few pages. An error is thrown
/// by the increment (or begin()) that reaches the first item of the failed page. Abandoning an iteration cancels the
/// pages in flight.
template <typename M>
class ResultIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = M;
    using difference_type = std::ptrdiff_t;
    using pointer = const M*;
    using reference = const M&;

    ResultIterator() = default;

    reference operator*() const { return *current_; }
    pointer operator->() const { return &*current_; }
    ResultIterator& operator++() {
        advance();
        return *this;
    }
    /// Post-increment is not offered: an input iterator's old value would be a dangling view.
    bool operator==(const ResultIterator& other) const noexcept { return at_end() == other.at_end(); }
    bool operator!=(const ResultIterator& other) const noexcept { return !(*this == other); }

    /// 0-based position (in the whole result set) of the current item; useful to resume with `slice(position)`.
    std::size_t position() const noexcept { return cursor_ ? detail::cursor_position(*cursor_) - 1 : 0; }

private:
    template <typename, typename>
    friend class PaginatedQuery;

    ResultIterator(std::shared_ptr<detail::PageCursor> cursor, detail::ApiHandle api, bool full)
        : cursor_(std::move(cursor)), api_(std::move(api)), full_(full) {
        advance();
    }

    void advance() {
        auto item = detail::next_item(*cursor_);
        if (!item) {
            current_.reset();
            cursor_.reset();
            return;
        }
        current_.emplace(M(api_, std::move(*item), full_));
    }
    bool at_end() const noexcept { return !current_.has_value(); }

    std::shared_ptr<detail::PageCursor> cursor_;
    detail::ApiHandle api_;
    bool full_ = false;
    std::optional<M> current_;
};

/// A server-side paginated query of models `M`. `Derived` is the concrete query type (CRTP) so that builder calls
/// return it; product query types add their own filters.
template <typename Derived, typename M>
class PaginatedQuery {
public:
    using model_type = M;
    using iterator = ResultIterator<M>;

    /// Adds a search clause; clauses are combined as the product does (Cb Response: joined by spaces, an implicit
    /// AND). @throws ApiError on a raw query
    Derived where(std::string clause) const {
        Derived copy = fresh();
        detail::add_clause(copy.spec_, std::move(clause));
        return copy;
    }
    /// Same as where(): adds a clause.
    Derived and_(std::string clause) const { return where(std::move(clause)); }

    /// Sets the sort expression (e.g. "last_update desc"); an empty string sends no sort.
    Derived sort(std::string expression) const {
        Derived copy = fresh();
        detail::set_sort(copy.spec_, expression);
        return copy;
    }

    /// Rows requested per page. @throws ApiError for 0
    Derived batch_size(std::size_t rows) const {
        Derived copy = fresh();
        detail::set_batch_size(copy.spec_, rows);
        return copy;
    }

    /// Fetch the following pages while the current one is consumed (on by default: the adaptive pace of
    /// max_parallel(), up to QuerySpec::default_lookahead = 16 pages once the total is known); off fetches each page
    /// when it is needed, one request at a time. Turning it on again restores the adaptive default, or keeps a
    /// parallel(n) set before.
    Derived prefetch(bool on) const {
        Derived copy = fresh();
        detail::set_prefetch(copy.spec_, on);
        return copy;
    }

    /// Fetch exactly up to `pages` pages at once once the total is known, whatever the server's pace (a fixed
    /// setting; the default adapts instead, see max_parallel()). Results keep the server's order.
    /// @throws ApiError for 0
    Derived parallel(std::size_t pages) const {
        Derived copy = fresh();
        detail::set_parallel(copy.spec_, pages);
        return copy;
    }

    /// Adapt the pages in flight to the server (the default), up to `pages` (default 16): once the total is known,
    /// start with 2, grow while throughput grows, and shrink on 429, 503, timeouts and rising latency (additive
    /// increase, multiplicative decrease), waiting out a `Retry-After` before sending more. A server that answers
    /// 429 above N requests at once settles at N. Results keep the server's order.
    /// @code
    /// for (const Process& p : cb.select<Process>().where("hostname:ws1").max_parallel(4)) { ... }
    /// @endcode
    /// @throws ApiError for 0
    Derived max_parallel(std::size_t pages) const {
        Derived copy = fresh();
        detail::set_max_parallel(copy.spec_, pages);
        return copy;
    }

    /// The number of results (one request with rows=0; cached on this query and corrected by iterations).
    std::size_t size() const { return detail::query_size(api_, search_path(), *paging_, spec_, *count_); }

    /// Iterates every result from the first.
    iterator begin() const { return iterate(0, std::nullopt); }
    /// The end of any iteration.
    iterator end() const { return iterator(); }

    /// The first result, if any (one request for one row).
    std::optional<M> first() const {
        auto it = iterate(0, 1);
        if (it == end()) return std::nullopt;
        return *it;
    }

    /// The only result. @throws MoreThanOneResultError for zero or several results
    M one() const {
        std::vector<M> found = slice(0, 2);
        if (found.empty()) detail::throw_no_result(describe());
        if (found.size() > 1) detail::throw_several_results(size(), describe());
        return std::move(found.front());
    }

    /// The result at `index` (negative: from the end, through size()); nullopt when out of range.
    std::optional<M> at(std::ptrdiff_t index) const {
        if (index < 0) {
            index += static_cast<std::ptrdiff_t>(size());
            if (index < 0) return std::nullopt;
        }
        auto it = iterate(static_cast<std::size_t>(index), 1);
        if (it == end()) return std::nullopt;
        return *it;
    }

    /// Results [start, stop) with Python slice semantics for negative positions (resolved through size());
    /// no stop = to the end.
    std::vector<M> slice(std::ptrdiff_t start, std::optional<std::ptrdiff_t> stop = std::nullopt) const {
        auto resolve = [this](std::ptrdiff_t i) {
            if (i >= 0) return i;
            i += static_cast<std::ptrdiff_t>(size());
            return i < 0 ? std::ptrdiff_t{0} : i;
        };
        const std::ptrdiff_t from = resolve(start);
        std::optional<std::size_t> limit;
        if (stop) {
            const std::ptrdiff_t to = resolve(*stop);
            if (to <= from) return {};
            limit = static_cast<std::size_t>(to - from);
        }
        std::vector<M> out;
        for (auto it = iterate(static_cast<std::size_t>(from), limit); it != end(); ++it) out.push_back(*it);
        return out;
    }

    /// An iteration starting at 0-based `start` (to resume), over at most `limit` results.
    iterator iterate(std::size_t start, std::optional<std::size_t> limit = std::nullopt) const {
        auto cursor = detail::open_cursor(api_, search_path(), spec_, paging_, start, limit, count_);
        return iterator(std::move(cursor), api_, info().search_returns_full);
    }

    /// What this query sends (clauses, sort, page size, extra parameters).
    const QuerySpec& spec() const noexcept { return spec_; }

    /// The clauses as one readable string.
    std::string describe() const { return detail::describe_query(spec_); }

    /// The URL path the query searches: the model's url_path unless the product query chose another for this server
    /// (e.g. Cb Response alerts through `/api/v2/alert`).
    const std::string& search_path() const noexcept { return search_path_.empty() ? info().url_path : search_path_; }

protected:
    PaginatedQuery(detail::ApiHandle api, std::shared_ptr<const PagingStrategy> paging)
        : api_(std::move(api)), paging_(std::move(paging)), count_(std::make_shared<detail::CountCache>()) {
        spec_.sort = info().default_sort;
    }

    /// A copy with its own (empty) count cache: the basis of every builder call.
    Derived fresh() const {
        Derived copy = static_cast<const Derived&>(*this);
        copy.count_ = std::make_shared<detail::CountCache>();
        return copy;
    }

    /// A copy with a product parameter set (replacing any earlier value of that key).
    Derived with_param(const std::string& key, std::string value) const {
        Derived copy = fresh();
        detail::set_param(copy.spec_, key, std::move(value));
        return copy;
    }

    /// A copy that sends a raw query string's parameters instead of clauses; a `sort` in them becomes the query's
    /// sort (so a console link keeps its order unless sort() is called afterwards).
    Derived with_raw(QueryParams params) const {
        Derived copy = fresh();
        detail::set_raw(copy.spec_, std::move(params));
        return copy;
    }

    static const ModelInfo& info() { return M::model_info; }
    const detail::ApiHandle& api() const noexcept { return api_; }
    const std::shared_ptr<const PagingStrategy>& paging() const noexcept { return paging_; }

    /// Searches `path` instead of the model's url_path (set by a product query's constructor).
    void set_search_path(std::string path) { search_path_ = std::move(path); }

    detail::ApiHandle api_;
    std::shared_ptr<const PagingStrategy> paging_;
    QuerySpec spec_;
    std::shared_ptr<detail::CountCache> count_;
    std::string search_path_;  // empty: the model's url_path
};

/// A client-side query over a list endpoint: one GET of the list, then filtering and sorting locally.
///
/// `where("field:value")` keeps objects whose field equals the value, compared case-insensitively as text (several
/// clauses are ANDed). `sort("field")` or `sort("field desc")` orders by the field's JSON value.
template <typename M>
class SimpleQuery {
public:
    using model_type = M;
    using iterator = typename std::vector<M>::const_iterator;

    explicit SimpleQuery(detail::ApiHandle api) : SimpleQuery(std::move(api), M::model_info.list_url()) {}

    /// A query over the list at `list_path` instead of the model's list URL (e.g. the actions of one watchlist).
    /// @param api the API state @param list_path the list's absolute path on the server
    SimpleQuery(detail::ApiHandle api, std::string list_path)
        : api_(std::move(api)), list_path_(std::move(list_path)) {}

    /// Adds a filter "field:value". @throws ApiError when the clause has no ':'
    SimpleQuery where(const std::string& clause) const {
        auto filter = detail::parse_filter(clause);
        SimpleQuery copy = fresh();
        copy.filters_.push_back(std::move(filter));
        return copy;
    }
    /// Same as where().
    SimpleQuery and_(const std::string& clause) const { return where(clause); }

    /// Sorts by a field, ascending, or descending with a " desc" suffix. @throws ApiError for an empty field
    SimpleQuery sort(const std::string& expression) const {
        auto [field, descending] = detail::parse_simple_sort(expression);
        SimpleQuery copy = fresh();
        copy.sort_field_ = std::move(field);
        copy.descending_ = descending;
        return copy;
    }

    /// The matching objects (fetched once per query value, then cached; copies of a query share the cache).
    const std::vector<M>& results() const {
        std::lock_guard<std::mutex> lock(cache_->mutex);
        if (!cache_->loaded) {
            cache_->items = fetch();
            cache_->loaded = true;
        }
        return cache_->items;
    }

    iterator begin() const { return results().begin(); }
    iterator end() const { return results().end(); }
    std::size_t size() const { return results().size(); }
    bool empty() const { return results().empty(); }

    std::optional<M> first() const {
        const auto& r = results();
        return r.empty() ? std::nullopt : std::optional<M>(r.front());
    }
    /// @throws MoreThanOneResultError for zero or several matches
    M one() const {
        const auto& r = results();
        if (r.empty()) detail::throw_no_result(describe());
        if (r.size() > 1) detail::throw_several_results(r.size(), describe());
        return r.front();
    }
    std::optional<M> at(std::ptrdiff_t index) const {
        const auto& r = results();
        if (index < 0) index += static_cast<std::ptrdiff_t>(r.size());
        if (index < 0 || static_cast<std::size_t>(index) >= r.size()) return std::nullopt;
        return r[static_cast<std::size_t>(index)];
    }
    std::vector<M> slice(std::ptrdiff_t start, std::optional<std::ptrdiff_t> stop = std::nullopt) const {
        const auto& r = results();
        const auto n = static_cast<std::ptrdiff_t>(r.size());
        auto resolve = [n](std::ptrdiff_t i) {
            if (i < 0) i += n;
            return i < 0 ? std::ptrdiff_t{0} : (i > n ? n : i);
        };
        const auto from = resolve(start);
        const auto to = stop ? resolve(*stop) : n;
        if (to <= from) return {};
        return std::vector<M>(r.begin() + from, r.begin() + to);
    }

    /// The filters as text.
    std::string describe() const { return detail::describe_filters(filters_); }

private:
    struct Cache {
        std::mutex mutex;
        bool loaded = false;
        std::vector<M> items;
    };

    SimpleQuery fresh() const {
        SimpleQuery copy = *this;
        copy.cache_ = std::make_shared<Cache>();
        return copy;
    }

    std::vector<M> fetch() const {
        auto documents =
            detail::list_documents(api_, list_path_, M::model_info, filters_, sort_field_, descending_);
        std::vector<M> out;
        out.reserve(documents.size());
        for (auto& doc : documents) out.emplace_back(M(api_, std::move(doc), M::model_info.list_returns_full));
        return out;
    }

    detail::ApiHandle api_;
    std::string list_path_;
    std::vector<std::pair<std::string, std::string>> filters_;
    std::string sort_field_;
    bool descending_ = false;
    std::shared_ptr<Cache> cache_ = std::make_shared<Cache>();
};

}  // namespace cbapi
