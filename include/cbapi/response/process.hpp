#pragma once
/// @file
/// Cb Response processes: Process (identity, summary fields, relationships, events) and ProcessQuery.
///
/// A process is identified by its GUID (`SSSSSSSS-PPPPPPPP-TTTTTTTTTTTTTTTT` with dashes: sensor id, pid, FILETIME
/// of its creation) and a *segment*. Before 6.0 a process is normally one segment (`1`); from 6.0 on its events are
/// split into many segments whose ids are millisecond timestamps, and segment `0` means the whole process. A
/// `unique_id` is the GUID plus `-` plus the segment in hex (8 digits on 5.x, 12 on 6.x).
///
/// Requests a Process makes (each at most once per object, then cached):
/// - summary: `GET /api/v1/process/<guid>/<default segment>[?children=<n>]` (default segment 0 from 6.0 on, 1
///   before) — the process document plus its parent, children and siblings, in one call. It is made when a field
///   the object lacks is read, or by refresh(), parent(), children(), siblings();
/// - events: `GET /api/v<1-4>/process/<guid>/<segment>/event` (the version by server, see events.hpp);
/// - segments: `GET /api/v1/process/<guid>/segment` (6.0+) or a `process_id:<guid>` search (before 6.0).
///
/// Differences from cbapi-python 1.3.2 (its bugs, fixed): the summary's relatives are used even when events were
/// loaded first; all_events() lists every childproc record of every segment (Python took the summary's children,
/// cut at 15 and repeated once per segment) and does not change the object's segment;
/// `unique_id` suffixes are read whole (Python skipped the first hex digit); a child's missing start comes from its
/// own GUID (not the parent's); process_md5()/path() fall back to the first module load; a malformed event record
/// is skipped with a warning instead of failing the whole list; ProcessQuery filters never change the query they
/// were called on.

#include "cbapi/fwd.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/binary.hpp"
#include "cbapi/response/events.hpp"
#include "cbapi/response/query.hpp"
#include "cbapi/response/sensor.hpp"
#include "cbapi/response/threat_intel.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

class Process;
/// ProcessQuery is the Process specialization of Query (so `Query<Process>` and `ProcessQuery` are one type).
template <>
class Query<Process>;
/// The query of processes: `cb.select<Process>()`.
using ProcessQuery = Query<Process>;

/// What a process GUID encodes.
struct ProcessGuid {
    std::uint32_t sensor_id = 0;  ///< the sensor that saw the process
    std::uint32_t pid = 0;        ///< its process id
    TimePoint create_time{};      ///< when it was created (from the FILETIME in the GUID)
};

/// One child of a process as the summary lists it (Process::children()): an event whose timestamp is the child's
/// start, and the child itself, ready to use (its summary fields are already filled in).
struct ChildProcess {
    ChildProcEvent event;  ///< procguid, md5, pid, path, timestamp = the child's start, proc_data = its document
    std::shared_ptr<Process> process;  ///< the child (shared so that a ChildProcess stays cheap to copy)
};

/// A process (one segment of it, or the whole process for segment 0 on 6.x): `/api/v1/process/<guid>/<segment>`.
/// Search with `cb.select<Process>()` (a ProcessQuery); select one with `cb.select<Process>(guid_or_unique_id)`.
///
/// Reading a field the object lacks loads the process summary once. A Process is a plain value owned by one thread
/// at a time; copies share nothing mutable but cached, immutable event lists.
class Process : public Model {
public:
    static const ModelInfo model_info;  // defined in src/response/process.cpp
    static constexpr bool creatable = false;
    using query_type = ProcessQuery;

    /// Makes a process from a document (a search result, a summary's relative, or just `{"id": ...}`).
    /// `id` may be a GUID, a 5.x (45 characters) or 6.x (49 characters, 6.0+ servers) unique id, or a legacy
    /// integer id; a missing or empty `id` falls back to `unique_id` (documents of processes carried over from 5.2
    /// to 6.1). A missing or zero `segment_id` means the default segment (0 from 6.0 on, 1 before).
    /// An id that is not a 36-character GUID makes an *invalid* process: it never asks the server for anything.
    /// @param api the API the process belongs to
    /// @param doc the document
    /// @param full whether the document is complete (reading a missing field then loads nothing)
    /// @throws ApiError when the document is not an object
    Process(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full);

    // --- identity ---------------------------------------------------------------------------------------------

    /// The process GUID (36 characters).
    std::string guid() const;
    /// The segment this object describes (0 = every segment, 6.0+ servers).
    long long segment() const noexcept { return segment_; }
    /// The segment used when none is given: 0 (the whole process) from 6.0 on, 1 before.
    long long default_segment() const;
    /// The unique id: the document's `unique_id`, else the GUID plus the segment in hex (12 digits on 6.x, 8 before).
    std::string unique_id() const;
    /// Whether the id is a usable GUID (an invalid process makes no requests).
    bool valid() const noexcept { return valid_; }
    /// Whether the sensor suppressed this process (only known for children; no requests are made for it).
    bool suppressed() const noexcept { return suppressed_; }

    /// Splits a unique id into GUID and segment: 45 characters (5.x, 8 hex digits) on any server, 49 characters
    /// (6.x, 12 hex digits) only when `server_6x`. The whole suffix is read (cbapi-python skipped its first digit).
    /// @return nullopt when the text is not such a unique id
    static std::optional<std::pair<std::string, long long>> parse_unique_id(std::string_view text, bool server_6x);

    /// Decodes a process GUID: sensor id (first 8 hex digits), pid (next 8), creation FILETIME (last 16).
    /// @return nullopt when the text has fewer than 32 hex digits (dashes ignored) or a bad time
    static std::optional<ProcessGuid> decode_guid(std::string_view guid);

    // --- fields (typed views; any field: get<T>(name)) ------------------------------------------------------------

    /// A field converted to T; loads the summary first when the object lacks the field (see Model::get).
    template <typename T>
    std::optional<T> get(std::string_view name) const {
        need(name);
        return Model::get<T>(name);
    }
    /// get<T>(name), or `fallback` when absent or null.
    template <typename T>
    T get_or(std::string_view name, T fallback) const {
        need(name);
        return Model::get_or<T>(name, std::move(fallback));
    }
    /// Whether the field is present (loading the summary first when needed).
    bool has(std::string_view name) const;

    std::string process_name() const;
    /// The command line; the path when the server has none.
    std::string cmdline() const;
    std::string hostname() const;
    std::string username() const;
    /// The executable's path; when empty, the path of the first module load (usually the executable).
    std::string path() const;
    /// The executable's MD5; when empty, the MD5 of the first module load.
    std::string process_md5() const;
    long long process_pid() const;
    long long parent_pid() const;
    long long sensor_id() const;
    std::string group() const;
    std::string os_type() const;
    std::string host_type() const;
    std::string parent_name() const;
    /// The parent's MD5. 6.x servers stopped sending `parent_md5` (cbapi-python reads it from the parent since its
    /// 2018 fix, "1.3.7"): when the document has no usable value (absent, empty or zeros) it is the parent process's
    /// process_md5(), taken from the summary's parent document (no request beyond the summary). Empty for a root.
    std::string parent_md5() const;
    long long modload_count() const;
    long long filemod_count() const;
    long long regmod_count() const;
    long long netconn_count() const;
    long long crossproc_count() const;
    long long childproc_count() const;
    /// Whether the process has ended (false when the server does not say).
    bool terminated() const;
    /// When the process started (from its GUID when the document has no usable `start`).
    std::optional<TimePoint> start() const;
    /// The sensor-clock time of the last event.
    std::optional<TimePoint> last_update() const;
    /// The server-clock time the last event arrived.
    std::optional<TimePoint> last_server_update() const;
    /// The earliest `last_update` of the process's segments (`min_last_update`, sent by 6.x servers); none when
    /// absent. (cbapi-python 1.3.2 returned last_update here.)
    /// @throws ApiError naming the field when it is not a time
    std::optional<TimePoint> min_last_update() const;
    /// The latest `last_update` of the process's segments (`max_last_update`); none when absent.
    /// @throws ApiError naming the field when it is not a time
    std::optional<TimePoint> max_last_update() const;
    /// The earliest `last_server_update` of the process's segments (`min_last_server_update`); none when absent.
    /// @throws ApiError naming the field when it is not a time
    std::optional<TimePoint> min_last_server_update() const;
    /// The latest `last_server_update` of the process's segments (`max_last_server_update`); none when absent.
    /// @throws ApiError naming the field when it is not a time
    std::optional<TimePoint> max_last_server_update() const;
    /// When the process ended: the `end` field; else `last_update` when it terminated; else none (still running or
    /// unknown).
    std::optional<TimePoint> end() const;
    /// `comms_ip` as a dotted quad (the server sends a signed 32-bit integer).
    std::string comms_ip() const;
    /// `interface_ip` as a dotted quad.
    std::string interface_ip() const;

    /// The console page of this process: `<server>/#analyze/<guid>/<segment>`.
    std::string webui_link() const;

    /// The sensor that saw this process (loaded lazily).
    Sensor sensor() const;
    /// The executable's binary (loaded lazily; pre-filled from the process's `binaries` map when present), or none
    /// when the process has no MD5 (process_md5() is empty), as cbapi-python returns None. (Before, a Binary was
    /// always returned and one without an MD5 threw.)
    std::optional<Binary> binary() const;

    // --- threat intelligence (cbapi-python's TaggedModel) ---------------------------------------------------------
    //
    // Read from the `alliance_<kind>_<feed>` fields (a process whose fields are not complete loads its summary first).
    // A malformed value throws ApiError naming the field.

    /// The names of the feeds that tagged this process, sorted (cbapi-python's `tags`).
    std::vector<std::string> tags() const;
    /// Everything one feed says about this process; none when it did not tag it (cbapi-python's `tag_info`).
    /// @param feed the feed's short name, e.g. "srstrust"
    std::optional<FeedTag> tag_info(const std::string& feed) const;
    /// The ids of the feed's reports that matched (`alliance_data_<feed>`); empty when none.
    /// @param feed the feed's short name
    std::vector<std::string> tag_data(const std::string& feed) const;
    /// The feed's score (`alliance_score_<feed>`); none when absent. @param feed the feed's short name
    std::optional<long long> tag_score(const std::string& feed) const;
    /// The feed's link (`alliance_link_<feed>`); "" when absent. @param feed the feed's short name
    std::string tag_link(const std::string& feed) const;
    /// Every feed's hit on this process, sorted by feed: the `alliance_*` fields as typed values.
    std::vector<FeedTag> threat_intel_hits() const;

    // --- loading --------------------------------------------------------------------------------------------------

    /// Whether the summary (fields, parent, children, siblings) has been loaded.
    bool summary_loaded() const noexcept { return summary_ != nullptr; }

    /// Loads the summary again (`GET /api/v1/process/<guid>/<default segment>`), keeping this object's segment, and
    /// forgets cached events and segments.
    /// @throws InvalidObjectError for an invalid or suppressed process; ObjectNotFoundError and the request's errors
    void refresh();

    /// Sets how many children the summary requests ask for (`children=<n>`; the server's default is 15). Applies to
    /// this object and to every process reached from it (parents, children, siblings, walks).
    /// @throws ApiError for 0
    Process& set_max_children(std::size_t n);
    /// The `children=` value sent with summary requests; 0 = none sent (server default).
    std::size_t max_children() const noexcept { return max_children_; }

    // --- relationships (one summary request gives parent, children and siblings) ----------------------------

    /// The parent process (pre-filled from the summary), or none for a root process (no parent id, or a summary
    /// parent with pid -1). The parent id is `parent_unique_id` unless it names another sensor, then `parent_id`.
    std::optional<Process> parent() const;

    /// Every ancestor, nearest first, up to the root (stops at a parent with pid -1 or one the server does not
    /// know, 404). One summary request per level.
    std::vector<Process> parents() const;

    /// Calls `visitor(parent, depth)` for each ancestor (depth 0 = the parent), nearest first.
    /// @param max_depth ancestors visited at most (0 = up to the root)
    /// @param visitor called with each process and its depth
    void walk_parents(const std::function<void(const Process&, int)>& visitor, int max_depth = 0) const;

    /// The number of ancestors up to the root (at most 500).
    /// @throws ApiError "Process cycle detected at depth N" when an ancestor repeats
    int depth() const;

    /// The children, one entry per child, from the summary (the 1.3.0 behaviour): the entry's timestamp is the
    /// child's start; its process is ready to use (its summary fields filled in). For the raw child-process events
    /// (a start and an end record per child) see childprocs().
    std::vector<ChildProcess> children() const;

    /// The other children of this process's parent, from the summary (the server lists at most 15).
    std::vector<Process> siblings() const;

    /// Calls `visitor(child, depth)` for every descendant, depth first (depth 0 = the children). Each process
    /// descended into costs one summary request (with `children=<max_children>` when set); the summaries of a
    /// process's children are asked for together before they are visited (at most 16 at once, paced as pages are:
    /// docs/queries.md "Fan-out"), so a child reaches the visitor loaded. A child the server does not know (404) is
    /// skipped with its subtree; another error is raised when the walk descends into that child; suppressed
    /// children are visited but not descended into. The visitor runs on the caller's thread; what it throws ends the
    /// walk (the requests in flight are cancelled).
    /// @param max_depth levels visited (0 = all)
    /// @param visitor called with each process and its depth
    void walk_children(const std::function<void(const Process&, int)>& visitor, int max_depth = 0) const;

    /// walk_children() over several processes: calls `visitor(root, child, depth)` for every descendant of
    /// `roots[root]`, the first root's tree first, each tree depth first, as walk_children() on each root in turn
    /// would. The requests are fanned out: the roots' summaries are asked for together, and so are the summaries of
    /// each process's children, at most 16 at once (the paging engine's adaptive pace: fewer when the server answers
    /// 429 or 503 or times out, after its Retry-After). The visitor runs on the caller's thread. A child whose summary
    /// is loaded here is handed to the visitor loaded (no request of its own when the visitor reads its fields).
    /// @param roots the processes whose descendants are visited (their summaries are loaded)
    /// @param visitor called with the root's index in `roots`, each descendant and its depth (0 = a root's children)
    /// @param max_depth levels visited (0 = all)
    /// @throws the error of a root's summary (ObjectNotFoundError included) when the walk reaches that root, after
    ///         the trees of the roots before it; the errors of walk_children() (a child the server does not know is
    ///         skipped with its subtree); whatever the visitor throws (the requests in flight are then cancelled)
    static void walk_children_of(const std::vector<Process>& roots,
                                 const std::function<void(std::size_t, const Process&, int)>& visitor,
                                 int max_depth = 0);

    /// Loads the summaries of several processes together (those not loaded yet; invalid and suppressed processes are
    /// left alone), at most 16 requests at once, paced as walk_children_of() is.
    /// @param processes the processes (their summaries are loaded into them)
    /// @return for each process, whether its summary is loaded now (false: invalid, suppressed, or the server does
    ///         not know it, 404)
    /// @throws the first other error in the order of `processes` (the processes before it are loaded)
    static std::vector<bool> load_summaries(const std::vector<Process>& processes);

    // --- events ---------------------------------------------------------------------------------------------------

    /// The events of a segment (default: this object's; 0 on 6.x = every segment), fetched once and cached.
    /// @throws ApiError for an invalid or suppressed process; the request's errors
    const SegmentEvents& events(std::optional<long long> segment = std::nullopt) const;

    const std::vector<ModLoadEvent>& modloads() const;
    const std::vector<FileModEvent>& filemods() const;
    const std::vector<RegModEvent>& regmods() const;
    const std::vector<NetConnEvent>& netconns() const;
    const std::vector<CrossProcEvent>& crossprocs() const;
    /// The raw child-process events of this segment (a start and an end record per child; cbapi-python's behaviour
    /// of `children` before 1.3.0).
    const std::vector<ChildProcEvent>& childprocs() const;

    /// The processes the sensor blocked from this process's segment (`processblock_complete`, cbapi-python 1.7.4).
    const std::vector<ProcessBlockEvent>& processblocks() const;

    // --- events of every segment (cbapi-python 1.3.5's all_netconns() ..., 1.7.4's all_processblocks()) ---------
    //
    // From 6.0 on one request for segment 0 (`GET /api/v4/process/<guid>/0/event`: the events of every segment);
    // before, one request per segment of segments(). Sequence numbers run on across segments. This object's segment
    // is not changed (cbapi-python's were left on the last segment).

    /// Module loads of every segment.
    std::vector<ModLoadEvent> all_modloads() const;
    /// File modifications of every segment.
    std::vector<FileModEvent> all_filemods() const;
    /// Registry modifications of every segment.
    std::vector<RegModEvent> all_regmods() const;
    /// Network connections of every segment.
    std::vector<NetConnEvent> all_netconns() const;
    /// Cross-process accesses of every segment.
    std::vector<CrossProcEvent> all_crossprocs() const;
    /// The raw child-process events of every segment (see childprocs()).
    std::vector<ChildProcEvent> all_childprocs() const;
    /// Blocked processes of every segment.
    std::vector<ProcessBlockEvent> all_processblocks() const;

    /// The file modifications of exactly this path.
    std::vector<FileModEvent> find_file_writes(const std::string& file_path) const;

    /// The binary of a module load (pre-filled from the process's `binaries` map when the server sent it).
    Binary modload_binary(const ModLoadEvent& load) const;
    /// The module loads whose binary is not signed (Binary::is_signed(): only a "Signed" result counts; may load
    /// each module's binary summary).
    std::vector<ModLoadEvent> unsigned_modloads() const;
    /// The process a child-process event names (suppressed children make no requests).
    Process childproc_process(const ChildProcEvent& event) const;
    /// The other process of a cross-process event (the target, or the source when this process is the target).
    Process crossproc_peer(const CrossProcEvent& event) const;

    /// The segments of this process, ascending (cached): `GET /api/v1/process/<guid>/segment` on 6.0+, a
    /// `process_id:<guid>` search before.
    std::vector<long long> segments() const;

    /// Every event of every segment, sorted by time (stable); this object's segment is not changed. Child processes
    /// are the segments' childproc records as the events API returns them (a start and, for a child that ended, an
    /// end record each), so none is lost to the summary's cut at `children=<n>` (15 by default). A record whose child
    /// the summary lists carries that child's document in `proc_data` (command line, user, ...), at no extra request.
    std::vector<ProcessEvent> all_events() const;

    /// Every event of this object's segment, sorted by time (stable): cbapi-python's `all_events_segment`. It asks
    /// for the summary (once, for the children's documents) and the segment's events (`GET
    /// /api/v<n>/process/<guid>/<segment>/event`, cached). On 6.x segment 0 (the default) holds every segment. Child
    /// processes are the segment's childproc records, as in all_events() (cbapi-python took the summary's children,
    /// whatever their segment). An invalid or suppressed process has none.
    /// @throws the requests' errors
    std::vector<ProcessEvent> all_events_segment() const;

    /// Events flagged as tampering, from all_events().
    std::vector<ProcessEvent> tamper_events() const;

protected:
    void on_refreshed() override;

private:
    struct Summary {
        nlohmann::json parent;
        nlohmann::json children = nlohmann::json::array();
        nlohmann::json siblings = nlohmann::json::array();
    };

    bool six_x() const;
    bool can_request() const noexcept { return valid_ && !suppressed_; }
    long long integer(const char* name, long long fallback) const;
    std::string ip_field(const char* name) const;
    Binary binary_for(const std::string& md5) const;
    Process relative(nlohmann::json initial, bool suppressed) const;
    // Loads the summary when a field is missing (and the object may still learn it).
    void need(std::string_view name) const;
    void ensure_summary() const;
    // Loads the summary unless the fields are known to be complete.
    void ensure_fields() const;
    nlohmann::json& doc_for_loading() const;
    void load_summary(bool cached = true) const;
    void adopt_summary(nlohmann::json reply) const;
    void recover_from_guid();
    SegmentEvents load_events(long long seg) const;
    // The summary request of this process: path and parameters.
    std::pair<std::string, QueryParams> summary_request() const;
    // The events path of a segment, and reading its reply.
    std::string events_path(long long seg) const;
    SegmentEvents adopt_events(nlohmann::json body, const std::string& path) const;
    // The segments path (6.0+), and reading its reply.
    std::string segments_path() const;
    std::vector<long long> adopt_segments(const nlohmann::json& body, const std::string& path) const;
    // Fetches together what reading the events of these segments needs and is not cached: the summary (when
    // `with_summary`) and the segments' events (nothing when that is a single request: the ordinary path asks).
    void prefetch_events(const std::vector<long long>& segment_ids, bool with_summary) const;
    // A walk over processes whose children's summaries are fanned out (src/response/process.cpp).
    struct FanOutWalk;
    std::vector<ProcessEvent> events_of(const std::vector<long long>& segment_ids) const;
    // The event lists of every segment: segment 0 on 6.0+, else each of segments().
    std::vector<const SegmentEvents*> every_segment() const;
    SegmentEvents parse_events(const nlohmann::json& proc, EventApiVersion version) const;

    long long segment_ = 0;
    bool valid_ = true;
    bool suppressed_ = false;
    std::size_t max_children_ = 0;
    mutable bool fields_complete_ = false;
    mutable std::shared_ptr<const Summary> summary_;
    mutable std::map<long long, std::shared_ptr<const SegmentEvents>> events_;
    mutable std::optional<std::vector<long long>> segments_;
};

/// The query of processes (`cb.select<Process>()`): the Cb Response search plus the 6.0 process filters.
///
/// The filters set `cb.*` parameters sent with every request of the query (pages, count, facets). On servers
/// before 6.0 they do nothing but log at debug level (cbapi-python's behaviour), returning an equal query.
///
/// @code
/// auto q = cb.select<Process>().where("process_name:cmd.exe").group_by("id")
///              .min_last_update(std::chrono::system_clock::now() - std::chrono::hours(24));
/// @endcode
template <>
class Query<Process> : public ResponseQueryBase<Query<Process>, Process> {
public:
    explicit Query(cbapi::detail::ApiHandle api);

    /// Groups results by a field (`cb.group=<field>`); `group_by("id")` gives one result per process instead of
    /// one per segment.
    Query group_by(std::string field) const;

    /// Only processes whose last event is at or after `time` by the sensor's clock (`cb.min_last_update`,
    /// formatted `%Y-%m-%dT%H:%M:%SZ`).
    Query min_last_update(TimePoint time) const;
    /// Same with a time already formatted by the caller (e.g. "2017-05-21T18:41:58Z").
    Query min_last_update(std::string time) const;
    /// Only processes whose last event is at or before `time` by the sensor's clock (`cb.max_last_update`).
    Query max_last_update(TimePoint time) const;
    /// Same with a preformatted time.
    Query max_last_update(std::string time) const;
    /// Only processes whose last event reached the server at or after `time` (server clock,
    /// `cb.min_last_server_update`).
    Query min_last_server_update(TimePoint time) const;
    /// Same with a preformatted time.
    Query min_last_server_update(std::string time) const;
    /// Only processes whose last event reached the server at or before `time` (`cb.max_last_server_update`).
    Query max_last_server_update(TimePoint time) const;
    /// Same with a preformatted time.
    Query max_last_server_update(std::string time) const;

    /// Turns on Cb Response 6.1's comprehensive search (`comprehensive_search=true`, cbapi-python 1.3.5): the terms
    /// of the query may be matched by different segments of a process (the events are joined per process).
    Query use_comprehensive_search() const;

    /// Sets `cb.legacy_5x_mode` explicitly (cbapi-python's `set_legacy_mode`; here it returns a new query). Without
    /// it the mode is chosen automatically: on servers from 6.0 on, the first request of a process query asks the
    /// storage partitions once (`GET /api/v1/storage/events/partition`, through the read cache) and sends
    /// `cb.legacy_5x_mode=true` when a legacy (5.x) Solr core is loaded (`"isLegacy": true`; cbapi-python 1.3.5);
    /// a server that refuses that list (403, 404) is taken to have none. Servers before 6.0 get nothing.
    Query legacy_5x_mode(bool on) const;

    /// Asks for up to `n` children in every summary request made by the processes this query yields and by
    /// everything reached from them (walk_children, children, parent, ...): `children=<n>`. The server lists 15
    /// children when not told otherwise. Not sent with the search itself.
    /// @throws ApiError for 0
    Query max_children(std::size_t n) const;
    /// The max_children setting; 0 = not set.
    std::size_t max_children() const noexcept { return max_children_; }

private:
    Query filter(const char* method, const std::string& key, std::string value) const;

    std::size_t max_children_ = 0;
};

}  // namespace cbapi::response
