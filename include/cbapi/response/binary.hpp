#pragma once
/// @file
/// Cb Response binaries: Binary (the metadata the server keeps per MD5, the stored file, its icon, its ban state
/// and frequency) and its query (`cb.select<Binary>()`, a paginated `/api/v1/binary` search).

#include "cbapi/fwd.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/banned_hash.hpp"
#include "cbapi/response/query.hpp"
#include "cbapi/response/sensor.hpp"
#include "cbapi/response/threat_intel.hpp"
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

/// A binary, identified by its upper-case MD5: `/api/v1/binary/<MD5>/summary`.
class Binary : public Model {
public:
    static const ModelInfo model_info;  // defined in src/response/binary.cpp
    static constexpr bool creatable = false;
    using query_type = Query<Binary>;

    /// @param api the API the binary belongs to @param full whether `doc` is the complete summary
    /// @param doc must carry `md5` (any case; stored upper-case)
    /// @throws ApiError "MD5sum <md5> is not valid" when it is not 32 hex digits
    Binary(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    /// The upper-case MD5.
    std::string md5() const;

    /// The file size in bytes (`orig_mod_len`).
    long long size() const;
    /// The bytes the server stored (`copied_mod_len`; smaller than size() for files over 25 MB).
    long long copied_size() const;
    /// Whether the signature is valid: only `digsig_result` "Signed" counts ("(Unknown)", "Unsigned", "Expired",
    /// ... and an absent result are all false; cbapi-python raised for an absent one).
    bool is_signed() const;
    /// `digsig_result` as the server wrote it ("" when absent).
    std::string digsig_result() const;
    std::string digsig_publisher() const;
    std::string digsig_issuer() const;
    std::string digsig_subject() const;
    std::string digsig_prog_name() const;
    /// The signature data in one struct.
    SigningData signing_data() const;
    /// The version resource in one struct.
    VersionInfo version_info() const;
    std::string product_name() const;
    std::string product_version() const;
    std::string file_version() const;
    std::string company_name() const;
    std::string original_filename() const;
    std::string os_type() const;
    bool is_64bit() const;
    bool is_executable_image() const;
    long long host_count() const;
    std::optional<TimePoint> server_added_timestamp() const;
    /// The paths the file was seen at (`observed_filename`; empty when none).
    std::vector<std::string> observed_filenames() const;
    /// The VirusTotal score and link (0 and "" when absent).
    VirusTotal virustotal() const;
    /// The sensors that saw the binary (`endpoint` entries "<hostname>|<sensor id>"), host names pre-filled.
    std::vector<Sensor> endpoints() const;
    /// The icon embedded in the document (`icon`, base64), decoded; empty when none.
    std::string icon() const;

    /// The console page of this binary: `<server>/#binary/<MD5>`.
    std::string webui_link() const;

    /// The binary's icon from the server (`GET /api/v1/binary/<MD5>/icon`, a PNG; a default icon when it has none).
    std::string fetch_icon() const;

    /// How many hosts and processes ran it (`GET /api/v1/process/host/count?cb.freqver=1&md5=<MD5>&name=md5`),
    /// asked once per object.
    FrequencyData frequency() const;

    /// The banning record of this MD5 (`GET /api/v1/banning/blacklist/<md5>`), enabled or not, or none when it was
    /// never banned (the server answers 404, or 409 on some versions).
    /// @throws ServerError for other errors (cbapi-python returned None for them, hiding e.g. a permission problem)
    std::optional<BannedHash> ban_record() const;
    /// The ban in force on this MD5 (cbapi-python's `banned`): its banning record when that is enabled, else none
    /// (never banned, or the ban was lifted). `if (binary.banned())` reads as before, when this returned a bool.
    /// @throws ServerError as ban_record()
    std::optional<BannedHash> banned() const;

    // --- threat intelligence (cbapi-python's TaggedModel) ---------------------------------------------------------
    //
    // Read from the summary's `alliance_<kind>_<feed>` fields (a partially loaded binary loads its summary first).
    // A malformed value throws ApiError naming the field.

    /// The names of the feeds that tagged this binary, sorted (cbapi-python's `tags`).
    std::vector<std::string> tags() const;
    /// Everything one feed says about this binary; none when it did not tag it (cbapi-python's `tag_info`).
    /// @param feed the feed's short name, e.g. "virustotal"
    std::optional<FeedTag> tag_info(const std::string& feed) const;
    /// The ids of the feed's reports that matched (`alliance_data_<feed>`); empty when none.
    /// @param feed the feed's short name
    std::vector<std::string> tag_data(const std::string& feed) const;
    /// The feed's score (`alliance_score_<feed>`); none when absent. @param feed the feed's short name
    std::optional<long long> tag_score(const std::string& feed) const;
    /// The feed's link (`alliance_link_<feed>`); "" when absent. @param feed the feed's short name
    std::string tag_link(const std::string& feed) const;
    /// Every feed's hit on this binary, sorted by feed.
    std::vector<FeedTag> threat_intel_hits() const;

    /// The default of `max_size` in file() and file_into(): 1 GiB (the server keeps at most 25 MB of a binary).
    static constexpr std::uint64_t default_max_file_size = std::uint64_t(1) << 30;

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
    std::uint64_t file(const std::string& path, std::uint64_t max_size = default_max_file_size) const;

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
                                    std::uint64_t max_size = default_max_file_size) const;

    /// The file's bytes in memory (cbapi-python's `binary.file.read()`): `GET /api/v1/binary/<MD5>` (a zip) held in
    /// memory up to about `max_size`, and its member `filedata` extracted, size- and CRC-checked. Either the whole
    /// file is returned or an exception is thrown: nothing partial.
    /// @param max_size the largest file accepted (the member's declared size; the zip download is cut off at about
    ///        that size too); keep it near what you expect, since the bytes are held in memory
    /// @return the file's bytes
    /// @throws ObjectNotFoundError when the server does not hold the file; ApiError when the zip is over the limit,
    ///         unreadable or corrupt, or its file is larger than `max_size`; the request's errors
    std::string read(std::uint64_t max_size = default_max_file_size) const;

    /// Downloads the server's zip for this binary (the file as member `filedata` plus a metadata member) to `path`
    /// unchanged, streamed, through a cbapi::AtomicFile (mode 0600): `path` is replaced only by a complete download.
    /// @return the number of bytes written
    /// @throws ObjectNotFoundError when the server does not hold the file; ApiError when `path` is a symbolic link or
    ///         cannot be written; the request's errors
    std::uint64_t download_zip(const std::string& path) const;

private:
    // Loads the summary when the binary is partially loaded (its tags are only in the summary).
    const Binary& loaded() const;
    std::string text(const char* name) const;
    long long number(const char* name) const;

    mutable std::optional<FrequencyData> frequency_;
};

}  // namespace cbapi::response
