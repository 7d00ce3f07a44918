// Cb Response binaries (include/cbapi/response/binary.hpp): typed fields, frequency, ban state and the file
// downloads (streamed to a scratch file, extracted and committed atomically).

#include "cbapi/response/binary.hpp"

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/detail/download_status.hpp"
#include "cbapi/detail/json_number.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/detail/zip.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/files.hpp"
#include "cbapi/http.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/response/banned_hash.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/threat_intel.hpp"
#include "cbapi/time.hpp"
#include "response/feed_tags.hpp"

namespace cbapi::response {

static_assert(Binary::default_max_file_size == cbapi::detail::default_max_extracted_bytes,
              "Binary::default_max_file_size is the zip extraction limit");

namespace binary_detail {

std::string upper_md5(std::string md5) {
    for (char& c : md5) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return md5;
}

bool is_md5(const std::string& md5) {
    if (md5.size() != 32) return false;
    for (char c : md5)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

/// Decodes standard base64 (white space ignored). @throws ApiError for other characters
std::string base64_decode(const std::string& text) {
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

long long number(const nlohmann::json& doc, const char* key) {
    const auto it = doc.find(key);
    if (it == doc.end()) return 0;
    return cbapi::detail::lenient_integer(*it, key).value_or(0);
}

}  // namespace binary_detail

const ModelInfo Binary::model_info =
    ModelInfo("Binary", "/api/v1/binary").key("md5").instance_url([](const std::string& md5) {
        return "/api/v1/binary/" + cbapi::detail::encode_path_segment(binary_detail::upper_md5(md5)) + "/summary";
    });

Binary::Binary(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : Model(model_info, std::move(api), std::move(doc), full) {
    auto& d = mutable_document();
    if (!d.contains("md5")) return;  // a document without md5 is reported when it is used
    const std::string md5 = binary_detail::upper_md5(detail::text_field(d, "md5"));
    if (!binary_detail::is_md5(md5)) throw ApiError("MD5sum " + md5 + " is not valid");
    d["md5"] = md5;
}

std::string Binary::md5() const { return id(); }

long long Binary::size() const { return number("orig_mod_len"); }

long long Binary::copied_size() const { return number("copied_mod_len"); }

bool Binary::is_signed() const { return get_or<std::string>("digsig_result", "") == "Signed"; }

std::string Binary::digsig_result() const { return get_or<std::string>("digsig_result", ""); }

std::string Binary::digsig_publisher() const { return get_or<std::string>("digsig_publisher", ""); }

std::string Binary::digsig_issuer() const { return get_or<std::string>("digsig_issuer", ""); }

std::string Binary::digsig_subject() const { return get_or<std::string>("digsig_subject", ""); }

std::string Binary::digsig_prog_name() const { return get_or<std::string>("digsig_prog_name", ""); }

SigningData Binary::signing_data() const {
    SigningData s;
    s.result = digsig_result();
    s.publisher = digsig_publisher();
    s.issuer = digsig_issuer();
    s.subject = digsig_subject();
    s.program_name = digsig_prog_name();
    if (auto t = get_or<std::string>("digsig_sign_time", ""); !t.empty()) s.sign_time = try_parse_cb_time(t);
    return s;
}

VersionInfo Binary::version_info() const {
    return VersionInfo{text("file_desc"),    text("file_version"),    text("product_name"),
                       text("product_version"), text("company_name"), text("legal_copyright"),
                       text("original_filename")};
}

std::string Binary::product_name() const { return text("product_name"); }

std::string Binary::product_version() const { return text("product_version"); }

std::string Binary::file_version() const { return text("file_version"); }

std::string Binary::company_name() const { return text("company_name"); }

std::string Binary::original_filename() const { return text("original_filename"); }

std::string Binary::os_type() const { return text("os_type"); }

bool Binary::is_64bit() const { return get_or<bool>("is_64bit", false); }

bool Binary::is_executable_image() const { return get_or<bool>("is_executable_image", false); }

long long Binary::host_count() const { return number("host_count"); }

std::optional<TimePoint> Binary::server_added_timestamp() const { return get<TimePoint>("server_added_timestamp"); }

std::vector<std::string> Binary::observed_filenames() const {
    return get_or<std::vector<std::string>>("observed_filename", {});
}

VirusTotal Binary::virustotal() const {
    return VirusTotal{static_cast<int>(number("alliance_score_virustotal")), text("alliance_link_virustotal")};
}

std::vector<Sensor> Binary::endpoints() const {
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

std::string Binary::icon() const { return binary_detail::base64_decode(text("icon")); }

std::string Binary::webui_link() const { return api()->connection.url() + "/#binary/" + md5(); }

std::string Binary::fetch_icon() const {
    return api()->connection.request(HttpMethod::get, "/api/v1/binary/" + md5() + "/icon").body;
}

FrequencyData Binary::frequency() const {
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

std::optional<BannedHash> Binary::ban_record() const {
    std::string lower = md5();
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    try {
        auto body = api()->connection.get_json("/api/v1/banning/blacklist/" + lower, {}, nlohmann::json());
        if (body.is_array()) body = body.empty() ? nlohmann::json() : body.front();
        if (!body.is_object()) return std::nullopt;
        if (!body.contains("md5hash")) body["md5hash"] = lower;
        return BannedHash(api(), std::move(body), true);
    } catch (const ObjectNotFoundError&) {
        return std::nullopt;
    } catch (const ServerError& e) {
        if (e.status() == 409) return std::nullopt;
        throw;
    }
}

// A record without `enabled` counts as in force (older servers list only active bans).
std::optional<BannedHash> Binary::banned() const {
    auto record = ban_record();
    if (!record || !record->document().value("enabled", true)) return std::nullopt;
    return record;
}

const Binary& Binary::loaded() const {
    ensure_loaded();
    return *this;
}

std::vector<std::string> Binary::tags() const { return detail::feed_tag_names(loaded()); }

std::optional<FeedTag> Binary::tag_info(const std::string& feed) const { return detail::find_feed_tag(loaded(), feed); }

std::vector<std::string> Binary::tag_data(const std::string& feed) const {
    return detail::tag_data_of(tag_info(feed));
}

std::optional<long long> Binary::tag_score(const std::string& feed) const {
    return detail::tag_score_of(tag_info(feed));
}

std::string Binary::tag_link(const std::string& feed) const { return detail::tag_link_of(tag_info(feed)); }

std::vector<FeedTag> Binary::threat_intel_hits() const { return detail::feed_tag_list(loaded()); }

std::string Binary::read(std::uint64_t max_size) const {
    std::string zip;
    cbapi::detail::download_bounded(api()->connection, "/api/v1/binary/" + md5(), {},
                                    cbapi::detail::max_archive_bytes(max_size), "binary " + md5(),
                                    [&](std::string_view chunk) { zip.append(chunk); });
    std::istringstream in(std::move(zip));
    std::ostringstream out;
    cbapi::detail::extract_zip_member(in, "filedata", out, max_size);
    return out.str();
}

std::uint64_t Binary::file(const std::string& path, std::uint64_t max_size) const {
    AtomicFile out(path, AtomicFile::private_mode);  // refuses a link at `path` before anything is asked
    cbapi::detail::ScratchFile zip(std::filesystem::path(path).parent_path());
    cbapi::detail::download_bounded(api()->connection, "/api/v1/binary/" + md5(), {},
                                    cbapi::detail::max_archive_bytes(max_size), "binary " + md5(),
                                    [&](std::string_view chunk) { zip.write(chunk); });
    const std::uint64_t n = cbapi::detail::extract_zip_member(zip.reader(), "filedata", out.stream(), max_size);
    out.commit();
    return n;
}

std::filesystem::path Binary::file_into(const std::filesystem::path& directory, FileName naming,
                                        std::uint64_t max_size) const {
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

std::uint64_t Binary::download_zip(const std::string& path) const {
    AtomicFile out(path, AtomicFile::private_mode);
    const std::string url = "/api/v1/binary/" + md5();
    const Response reply = api()->connection.download(url, [&](std::string_view chunk) { out.write(chunk); });
    cbapi::detail::require_download_success(reply, url);
    out.commit();
    return out.size();
}

std::string Binary::text(const char* name) const { return get_or<std::string>(name, ""); }

long long Binary::number(const char* name) const {
    if (!has(name)) return 0;
    return binary_detail::number(document(), name);
}

}  // namespace cbapi::response
