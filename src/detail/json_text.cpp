// JSON values as text for messages and logs (cbapi/detail/json_text.hpp).

#include "cbapi/detail/json_text.hpp"

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"

namespace cbapi::detail {

std::string json_text(const nlohmann::json& value, std::size_t max, int indent) {
    std::string text = redact_secrets(value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace));
    if (text.size() > max) {
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0u) == 0x80u) --cut;  // not inside a character
        text.resize(cut);
        text += "...";
    }
    return text;
}

}  // namespace cbapi::detail
