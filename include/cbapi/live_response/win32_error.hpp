#pragma once
/// @file
/// Decoding of the HRESULTs Live Response reports for failed commands (`result_type: "WinHresult"`), and the
/// LiveResponseError built from a failed command document.

#include "cbapi/fwd.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"

namespace cbapi::live_response {

/// The name of a Win32 error code (`ERROR_*` from winerror.h), or empty when it is not in the table.
/// @param code the Win32 error code (the low 16 bits of a FACILITY_WIN32 HRESULT)
std::string_view win32_error_name(unsigned code) noexcept;

/// Decodes an HRESULT: only FACILITY_WIN32 (7) results are decoded, as in cbapi-python's `decode_hresult`.
/// @param hresult the HRESULT (e.g. 2147942487 = 0x80070057)
/// @return the Win32 error name (e.g. "ERROR_INVALID_PARAMETER"), empty when not decodable
std::string decode_hresult(long long hresult);

/// The HRESULT in a `result_code` field: an integer from -2^31 to 2^32-1, as a JSON number or as decimal or `0x` hex
/// text; nullopt for anything else.
std::optional<long long> parse_hresult(const nlohmann::json& value);

/// The LiveResponseError for a command or session document whose `status` is "error".
///
/// For `result_type: "WinHresult"` the message is "Win32 error code 0x%08X (NAME)" (NAME when decodable), or
/// "Unknown Win32 error code" without a usable `result_code` (see parse_hresult()); then the server's `result_desc`;
/// "unknown error" when there is neither. A field of the wrong type is named in the message (the result is still a
/// LiveResponseError). The message is prefixed with what failed. Never throws.
/// @param what what failed, e.g. "Live Response command 'get file' on C:\x.txt"
/// @param doc the server's document
LiveResponseError make_live_response_error(const std::string& what, const nlohmann::json& doc);

}  // namespace cbapi::live_response
