#pragma once
/// @file
/// Decoding of the HRESULTs Live Response reports for failed commands (`result_type: "WinHresult"`), and the
/// LiveResponseError built from a failed command document.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"

namespace cbapi::live_response {

/// The name of a Win32 error code (`ERROR_*` from winerror.h), or empty when it is not in the table.
/// @param code the Win32 error code (the low 16 bits of a FACILITY_WIN32 HRESULT)
inline std::string_view win32_error_name(unsigned code) noexcept {
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

/// Decodes an HRESULT: only FACILITY_WIN32 (7) results are decoded, as in cbapi-python's `decode_hresult`.
/// @param hresult the HRESULT (e.g. 2147942487 = 0x80070057)
/// @return the Win32 error name (e.g. "ERROR_INVALID_PARAMETER"), empty when not decodable
inline std::string decode_hresult(long long hresult) {
    const auto hr = static_cast<std::uint32_t>(hresult);
    if (((hr >> 16) & 0x1FFFu) != 7u) return {};
    return std::string(win32_error_name(hr & 0xFFFFu));
}

/// The LiveResponseError for a command or session document whose `status` is "error".
///
/// For `result_type: "WinHresult"` the message is "Win32 error code 0x%08X (NAME)" (NAME when decodable); otherwise
/// the server's `result_desc` (or "unknown error"). The message is prefixed with what failed.
/// @param what what failed, e.g. "Live Response command 'get file' on C:\x.txt"
/// @param doc the server's document
inline LiveResponseError make_live_response_error(const std::string& what, const nlohmann::json& doc) {
    std::optional<long long> code;
    std::string decoded;
    std::string detail;
    const bool winhresult = doc.is_object() && doc.value("result_type", std::string()) == "WinHresult";
    if (winhresult) {
        const auto it = doc.find("result_code");
        if (it != doc.end() && it->is_number_integer()) code = it->get<long long>();
        if (it != doc.end() && it->is_number_unsigned()) code = static_cast<long long>(it->get<std::uint64_t>());
        if (it != doc.end() && it->is_string()) {
            try {
                code = std::stoll(it->get<std::string>());
            } catch (const std::exception&) {
            }
        }
        if (code) {
            decoded = decode_hresult(*code);
            detail = fmt::format("Win32 error code 0x{:08X}", static_cast<std::uint32_t>(*code));
            if (!decoded.empty()) detail += " (" + decoded + ")";
        } else {
            detail = "Unknown Win32 error code";
        }
    }
    if (doc.is_object()) {
        const auto desc = doc.find("result_desc");
        if (desc != doc.end() && desc->is_string() && !desc->get<std::string>().empty())
            detail += (detail.empty() ? "" : ": ") + desc->get<std::string>();
    }
    if (detail.empty()) detail = "unknown error";
    return LiveResponseError(what + " failed: " + detail, doc.dump(), code, decoded);
}

}  // namespace cbapi::live_response
