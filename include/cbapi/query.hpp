#pragma once
/// @file
/// Queries: immutable fluent values. `PaginatedQuery` pages through a server-side search with prefetch and parallel
/// pages; `SimpleQuery` fetches a list once and filters and sorts it client-side.
///
/// Every builder call (`where`, `sort`, `batch_size`, ...) returns a new query and leaves the one it was called on
/// unchanged. A query is a plain value owned by one thread at a time; iterating it from several threads at once
/// needs one copy per thread.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/api_state.hpp"
#include "cbapi/detail/page_cursor.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/model.hpp"

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
    std::size_t position() const noexcept { return cursor_ ? cursor_->position() - 1 : 0; }

private:
    template <typename, typename>
    friend class PaginatedQuery;

    ResultIterator(std::shared_ptr<detail::PageCursor> cursor, detail::ApiHandle api, bool full)
        : cursor_(std::move(cursor)), api_(std::move(api)), full_(full) {
        advance();
    }

    void advance() {
        auto item = cursor_->next();
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
        if (spec_.raw) throw ApiError("Cannot call .where() on a raw query");
        Derived copy = fresh();
        copy.spec_.clauses.push_back(std::move(clause));
        return copy;
    }
    /// Same as where(): adds a clause.
    Derived and_(std::string clause) const { return where(std::move(clause)); }

    /// Sets the sort expression (e.g. "last_update desc"); an empty string sends no sort.
    Derived sort(std::string expression) const {
        Derived copy = fresh();
        auto trimmed = std::string_view(expression);
        while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
        while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.remove_suffix(1);
        copy.spec_.sort = std::string(trimmed);
        return copy;
    }

    /// Rows requested per page. @throws ApiError for 0
    Derived batch_size(std::size_t rows) const {
        if (rows == 0) throw ApiError("batch_size must be at least 1");
        Derived copy = fresh();
        copy.spec_.batch_size = rows;
        return copy;
    }

    /// Fetch the following pages while the current one is consumed (on by default, up to
    /// QuerySpec::default_lookahead pages once the total is known); off fetches each page when it is needed.
    Derived prefetch(bool on) const {
        Derived copy = fresh();
        if (!on)
            copy.spec_.lookahead = 0;
        else if (copy.spec_.lookahead == 0)
            copy.spec_.lookahead = QuerySpec::default_lookahead;
        return copy;
    }

    /// Fetch up to `pages` pages at once once the total is known; results keep the server's order.
    /// @throws ApiError for 0
    Derived parallel(std::size_t pages) const {
        if (pages == 0) throw ApiError("parallel() needs at least 1 page");
        Derived copy = fresh();
        copy.spec_.lookahead = pages;
        return copy;
    }

    /// The number of results (one request with rows=0; cached on this query and corrected by iterations).
    std::size_t size() const {
        if (auto cached = count_->get()) return *cached;
        const auto body = api_->connection.get_json(info().url_path, paging_->count_params(spec_), nlohmann::json::object());
        const std::size_t n = paging_->parse_count(body);
        count_->set(n);
        return n;
    }

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
        if (found.empty()) throw MoreThanOneResultError("0 results for query " + describe());
        if (found.size() > 1)
            throw MoreThanOneResultError(std::to_string(size()) + " results found for query " + describe());
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
            return std::max<std::ptrdiff_t>(0, i + static_cast<std::ptrdiff_t>(size()));
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
        auto cursor = std::make_shared<detail::PageCursor>(api_, info().url_path, spec_, paging_, start, limit, count_);
        return iterator(std::move(cursor), api_, info().search_returns_full);
    }

    /// What this query sends (clauses, sort, page size, extra parameters).
    const QuerySpec& spec() const noexcept { return spec_; }

    /// The clauses as one readable string.
    std::string describe() const {
        if (spec_.raw) return "raw query";
        return fmt::format("'{}'", fmt::join(spec_.clauses, " "));
    }

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
        auto& extra = copy.spec_.extra;
        extra.erase(std::remove_if(extra.begin(), extra.end(), [&](const auto& kv) { return kv.first == key; }),
                    extra.end());
        extra.emplace_back(key, std::move(value));
        return copy;
    }

    /// A copy that sends a raw query string's parameters instead of clauses.
    /// A copy that sends a raw query string's parameters instead of clauses; a `sort` in them becomes the query's
    /// sort (so a console link keeps its order unless sort() is called afterwards).
    Derived with_raw(QueryParams params) const {
        Derived copy = fresh();
        for (const auto& [key, value] : params)
            if (key == "sort") copy.spec_.sort = value;
        copy.spec_.raw = std::move(params);
        copy.spec_.clauses.clear();
        return copy;
    }

    static const ModelInfo& info() { return M::model_info; }
    const detail::ApiHandle& api() const noexcept { return api_; }
    const std::shared_ptr<const PagingStrategy>& paging() const noexcept { return paging_; }

    detail::ApiHandle api_;
    std::shared_ptr<const PagingStrategy> paging_;
    QuerySpec spec_;
    std::shared_ptr<detail::CountCache> count_;
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
        const auto colon = clause.find(':');
        if (colon == std::string::npos || colon == 0)
            throw ApiError("A where clause must look like 'field:value', got '" + clause + "'");
        SimpleQuery copy = fresh();
        copy.filters_.emplace_back(clause.substr(0, colon), clause.substr(colon + 1));
        return copy;
    }
    /// Same as where().
    SimpleQuery and_(const std::string& clause) const { return where(clause); }

    /// Sorts by a field, ascending, or descending with a " desc" suffix. @throws ApiError for an empty field
    SimpleQuery sort(const std::string& expression) const {
        std::string field = expression;
        bool descending = false;
        const auto space = field.find(' ');
        if (space != std::string::npos) {
            std::string order = field.substr(space + 1);
            for (char& c : order) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (order != "asc" && order != "desc") throw ApiError("Sort order must be 'asc' or 'desc', got '" + order + "'");
            descending = order == "desc";
            field.resize(space);
        }
        if (field.empty()) throw ApiError("sort() needs a field name");
        SimpleQuery copy = fresh();
        copy.sort_field_ = field;
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
        if (r.empty()) throw MoreThanOneResultError("0 results for query " + describe());
        if (r.size() > 1)
            throw MoreThanOneResultError(std::to_string(r.size()) + " results found for query " + describe());
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
        auto resolve = [n](std::ptrdiff_t i) { return std::clamp<std::ptrdiff_t>(i < 0 ? i + n : i, 0, n); };
        const auto from = resolve(start);
        const auto to = stop ? resolve(*stop) : n;
        if (to <= from) return {};
        return std::vector<M>(r.begin() + from, r.begin() + to);
    }

    /// The filters as text.
    std::string describe() const {
        std::vector<std::string> parts;
        for (const auto& [f, v] : filters_) parts.push_back(f + ":" + v);
        return "'" + fmt::format("{}", fmt::join(parts, " ")) + "'";
    }

private:
    std::vector<nlohmann::json> fetch_documents() const {
        auto body = api_->connection.get_json(list_path_, {}, nlohmann::json::array());
        if (M::model_info.list_unwrap) body = M::model_info.list_unwrap(std::move(body));
        if (!body.is_array())
            throw ServerError(200,
                              "Expected a JSON array from " + list_path_ + ", got " + std::string(body.type_name()));
        return body.template get<std::vector<nlohmann::json>>();
    }

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

    static std::string lower(std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    static std::optional<std::string> text_of(const nlohmann::json& doc, const std::string& field) {
        const auto it = doc.find(field);
        if (it == doc.end() || it->is_null()) return std::nullopt;
        if (it->is_string()) return it->template get<std::string>();
        return it->dump();
    }

    std::vector<M> fetch() const {
        std::vector<M> out;
        for (auto& doc : fetch_documents()) {
            if (!doc.is_object()) throw ServerError(200, "Expected JSON objects in the list from " + list_path_);
            bool keep = true;
            for (const auto& [field, value] : filters_) {
                const auto text = text_of(doc, field);
                if (!text || lower(*text) != lower(value)) {
                    keep = false;
                    break;
                }
            }
            if (keep) out.emplace_back(M(api_, std::move(doc), M::model_info.list_returns_full));
        }
        if (!sort_field_.empty()) {
            const std::string field = sort_field_;
            const bool desc = descending_;
            std::stable_sort(out.begin(), out.end(), [&](const M& a, const M& b) {
                const auto& da = a.document();
                const auto& db = b.document();
                const nlohmann::json va = da.contains(field) ? da.at(field) : nlohmann::json();
                const nlohmann::json vb = db.contains(field) ? db.at(field) : nlohmann::json();
                return desc ? vb < va : va < vb;
            });
        }
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
