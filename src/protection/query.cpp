// The non-template parts of the Cb Protection query helpers (include/cbapi/protection/query.hpp).

#include "cbapi/protection/query.hpp"

#include <string>

namespace cbapi::protection {

namespace detail {

std::string value_text(const std::string& v) { return v; }
std::string value_text(const char* v) { return v; }
std::string value_text(bool v) { return v ? "true" : "false"; }

}  // namespace detail

std::string has_all_flags(const std::string& field, long long bits) { return detail::condition(field, '+', bits); }
std::string has_no_flags(const std::string& field, long long bits) { return detail::condition(field, '-', bits); }

}  // namespace cbapi::protection
