// Win32 error decoding for failed Live Response commands.
#include "cbapi/live_response/win32_error.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/json_text.hpp"
#include "cbapi/errors.hpp"
#include "live_response/parse.hpp"

namespace cbapi::live_response {

std::string_view win32_error_name(unsigned code) noexcept {
    struct Entry {
        unsigned code;
        std::string_view name;
    };
    static constexpr Entry table[] = {
        {0, "ERROR_SUCCESS"},
        {1, "ERROR_INVALID_FUNCTION"},
        {2, "ERROR_FILE_NOT_FOUND"},
        {3, "ERROR_PATH_NOT_FOUND"},
        {4, "ERROR_TOO_MANY_OPEN_FILES"},
        {5, "ERROR_ACCESS_DENIED"},
        {6, "ERROR_INVALID_HANDLE"},
        {8, "ERROR_NOT_ENOUGH_MEMORY"},
        {13, "ERROR_INVALID_DATA"},
        {14, "ERROR_OUTOFMEMORY"},
        {15, "ERROR_INVALID_DRIVE"},
        {16, "ERROR_CURRENT_DIRECTORY"},
        {17, "ERROR_NOT_SAME_DEVICE"},
        {18, "ERROR_NO_MORE_FILES"},
        {19, "ERROR_WRITE_PROTECT"},
        {21, "ERROR_NOT_READY"},
        {32, "ERROR_SHARING_VIOLATION"},
        {33, "ERROR_LOCK_VIOLATION"},
        {38, "ERROR_HANDLE_EOF"},
        {50, "ERROR_NOT_SUPPORTED"},
        {53, "ERROR_BAD_NETPATH"},
        {80, "ERROR_FILE_EXISTS"},
        {87, "ERROR_INVALID_PARAMETER"},
        {112, "ERROR_DISK_FULL"},
        {122, "ERROR_INSUFFICIENT_BUFFER"},
        {123, "ERROR_INVALID_NAME"},
        {145, "ERROR_DIR_NOT_EMPTY"},
        {183, "ERROR_ALREADY_EXISTS"},
        {193, "ERROR_BAD_EXE_FORMAT"},
        {206, "ERROR_FILENAME_EXCED_RANGE"},
        {234, "ERROR_MORE_DATA"},
        {259, "ERROR_NO_MORE_ITEMS"},
        {267, "ERROR_DIRECTORY"},
        {299, "ERROR_PARTIAL_COPY"},
        {1008, "ERROR_NO_TOKEN"},
        {1009, "ERROR_BADDB"},
        {1010, "ERROR_BADKEY"},
        {1011, "ERROR_CANTOPEN"},
        {1012, "ERROR_CANTREAD"},
        {1013, "ERROR_CANTWRITE"},
        {1018, "ERROR_KEY_DELETED"},
        {1021, "ERROR_KEY_HAS_CHILDREN"},
        {1060, "ERROR_SERVICE_DOES_NOT_EXIST"},
        {1168, "ERROR_NOT_FOUND"},
        {1223, "ERROR_CANCELLED"},
        {1314, "ERROR_PRIVILEGE_NOT_HELD"},
        {1460, "ERROR_TIMEOUT"},
    };
    for (const auto& e : table)
        if (e.code == code) return e.name;
    return {};
}

std::string decode_hresult(long long hresult) {
    const auto hr = static_cast<std::uint32_t>(hresult);
    if (((hr >> 16) & 0x1FFFu) != 7u) return {};
    return std::string(win32_error_name(hr & 0xFFFFu));
}

std::optional<long long> parse_hresult(const nlohmann::json& value) {
    constexpr long long lo = -2147483648LL;
    constexpr long long hi = 4294967295LL;
    long long v = 0;
    if (value.is_number_unsigned()) {
        if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) return std::nullopt;
        v = static_cast<long long>(value.get<std::uint64_t>());
    } else if (value.is_number_integer()) {
        v = value.get<long long>();
    } else if (value.is_number_float()) {
        const double d = value.get<double>();
        if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) || std::trunc(d) != d) return std::nullopt;
        v = static_cast<long long>(d);
    } else if (value.is_string()) {
        std::string_view text = value.get_ref<const std::string&>();
        int base = 10;
        if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
            text.remove_prefix(2);
            base = 16;
        }
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, v, base);
        if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (v < lo || v > hi) return std::nullopt;
    return v;
}

LiveResponseError make_live_response_error(const std::string& what, const nlohmann::json& doc) {
    const auto field = [&](const char* key) -> const nlohmann::json* {
        if (!doc.is_object()) return nullptr;
        const auto it = doc.find(key);
        return it == doc.end() || it->is_null() ? nullptr : &*it;
    };
    const auto unexpected = [](const char* key, const nlohmann::json& v) {
        return fmt::format("field '{}' has an unexpected type ({}): {}", key, v.type_name(), detail::excerpt(v));
    };
    std::optional<long long> code;
    std::string decoded;
    std::string text;
    const auto add = [&](const std::string& part) { text += (text.empty() ? "" : ": ") + part; };
    if (const auto* type = field("result_type"); type != nullptr && !type->is_string()) {
        add(unexpected("result_type", *type));
    } else if (type != nullptr && type->get_ref<const std::string&>() == "WinHresult") {
        const auto* result_code = field("result_code");
        if (result_code != nullptr) code = parse_hresult(*result_code);
        if (code) {
            decoded = decode_hresult(*code);
            add(fmt::format("Win32 error code 0x{:08X}", static_cast<std::uint32_t>(*code)));
            if (!decoded.empty()) text += " (" + decoded + ")";
        } else {
            add("Unknown Win32 error code");
            if (result_code != nullptr) add("field 'result_code' is not an HRESULT: " + detail::excerpt(*result_code));
        }
    }
    if (const auto* desc = field("result_desc"); desc != nullptr && !desc->is_string())
        add(unexpected("result_desc", *desc));
    else if (desc != nullptr && !desc->get_ref<const std::string&>().empty())
        add(desc->get<std::string>());
    if (text.empty()) text = "unknown error";
    return LiveResponseError(what + " failed: " + text,
                             cbapi::detail::json_text(doc), code, decoded);
}
}  // namespace cbapi::live_response
