#pragma once
/// @file
/// Cb Protection paginated queries (`Query<M>`) and helpers that spell `q=` conditions.
///
/// A condition is `<field><operator><value>` and each where()/and_() clause is sent as its own `q=` parameter (the
/// server ANDs them). Operators, as the Cb Protection REST API documents them:
///
/// | operator | meaning |
/// |---|---|
/// | `:` | equals (strings: case-insensitive, `*` is a wildcard); `field:` matches an empty or null value |
/// | `!` | not equal |
/// | `<` `>` | less than, greater than (numbers, dates) |
/// | `+` | bit flags: has all of these bits |
/// | `-` | bit flags: has none of these bits |
/// | `\|` | separates alternative values: `fileState:2\|3` |
///
/// @code
/// using namespace cbapi::protection;
/// auto banned = cb.select<FileRule>().where(eq("fileState", FileRule::StateBanned)).sort("dateCreated DESC");
/// auto windows = cb.select<Computer>().where("osShortName:Windows*").and_(eq("deleted", false));
/// @endcode

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cbapi/query.hpp"
#include "cbapi/protection/paging.hpp"

namespace cbapi::protection {

namespace detail {
/// The text of a condition's value: a string as is, a bool as true/false, a number in decimal.
std::string value_text(const std::string& v);
std::string value_text(const char* v);
std::string value_text(bool v);
template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
std::string value_text(T v) {
    return std::to_string(v);
}
template <typename T>
std::string condition(const std::string& field, char op, const T& value) {
    return field + op + value_text(value);
}
}  // namespace detail

/// `field:value` — equals (strings: `*` wildcards, case-insensitive).
/// @param field the field name, e.g. "fileName"
/// @param value a string, number or bool
/// @return the condition text
template <typename T>
std::string eq(const std::string& field, const T& value) { return detail::condition(field, ':', value); }
/// `field!value` — not equal. @param field the field name @param value the value @return the condition text
template <typename T>
std::string ne(const std::string& field, const T& value) { return detail::condition(field, '!', value); }
/// `field<value` — less than. @param field the field name @param value the value @return the condition text
template <typename T>
std::string lt(const std::string& field, const T& value) { return detail::condition(field, '<', value); }
/// `field>value` — greater than. @param field the field name @param value the value @return the condition text
template <typename T>
std::string gt(const std::string& field, const T& value) { return detail::condition(field, '>', value); }
/// `field+bits` — bit flags: has all of `bits`. @param field the field @param bits the mask @return the condition
std::string has_all_flags(const std::string& field, long long bits);
/// `field-bits` — bit flags: has none of `bits`. @param field the field @param bits the mask @return the condition
std::string has_no_flags(const std::string& field, long long bits);

/// `field:v1|v2|...` — equals any of the values.
/// @param field the field name
/// @param values the alternatives (strings or numbers)
/// @return the condition text
template <typename T>
std::string any_of(const std::string& field, const std::vector<T>& values) {
    std::string text = field + ':';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) text += '|';
        text += detail::value_text(values[i]);
    }
    return text;
}

/// The paginated query of a Cb Protection model: `where`/`and_` (one `q=` each), `sort("field [ASC|DESC]")`,
/// `batch_size(n)` (records per page, default 1000), `size()` (`limit=-1`), iteration, `first()`, `one()`,
/// `slice()`, `at()`. Builder calls return a new query.
template <typename M>
class Query : public PaginatedQuery<Query<M>, M> {
public:
    /// Records per page unless batch_size() says otherwise (cbapi-python's Protection page size).
    static constexpr std::size_t default_page_size = 1000;

    /// A query over every object of M. Prefer `api.select<M>()`, which also checks the server version.
    /// @param api the API state
    explicit Query(cbapi::detail::ApiHandle api)
        : PaginatedQuery<Query<M>, M>(std::move(api), std::make_shared<ProtectionPaging>()) {
        this->spec_.batch_size = default_page_size;
    }
};

}  // namespace cbapi::protection
