#pragma once
/// @file
/// Cb Response binaries: Binary (the metadata the server keeps per MD5, the stored file, its icon, its ban state
/// and frequency) and its query (`cb.select<Binary>()`, a paginated `/api/v1/binary` search).

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cbapi/detail/download_status.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/detail/zip.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/files.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/query.hpp"
#include "cbapi/response/sensor.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

/// A binary's digital-signature data (`Binary::signing_data()`).
struct SigningData {
    std::string result;        ///< `digsig_result`: Signed, Unsigned, Expired, Bad Signature, ... ("" if absent)
    std::string publisher;     ///< `digsig_publisher`
    std::string issuer;        ///< `digsig_issuer`
    std::string subject;       ///< `digsig_subject`
    std::optional<TimePoint> sign_time;  ///< `digsig_sign_time`, when present and readable
    std::string program_name;  ///< `digsig_prog_name`
};

/// A binary's version resource (`Binary::version_info()`); empty strings when absent.
struct VersionInfo {
    std::string file_desc, file_version, product_name, product_version, company_name, legal_copyright,
        original_filename;
};

/// How common a binary is (`Binary::frequency()`).
struct FrequencyData {
    long long computer_count = 0;     ///< hosts that ran it (`hostCount`)
    long long process_count = 0;      ///< processes that loaded it (`globalCount`)
    long long all_process_count = 0;  ///< all processes (`numDocs`)
    double module_frequency = 0;      ///< process_count / all_process_count (0 when there are none)
};

/// A binary's VirusTotal result (`Binary::virustotal()`).
struct VirusTotal {
    int score = 0;     ///< `alliance_score_virustotal`
    std::string link;  ///< `alliance_link_virustotal`
};

namespace binary_detail {

inline std::string upper_md5(std::string md5) {
    for (char& c : md5) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return md5;
}

inline bool is_md5(const std::string& md5) {
    if (md5.size() != 32) return false;
    for (char c : md5)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

/// Decodes standard base64 (white space ignored). @throws ApiError for other characters
inline std::string base64_decode(const std::string& text) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        int v = -1;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+' || c == '-') v = 62;
        else if (c == '/' || c == '_') v = 63;
        else if (c == '=' || std::isspace(static_cast<unsigned char>(c))) continue;
        else throw ApiError("Invalid base64 data in a binary's icon");
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

inline long long number(const nlohmann::json& doc, const char* key) {
    const auto it = doc.find(key);
    if (it == doc.end()) return 0;
    return cbapi::detail::lenient_integer(*it, key).value_or(0);
}

}  // namespace binary_detail

/// A binary, identified by its upper-case MD5: `/api/v1/binary/<MD5>/summary`.
class Binary : public Model {
public:
    inline static const ModelInfo model_info =
        ModelInfo("Binary", "/api/v1/binary").key("md5").instance_url([](const std::string& md5) {
            return "/api/v1/binary/" + cbapi::detail::encode_path_segment(binary_detail::upper_md5(md5)) + "/summary";
        });
    static constexpr bool creatable = false;
    using query_type = Query<Binary>;

    /// @param api the API the binary belongs to @param full whether `doc` is the complete summary
    /// @param doc must carry `md5` (any case; stored upper-case)
    /// @throws ApiError "MD5sum <md5> is not valid" when it is not 32 hex digits
    Binary(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : Model(model_info, std::move(api), std::move(doc), full) {
        auto& d = mutable_document();
        if (!d.contains("md5")) return;  // a document without md5 is reported when it is used
        const std::string md5 = binary_detail::upper_md5(detail::text_field(d, "md5"));
        if (!binary_detail::is_md5(md5)) throw ApiError("MD5sum " + md5 + " is not valid");
        d["md5"] = md5;
    }

    /// The upper-case MD5.
    std::string md5() const { return id(); }

    /// The file size in bytes (`orig_mod_len`).
    long long size() const { return number("orig_mod_len"); }
    /// The bytes the server stored (`copied_mod_len`; smaller than size() for files over 25 MB).
    long long copied_size() const { return number("copied_mod_len"); }
    /// Whether the signature is valid: only `digsig_result` "Signed" counts ("(Unknown)", "Unsigned", "Expired",
    /// ... and an absent result are all false; cbapi-python raised for an absent one).
    bool is_signed() const { return get_or<std::string>("digsig_result", "") == "Signed"; }
    /// `digsig_result` as the server wrote it ("" when absent).
    std::string digsig_result() const { return get_or<std::string>("digsig_result", ""); }
    std::string digsig_publisher() const { return get_or<std::string>("digsig_publisher", ""); }
    std::string digsig_issuer() const { return get_or<std::string>("digsig_issuer", ""); }
    std::string digsig_subject() const { return get_or<std::string>("digsig_subject", ""); }
    std::string digsig_prog_name() const { return get_or<std::string>("digsig_prog_name", ""); }
    /// The signature data in one struct.
    SigningData signing_data() const {
        SigningData s;
        s.result = digsig_result();
        s.publisher = digsig_publisher();
        s.issuer = digsig_issuer();
        s.subject = digsig_subject();
        s.program_name = digsig_prog_name();
        if (auto t = get_or<std::string>("digsig_sign_time", ""); !t.empty()) s.sign_time = try_parse_cb_time(t);
        return s;
    }
    /// The version resource in one struct.
    VersionInfo version_info() const {
        return VersionInfo{text("file_desc"),    text("file_version"),    text("product_name"),
                           text("product_version"), text("company_name"), text("legal_copyright"),
                           text("original_filename")};
    }
    std::string product_name() const { return text("product_name"); }
    std::string product_version() const { return text("product_version"); }
    std::string file_version() const { return text("file_version"); }
    std::string company_name() const { return text("company_name"); }
    std::string original_filename() const { return text("original_filename"); }
    std::string os_type() const { return text("os_type"); }
    bool is_64bit() const { return get_or<bool>("is_64bit", false); }
    bool is_executable_image() const { return get_or<bool>("is_executable_image", false); }
    long long host_count() const { return number("host_count"); }
    std::optional<TimePoint> server_added_timestamp() const { return get<TimePoint>("server_added_timestamp"); }
    /// The paths the file was seen at (`observed_filename`; empty when none).
    std::vector<std::string> observed_filenames() const {
        return get_or<std::vector<std::string>>("observed_filename", {});
    }
    /// The VirusTotal score and link (0 and "" when absent).
    VirusTotal virustotal() const { return VirusTotal{static_cast<int>(number("alliance_score_virustotal")), text("alliance_link_virustotal")}; }
    /// The sensors that saw the binary (`endpoint` entries "<hostname>|<sensor id>"), host names pre-filled.
    std::vector<Sensor> endpoints() const {
        std::vector<Sensor> out;
        for (const auto& e : get_or<std::vector<std::string>>("endpoint", {})) {
            const auto bar = e.rfind('|');
            if (bar == std::string::npos) continue;
            try {
                out.emplace_back(api(), nlohmann::json{{"id", std::stoll(e.substr(bar + 1))}, {"computer_name", e.substr(0, bar)}},
                                 false);
            } catch (const std::logic_error&) {
                logger()->warn("Skipping an unreadable endpoint of binary {}: {}", md5(), e);
            }
        }
        return out;
    }
    /// The icon embedded in the document (`icon`, base64), decoded; empty when none.
    std::string icon() const { return binary_detail::base64_decode(text("icon")); }

    /// The console page of this binary: `<server>/#binary/<MD5>`.
    std::string webui_link() const { return api()->connection.url() + "/#binary/" + md5(); }

    /// The binary's icon from the server (`GET /api/v1/binary/<MD5>/icon`, a PNG; a default icon when it has none).
    std::string fetch_icon() const {
        return api()->connection.request(HttpMethod::get, "/api/v1/binary/" + md5() + "/icon").body;
    }

    /// How many hosts and processes ran it (`GET /api/v1/process/host/count?cb.freqver=1&md5=<MD5>&name=md5`),
    /// asked once per object.
    FrequencyData frequency() const {
        if (!frequency_) {
            const auto body = api()->connection.get_json("/api/v1/process/host/count",
                                                         {{"cb.freqver", "1"}, {"md5", md5()}, {"name", "md5"}},
                                                         nlohmann::json::object());
            FrequencyData f;
            f.computer_count = binary_detail::number(body, "hostCount");
            f.process_count = binary_detail::number(body, "globalCount");
            f.all_process_count = binary_detail::number(body, "numDocs");
            f.module_frequency = f.all_process_count == 0 ? 0.0 : static_cast<double>(f.process_count) /
                                                                    static_cast<double>(f.all_process_count);
            frequency_ = f;
        }
        return *frequency_;
    }

    /// The banning record of this MD5 (`GET /api/v1/banning/blacklist/<md5>`), or none when it was never banned
    /// (the server answers 404, or 409 on some versions).
    /// @throws ServerError for other errors (cbapi-python returned None for them, hiding e.g. a permission problem)
    std::optional<nlohmann::json> ban_record() const {
        std::string lower = md5();
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        try {
            auto body = api()->connection.get_json("/api/v1/banning/blacklist/" + lower, {}, nlohmann::json());
            if (body.is_array()) body = body.empty() ? nlohmann::json() : body.front();
            if (!body.is_object()) return std::nullopt;
            return body;
        } catch (const ObjectNotFoundError&) {
            return std::nullopt;
        } catch (const ServerError& e) {
            if (e.status() == 409) return std::nullopt;
            throw;
        }
    }
    /// Whether the MD5 is banned now: it has a banning record that is not disabled (`enabled` false).
    bool banned() const {
        const auto record = ban_record();
        return record && record->value("enabled", true);
    }

    /// The default of `max_size` in file() and file_into(): 1 GiB (the server keeps at most 25 MB of a binary).
    static constexpr std::uint64_t default_max_file_size = cbapi::detail::default_max_extracted_bytes;

    /// Downloads the file (`GET /api/v1/binary/<MD5>`, a zip) and writes its member `filedata` to `path`.
    ///
    /// The zip is streamed to a nameless scratch file in `path`'s directory (memory stays bounded, nothing can be
    /// planted at it and nothing is left behind), then the member is extracted (stored and deflated members) into a
    /// temporary created exclusively next to `path` (see cbapi::AtomicFile), checked (size and CRC-32), synced and
    /// renamed over `path` only when complete. A failed request (an error status, a connection dropped mid-body), a
    /// corrupt or oversized zip, a write error or an exception leaves an existing `path` exactly as it was and no
    /// partial file. Inflating stops as soon as the output exceeds the member's declared size (a zip bomb writes at
    /// most that many bytes to the temporary). The new file gets mode 0600 (before the umask).
    /// @param path the file to write; refused when it is a symbolic link or not a regular file
    /// @param max_size the largest member accepted (its declared size; the zip download is cut off at about that
    ///        size too)
    /// @return the number of bytes written
    /// @throws ObjectNotFoundError when the server does not hold the file; ApiError when `path` is a symbolic link,
    ///         the zip is unreadable, corrupt or too large, or the file cannot be written; the request's errors
    std::uint64_t file(const std::string& path, std::uint64_t max_size = default_max_file_size) const {
        AtomicFile out(path, AtomicFile::private_mode);  // refuses a link at `path` before anything is asked
        cbapi::detail::ScratchFile zip(std::filesystem::path(path).parent_path());
        const std::uint64_t max_zip = max_size + max_size / 64 + (std::uint64_t(1) << 20);
        const std::string url = "/api/v1/binary/" + md5();
        const Response reply = api()->connection.download(url, [&](std::string_view chunk) {
            if (zip.size() + chunk.size() > max_zip)
                throw ApiError("The download of binary " + md5() + " is larger than the limit of " +
                               std::to_string(max_zip) + " bytes");
            zip.write(chunk);
        });
        cbapi::detail::require_download_success(reply, url);
        const std::uint64_t n = cbapi::detail::extract_zip_member(zip.reader(), "filedata", out.stream(), max_size);
        out.commit();
        return n;
    }

    /// How file_into() names the file it writes.
    enum class FileName {
        md5,               ///< `<MD5>` (upper case)
        original_filename  ///< the server's `original_filename`, else the first observed file name, else the MD5
    };

    /// Downloads the file (as file()) into `directory`, named after server data that can never make it land
    /// elsewhere: the name's last path component only, control characters and characters Windows refuses replaced
    /// by '_' (see cbapi::safe_output_path()).
    /// An existing file of that name is replaced only by a complete download; a symbolic link of that name is refused.
    /// @param directory an existing directory @param naming what to name the file after
    /// @param max_size as file()
    /// @return the path written
    /// @throws ApiError when the name cannot be made safe or the file cannot be written; as file()
    std::filesystem::path file_into(const std::filesystem::path& directory, FileName naming = FileName::md5,
                                    std::uint64_t max_size = default_max_file_size) const {
        std::string name = md5();
        if (naming == FileName::original_filename) {
            if (const std::string original = original_filename(); !original.empty()) {
                name = original;
            } else if (const auto observed = observed_filenames(); !observed.empty() && !observed.front().empty()) {
                name = observed.front();
            }
        }
        const std::filesystem::path path = safe_output_path(directory, name);
        file(path.string(), max_size);
        return path;
    }

    /// Downloads the server's zip for this binary (the file as member `filedata` plus a metadata member) to `path`
    /// unchanged, streamed, through a cbapi::AtomicFile (mode 0600): `path` is replaced only by a complete download.
    /// @return the number of bytes written
    /// @throws ObjectNotFoundError when the server does not hold the file; ApiError when `path` is a symbolic link or
    ///         cannot be written; the request's errors
    std::uint64_t download_zip(const std::string& path) const {
        AtomicFile out(path, AtomicFile::private_mode);
        const std::string url = "/api/v1/binary/" + md5();
        const Response reply = api()->connection.download(url, [&](std::string_view chunk) { out.write(chunk); });
        cbapi::detail::require_download_success(reply, url);
        out.commit();
        return out.size();
    }

private:
    std::string text(const char* name) const { return get_or<std::string>(name, ""); }
    long long number(const char* name) const {
        if (!has(name)) return 0;
        return binary_detail::number(document(), name);
    }

    mutable std::optional<FrequencyData> frequency_;
};

}  // namespace cbapi::response
