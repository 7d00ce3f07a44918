// HTTP values (cbapi/http.hpp): header lookup, the repeatability rule, the cancellation exception.

#include "cbapi/http.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace cbapi {

bool header_name_equals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

Headers::Headers(std::initializer_list<Field> fields) : fields_(fields) {}

void Headers::add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }

void Headers::set(std::string name, std::string value) {
    remove(name);
    add(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
    fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                                 [&](const Field& f) { return header_name_equals(f.first, name); }),
                  fields_.end());
}

std::optional<std::string> Headers::get(std::string_view name) const {
    for (const auto& f : fields_)
        if (header_name_equals(f.first, name)) return f.second;
    return std::nullopt;
}

bool Headers::contains(std::string_view name) const { return get(name).has_value(); }

bool may_repeat(const Request& request) noexcept {
    return (is_idempotent(request.method) || request.read_only) && !request.consuming;
}

const char* RequestCancelled::what() const noexcept { return "request cancelled"; }

}  // namespace cbapi
