// Cb Response processes (include/cbapi/response/process.hpp): identity, lazy summary loading, relationships, events
// and the ProcessQuery filters.

#include "cbapi/response/process.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/json_number.hpp"
#include "cbapi/detail/json_text.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"
#include "cbapi/model.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/paging.hpp"
#include "cbapi/server_version.hpp"
#include "cbapi/time.hpp"
#include "fan_out.hpp"
#include "response/events_decode.hpp"
#include "response/feed_tags.hpp"

namespace cbapi::response {

namespace process_detail {

/// Key a ProcessQuery uses to hand its max_children setting to the processes it yields (removed by Process).
constexpr const char* max_children_key = "cbapi:max_children";

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::optional<unsigned long long> parse_hex(std::string_view text) {
    if (text.empty() || text.size() > 16) return std::nullopt;
    unsigned long long v = 0;
    for (char c : text) {
        if (!is_hex(c)) return std::nullopt;
        v = v * 16 + static_cast<unsigned long long>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/// The first five dash-separated parts of an id (drops a segment suffix).
std::string strip_segment(std::string_view id) {
    std::size_t pos = 0;
    for (int dashes = 0; dashes < 5; ++dashes) {
        pos = id.find('-', pos);
        if (pos == std::string_view::npos) return std::string(id);
        ++pos;
    }
    return std::string(id.substr(0, pos - 1));
}

bool is_zero_id(std::string_view id) {
    if (id.empty()) return true;
    for (char c : id)
        if (c != '0' && c != '-') return false;
    return true;
}

/// A field that holds a process id: non-empty, not all zeros.
std::optional<std::string> id_field(const nlohmann::json& doc, const char* key) {
    const auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return std::nullopt;
    std::string text = cbapi::detail::id_text(*it);
    if (is_zero_id(text)) return std::nullopt;
    return text;
}

long long integer_value(const nlohmann::json& v, long long fallback) {
    try {
        return cbapi::detail::lenient_integer(v, "").value_or(fallback);
    } catch (const ApiError&) {
        return fallback;  // these fields are read leniently: what is not an integer in range is treated as absent
    }
}

/// Whether the server has a legacy (5.x) Solr core loaded, asked once per query lineage (and through the read cache,
/// so once per API object in practice). cbapi-python 1.3.5 (response/rest_api.py `_has_legacy_partitions`): on 6.0+
/// any StoragePartition with `isLegacy` true; a 403 on the list is ignored (cbapi-python issue #303).
class LegacyMode {
public:
    explicit LegacyMode(cbapi::detail::ApiHandle api) : api_(std::move(api)) {}
    bool loaded() const {
        std::call_once(once_, [this] { loaded_ = detect(); });
        return loaded_;
    }

private:
    bool detect() const {
        if (!api_->at_least(ServerVersion{6, 0})) return false;
        nlohmann::json partitions;
        try {
            partitions = api_->connection.get_json_cached("/api/v1/storage/events/partition", {}, nlohmann::json::object());
        } catch (const HttpError& e) {
            if (e.status() != 403 && e.status() != 404 && e.status() != 405) throw;
            logger()->debug("Cannot list storage partitions ({}); not sending cb.legacy_5x_mode", e.status());
            return false;
        }
        if (!partitions.is_object() && !partitions.is_array()) return false;
        for (const auto& p : partitions) {
            if (!p.is_object()) continue;
            const auto it = p.find("isLegacy");
            if (it != p.end() && it->is_boolean() && it->get<bool>()) return true;
        }
        return false;
    }

    cbapi::detail::ApiHandle api_;
    mutable std::once_flag once_;
    mutable bool loaded_ = false;
};

/// ResponsePaging for processes: hands a ProcessQuery's max_children to every process it yields, and adds
/// `cb.legacy_5x_mode=true` when the server has a legacy core loaded.
class ProcessPaging final : public ResponsePaging {
public:
    ProcessPaging(bool send_facet_false, std::size_t max_children, std::shared_ptr<const LegacyMode> legacy)
        : ResponsePaging(send_facet_false), max_children_(max_children), legacy_(std::move(legacy)) {}
    Page parse_page(nlohmann::json body) const override {
        Page page = ResponsePaging::parse_page(std::move(body));
        if (max_children_ > 0)
            for (auto& item : page.items)
                if (item.is_object()) item[max_children_key] = max_children_;
        return page;
    }
    const std::shared_ptr<const LegacyMode>& legacy() const noexcept { return legacy_; }

protected:
    // ASSUMPTION: "true" (the console's own links send cb.legacy_5x_mode=false; cbapi-python sent Python's "True").
    QueryParams automatic_params() const override {
        if (legacy_->loaded()) return {{"cb.legacy_5x_mode", "true"}};
        return {};
    }

private:
    std::size_t max_children_;
    std::shared_ptr<const LegacyMode> legacy_;
};

}  // namespace process_detail

const ModelInfo Process::model_info =
    ModelInfo("Process", "/api/v1/process")
        .sorted_by("last_update desc")
        .located_by([](const nlohmann::json& doc) {
            return "/api/v1/process/" + cbapi::detail::encode_path_segment(detail::text_field(doc, "id")) + "/" +
                   detail::text_field(doc, "segment_id");
        });

Process::Process(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
    : Model(model_info, std::move(api), std::move(doc), /*full=*/true), fields_complete_(full) {
    auto& d = mutable_document();
    if (const auto it = d.find(process_detail::max_children_key); it != d.end()) {
        max_children_ = static_cast<std::size_t>(process_detail::integer_value(*it, 0));
        d.erase(it);
    }
    std::string id_value = d.contains("id") ? cbapi::detail::id_text(d["id"]) : std::string();
    if (id_value.empty()) id_value = detail::text_field(d, "unique_id");
    long long segment = 0;
    if (const auto it = d.find("segment_id"); it != d.end()) segment = process_detail::integer_value(*it, 0);
    const bool integer_id = d.contains("id") && d["id"].is_number_integer();
    if (!integer_id) {
        if (auto parsed = parse_unique_id(id_value, six_x())) {
            id_value = parsed->first;
            if (segment == 0) segment = parsed->second;
        }
        if (const auto it = d.find("id"); it == d.end() || !it->is_string() || it->get_ref<const std::string&>() != id_value)
            d["id"] = id_value;
    }
    valid_ = integer_id || id_value.size() == 36;
    segment_ = segment == 0 ? default_segment() : segment;
    if (const auto it = d.find("segment_id"); it == d.end() || *it != segment_) d["segment_id"] = segment_;
    recover_from_guid();
}

std::string Process::guid() const { return id(); }

long long Process::default_segment() const { return six_x() ? 0 : 1; }

std::string Process::unique_id() const {
    if (auto u = Model::get<std::string>("unique_id"); u && !u->empty()) return *u;
    return fmt::format("{}-{:0{}x}", guid(), static_cast<unsigned long long>(segment_), six_x() ? 12 : 8);
}

std::optional<std::pair<std::string, long long>> Process::parse_unique_id(std::string_view text, bool server_6x) {
    if (!(text.size() == 45 || (server_6x && text.size() == 49)) || text[36] != '-') return std::nullopt;
    const auto segment = process_detail::parse_hex(text.substr(37));
    if (!segment) return std::nullopt;
    return std::make_pair(std::string(text.substr(0, 36)), static_cast<long long>(*segment));
}

std::optional<ProcessGuid> Process::decode_guid(std::string_view guid) {
    std::string hex;
    for (char c : guid) {
        if (c == '-') continue;
        if (!process_detail::is_hex(c)) return std::nullopt;
        hex.push_back(c);
        if (hex.size() == 32) break;
    }
    if (hex.size() < 32) return std::nullopt;
    ProcessGuid out;
    out.sensor_id = static_cast<std::uint32_t>(*process_detail::parse_hex(std::string_view(hex).substr(0, 8)));
    out.pid = static_cast<std::uint32_t>(*process_detail::parse_hex(std::string_view(hex).substr(8, 8)));
    try {
        out.create_time = from_filetime(*process_detail::parse_hex(std::string_view(hex).substr(16, 16)));
    } catch (const ApiError&) {
        return std::nullopt;
    }
    return out;
}

bool Process::has(std::string_view name) const {
    need(name);
    return Model::has(name);
}

std::string Process::process_name() const { return get_or<std::string>("process_name", ""); }

std::string Process::cmdline() const {
    std::string c = get_or<std::string>("cmdline", "");
    return c.empty() ? path() : c;
}

std::string Process::hostname() const { return get_or<std::string>("hostname", ""); }

std::string Process::username() const { return get_or<std::string>("username", ""); }

std::string Process::path() const {
    std::string p = get_or<std::string>("path", "");
    if (p.empty() && modload_count() > 0) {
        const auto& loads = modloads();
        if (!loads.empty()) p = loads.front().path;
    }
    return p;
}

std::string Process::process_md5() const {
    std::string m = get_or<std::string>("process_md5", "");
    if (m.empty() && modload_count() > 0) {
        const auto& loads = modloads();
        if (!loads.empty()) m = loads.front().md5;
    }
    return m;
}

long long Process::process_pid() const { return integer("process_pid", -1); }

long long Process::parent_pid() const { return integer("parent_pid", -1); }

long long Process::sensor_id() const { return integer("sensor_id", 0); }

std::string Process::group() const { return get_or<std::string>("group", ""); }

std::string Process::os_type() const { return get_or<std::string>("os_type", ""); }

std::string Process::host_type() const { return get_or<std::string>("host_type", ""); }

std::string Process::parent_name() const { return get_or<std::string>("parent_name", ""); }

// 6.x servers stopped sending parent_md5: cbapi-python removes the field and reads the parent's process_md5
// (response/models.py, "7/31/2018" change released after 1.3.6, the brief's 1.3.7). A 5.x document's own value stays.
std::string Process::parent_md5() const {
    std::string md5 = get_or<std::string>("parent_md5", "");
    if (!md5.empty() && !process_detail::is_zero_id(md5)) return md5;
    const auto p = parent();
    return p ? p->process_md5() : std::string();
}

long long Process::modload_count() const { return integer("modload_count", 0); }

long long Process::filemod_count() const { return integer("filemod_count", 0); }

long long Process::regmod_count() const { return integer("regmod_count", 0); }

long long Process::netconn_count() const { return integer("netconn_count", 0); }

long long Process::crossproc_count() const { return integer("crossproc_count", 0); }

long long Process::childproc_count() const { return integer("childproc_count", 0); }

bool Process::terminated() const { return get_or<bool>("terminated", false); }

std::optional<TimePoint> Process::start() const { return get<TimePoint>("start"); }

std::optional<TimePoint> Process::last_update() const { return get<TimePoint>("last_update"); }

std::optional<TimePoint> Process::last_server_update() const { return get<TimePoint>("last_server_update"); }

std::optional<TimePoint> Process::min_last_update() const { return get<TimePoint>("min_last_update"); }

std::optional<TimePoint> Process::max_last_update() const { return get<TimePoint>("max_last_update"); }

std::optional<TimePoint> Process::min_last_server_update() const { return get<TimePoint>("min_last_server_update"); }

std::optional<TimePoint> Process::max_last_server_update() const { return get<TimePoint>("max_last_server_update"); }

// cbapi-python's _init_tags loads the whole document first: search results may lack the feed fields.
std::vector<std::string> Process::tags() const {
    ensure_fields();
    return detail::feed_tag_names(*this);
}

std::optional<FeedTag> Process::tag_info(const std::string& feed) const {
    ensure_fields();
    return detail::find_feed_tag(*this, feed);
}

std::vector<std::string> Process::tag_data(const std::string& feed) const {
    return detail::tag_data_of(tag_info(feed));
}

std::optional<long long> Process::tag_score(const std::string& feed) const {
    return detail::tag_score_of(tag_info(feed));
}

std::string Process::tag_link(const std::string& feed) const { return detail::tag_link_of(tag_info(feed)); }

std::vector<FeedTag> Process::threat_intel_hits() const {
    ensure_fields();
    return detail::feed_tag_list(*this);
}

std::optional<TimePoint> Process::end() const {
    if (auto e = Model::get<TimePoint>("end")) return e;
    if (terminated()) return last_update();
    return std::nullopt;
}

std::string Process::comms_ip() const { return ip_field("comms_ip"); }

std::string Process::interface_ip() const { return ip_field("interface_ip"); }

std::string Process::webui_link() const {
    return api()->connection.url() + "/#analyze/" + guid() + "/" + std::to_string(segment_);
}

Sensor Process::sensor() const { return Sensor(api(), {{"id", sensor_id()}}, false); }

std::optional<Binary> Process::binary() const {
    const std::string md5 = process_md5();
    if (md5.empty()) return std::nullopt;
    return binary_for(md5);
}

void Process::refresh() {
    if (!can_request())
        throw InvalidObjectError("Process " + guid() + (suppressed_ ? " was suppressed by the sensor"
                                                                     : " has no valid process GUID") +
                                 "; it cannot be loaded");
    events_.clear();
    segments_.reset();
    load_summary(false);
}

Process& Process::set_max_children(std::size_t n) {
    if (n == 0) throw ApiError("max_children must be at least 1");
    max_children_ = n;
    return *this;
}

std::optional<Process> Process::parent() const {
    ensure_summary();
    const auto& d = document();
    std::optional<std::string> parent_id = process_detail::id_field(d, "parent_unique_id");
    const auto alternate = process_detail::id_field(d, "parent_id");
    if (parent_id) {
        const auto decoded = decode_guid(*parent_id);
        if (alternate && decoded && static_cast<long long>(decoded->sensor_id) != sensor_id()) parent_id = alternate;
    } else {
        parent_id = alternate;
    }
    if (!parent_id) return std::nullopt;
    nlohmann::json initial = summary_ && summary_->parent.is_object() ? summary_->parent : nlohmann::json::object();
    // The server's placeholder for a parent it has no process for (pid -1): this process is a root.
    if (const auto pid = initial.find("process_pid"); pid != initial.end() && process_detail::integer_value(*pid, 0) == -1)
        return std::nullopt;
    initial["id"] = process_detail::strip_segment(*parent_id);
    initial.erase("segment_id");
    initial.erase("unique_id");
    return relative(std::move(initial), false);
}

std::vector<Process> Process::parents() const {
    std::vector<Process> out;
    walk_parents([&out](const Process& p, int) { out.push_back(p); });
    return out;
}

void Process::walk_parents(const std::function<void(const Process&, int)>& visitor, int max_depth) const {
    std::set<std::string> seen{guid()};
    std::optional<Process> current = parent();
    for (int depth = 0; current && current->process_pid() != -1; ++depth) {
        if (max_depth > 0 && depth >= max_depth) break;
        if (!seen.insert(current->guid()).second) throw ApiError("Process cycle detected at depth " + std::to_string(depth));
        visitor(*current, depth);
        try {
            current = current->parent();
        } catch (const ObjectNotFoundError&) {
            break;
        }
    }
}

int Process::depth() const {
    int n = 0;
    walk_parents([&n](const Process&, int) { ++n; }, 500);
    return n;
}

std::vector<ChildProcess> Process::children() const {
    ensure_summary();
    std::vector<ChildProcess> out;
    if (!summary_) return out;
    std::size_t sequence = 0;
    for (const auto& child : summary_->children) {
        if (!child.is_object()) continue;
        ChildProcEvent e;
        e.sequence = sequence++;
        std::string id = detail::text_field(child, "unique_id");
        if (id.empty()) id = detail::text_field(child, "id");
        e.procguid = id;
        e.md5 = detail::text_field(child, "process_md5");
        e.path = detail::text_field(child, "path");
        e.pid = process_detail::integer_value(child.value("process_pid", nlohmann::json(-1)), -1);
        e.is_suppressed = child.value("is_suppressed", false);
        e.proc_data = child;
        nlohmann::json initial = child;
        initial["id"] = process_detail::strip_segment(id);
        initial.erase("segment_id");
        auto process = std::make_shared<Process>(relative(std::move(initial), e.is_suppressed));
        if (auto started = process->document().find("start"); started != process->document().end() && started->is_string())
            e.timestamp = try_parse_event_time(started->get<std::string>()).value_or(TimePoint{});
        out.push_back(ChildProcess{std::move(e), std::move(process)});
    }
    return out;
}

std::vector<Process> Process::siblings() const {
    ensure_summary();
    std::vector<Process> out;
    if (!summary_) return out;
    for (const auto& sibling : summary_->siblings) {
        if (!sibling.is_object()) continue;
        nlohmann::json initial = sibling;
        std::string id = detail::text_field(sibling, "id");
        if (id.empty()) id = detail::text_field(sibling, "unique_id");
        initial["id"] = process_detail::strip_segment(id);
        initial.erase("segment_id");
        out.push_back(relative(std::move(initial), sibling.value("is_suppressed", false)));
    }
    return out;
}

// The walk behind walk_children() and walk_children_of(): depth first, as cbapi-python's walk_children, but before a
// process's children are visited the summaries of those that will be descended into are queued together on one
// fan-out (the summaries of siblings travel together), so that each is usually there when the walk gets to it.
struct Process::FanOutWalk {
    FanOutWalk(const Connection& connection, const std::function<void(std::size_t, const Process&, int)>& visit,
               int depth_limit)
        : fan(connection), visitor(visit), max_depth(depth_limit) {}

    cbapi::detail::FanOut fan;
    const std::function<void(std::size_t, const Process&, int)>& visitor;
    int max_depth;
    std::size_t root = 0;
    // The processes whose summaries this walk has (the roots, the children it loaded), by summary request: a process
    // met again (a root that is another root's descendant, a child listed twice) takes its summary from here.
    std::map<std::string, std::shared_ptr<const Process>> known;
    // The processes on the path from the root to the one being walked: a server that lists an ancestor among a
    // process's children would otherwise make the walk go round for ever (without a request: the summaries are known).
    std::set<std::string> ancestors;

    bool descends(const Process& child, int depth) const {
        return !child.suppressed() && !(max_depth > 0 && depth + 1 >= max_depth);
    }

    static std::string key(const Process& p) {
        const auto [path, params] = p.summary_request();
        return path + "?" + cbapi::detail::encode_query(params);
    }

    // Remembers a loaded process for the rest of the walk.
    void remember(std::shared_ptr<const Process> p) {
        if (p->summary_) known.emplace(key(*p), std::move(p));
    }

    // Queues the summary of `p` unless it is loaded, known to the walk, or cannot be asked for.
    std::optional<std::size_t> queue_summary(const Process& p) {
        if (p.summary_ || !p.can_request()) return std::nullopt;
        if (const auto it = known.find(key(p)); it != known.end()) {
            adopt_known(p, *it->second);
            return std::nullopt;
        }
        auto [path, params] = p.summary_request();
        return fan.add(std::move(path), std::move(params));
    }

    // What adopt_summary() would have made of the same reply: the summary's document (with what `p` knew besides),
    // its relatives; `p` keeps its own id and segment.
    static void adopt_known(const Process& p, const Process& loaded) {
        nlohmann::json doc = loaded.document();
        auto& d = p.doc_for_loading();
        for (auto& [k, value] : d.items())
            if (!doc.contains(k)) doc[k] = value;
        const std::string own_id = p.guid();
        d = std::move(doc);
        d["id"] = own_id;
        d["segment_id"] = p.segment_;
        p.summary_ = loaded.summary_;
        p.fields_complete_ = true;
        const_cast<Process&>(p).recover_from_guid();
    }

    void descend(const Process& node, int depth) {
        if (!ancestors.insert(node.guid()).second)
            throw ApiError("Process cycle detected at depth " + std::to_string(depth) + ": " + node.guid() +
                           " is listed among the children of its own descendant");
        struct Leave {
            std::set<std::string>& set;
            std::string guid;
            ~Leave() { set.erase(guid); }
        } leave{ancestors, node.guid()};
        const auto children = node.children();
        std::vector<std::optional<std::size_t>> queued(children.size());
        for (std::size_t k = 0; k < children.size(); ++k)
            if (descends(*children[k].process, depth)) queued[k] = queue_summary(*children[k].process);
        for (std::size_t k = 0; k < children.size(); ++k) {
            const Process& child = *children[k].process;
            // The summary is adopted before the visitor sees the child (what it reads is then there without a
            // request); its error waits until the walk descends into the child, where walk_children() always met it.
            std::exception_ptr failed;
            if (queued[k]) {
                try {
                    child.adopt_summary(fan.take(*queued[k]));
                    remember(children[k].process);
                } catch (...) {
                    failed = std::current_exception();
                }
            }
            visitor(root, child, depth);
            if (!descends(child, depth)) continue;
            try {
                if (failed) std::rethrow_exception(failed);
                descend(child, depth + 1);
            } catch (const ObjectNotFoundError& e) {
                logger()->debug("Skipping the children of process {}: {}", child.guid(), e.what());
            }
        }
    }
};

void Process::walk_children(const std::function<void(const Process&, int)>& visitor, int max_depth) const {
    ensure_summary();
    const std::function<void(std::size_t, const Process&, int)> each = [&visitor](std::size_t, const Process& p,
                                                                                   int depth) { visitor(p, depth); };
    FanOutWalk walk(api()->connection, each, max_depth);
    walk.remember(std::shared_ptr<const Process>(this, [](const Process*) {}));  // outlives the walk
    walk.descend(*this, 0);
}

void Process::walk_children_of(const std::vector<Process>& roots,
                               const std::function<void(std::size_t, const Process&, int)>& visitor, int max_depth) {
    if (roots.empty()) return;
    const auto& api = roots.front().api();
    FanOutWalk walk(api->connection, visitor, max_depth);
    std::vector<std::optional<std::size_t>> queued(roots.size());
    // The roots the caller loaded are known from the start; the others are asked for together.
    const auto unowned = [](const Process& p) { return std::shared_ptr<const Process>(&p, [](const Process*) {}); };
    for (const Process& r : roots)
        if (r.api() == api) walk.remember(unowned(r));
    for (std::size_t i = 0; i < roots.size(); ++i)
        if (roots[i].api() == api) queued[i] = walk.queue_summary(roots[i]);
    for (std::size_t i = 0; i < roots.size(); ++i) {
        walk.root = i;
        if (queued[i]) {
            roots[i].adopt_summary(walk.fan.take(*queued[i]));
            walk.remember(unowned(roots[i]));
        }
        roots[i].ensure_summary();  // a root of another API object: its own summary, on the ordinary path
        walk.descend(roots[i], 0);
    }
}

std::vector<bool> Process::load_summaries(const std::vector<Process>& processes) {
    std::vector<bool> loaded(processes.size(), false);
    if (processes.empty()) return loaded;
    const auto& api = processes.front().api();
    cbapi::detail::FanOut fan(api->connection);
    std::vector<std::optional<std::size_t>> queued(processes.size());
    for (std::size_t i = 0; i < processes.size(); ++i) {
        const Process& p = processes[i];
        if (p.api() != api || p.summary_ || !p.can_request()) continue;
        auto [path, params] = p.summary_request();
        queued[i] = fan.add(std::move(path), std::move(params));
    }
    for (std::size_t i = 0; i < processes.size(); ++i) {
        const Process& p = processes[i];
        try {
            if (queued[i])
                p.adopt_summary(fan.take(*queued[i]));
            else
                p.ensure_summary();  // loaded already, cannot be loaded, or of another API object
        } catch (const ObjectNotFoundError& e) {
            logger()->debug("Process {} is not known to the server: {}", p.guid(), e.what());
        }
        loaded[i] = p.summary_ != nullptr;
    }
    return loaded;
}

const SegmentEvents& Process::events(std::optional<long long> segment) const {
    const long long seg = segment.value_or(segment_);
    if (auto it = events_.find(seg); it != events_.end()) return *it->second;
    if (!can_request()) {
        static const SegmentEvents none;
        return none;
    }
    auto loaded = std::make_shared<const SegmentEvents>(load_events(seg));
    return *events_.emplace(seg, std::move(loaded)).first->second;
}

const std::vector<ModLoadEvent>& Process::modloads() const { return events().modloads; }

const std::vector<FileModEvent>& Process::filemods() const { return events().filemods; }

const std::vector<RegModEvent>& Process::regmods() const { return events().regmods; }

const std::vector<NetConnEvent>& Process::netconns() const { return events().netconns; }

const std::vector<CrossProcEvent>& Process::crossprocs() const { return events().crossprocs; }

const std::vector<ChildProcEvent>& Process::childprocs() const { return events().childprocs; }

const std::vector<ProcessBlockEvent>& Process::processblocks() const { return events().processblocks; }

namespace process_detail {

// Concatenates one list of every segment, numbering the events on (cbapi-python's all_* keep one counter).
template <typename T>
std::vector<T> gather(const std::vector<const SegmentEvents*>& segments, std::vector<T> SegmentEvents::*list) {
    std::vector<T> out;
    for (const SegmentEvents* e : segments) out.insert(out.end(), (e->*list).begin(), (e->*list).end());
    for (std::size_t i = 0; i < out.size(); ++i) out[i].sequence = i;
    return out;
}

}  // namespace process_detail

// cbapi-python 1.3.5 (response/models.py all_childprocs() ...): 6.0+ reads segment 0 once (require_all_events), older
// servers each segment in turn.
std::vector<const SegmentEvents*> Process::every_segment() const {
    std::vector<const SegmentEvents*> out;
    if (six_x()) {
        out.push_back(&events(0));
        return out;
    }
    const auto ids = segments();
    prefetch_events(ids, false);
    for (long long seg : ids) out.push_back(&events(seg));
    return out;
}

std::vector<ModLoadEvent> Process::all_modloads() const {
    return process_detail::gather(every_segment(), &SegmentEvents::modloads);
}

std::vector<FileModEvent> Process::all_filemods() const {
    return process_detail::gather(every_segment(), &SegmentEvents::filemods);
}

std::vector<RegModEvent> Process::all_regmods() const {
    return process_detail::gather(every_segment(), &SegmentEvents::regmods);
}

std::vector<NetConnEvent> Process::all_netconns() const {
    return process_detail::gather(every_segment(), &SegmentEvents::netconns);
}

std::vector<CrossProcEvent> Process::all_crossprocs() const {
    return process_detail::gather(every_segment(), &SegmentEvents::crossprocs);
}

std::vector<ChildProcEvent> Process::all_childprocs() const {
    return process_detail::gather(every_segment(), &SegmentEvents::childprocs);
}

std::vector<ProcessBlockEvent> Process::all_processblocks() const {
    return process_detail::gather(every_segment(), &SegmentEvents::processblocks);
}

std::vector<FileModEvent> Process::find_file_writes(const std::string& file_path) const {
    std::vector<FileModEvent> out;
    for (const auto& f : filemods())
        if (f.path == file_path) out.push_back(f);
    return out;
}

Binary Process::modload_binary(const ModLoadEvent& load) const {
    if (load.binary_data.is_object() && !load.binary_data.empty()) return Binary(api(), load.binary_data, false);
    return binary_for(load.md5);
}

std::vector<ModLoadEvent> Process::unsigned_modloads() const {
    std::vector<ModLoadEvent> out;
    for (const auto& m : modloads())
        if (!modload_binary(m).is_signed()) out.push_back(m);
    return out;
}

Process Process::childproc_process(const ChildProcEvent& event) const {
    nlohmann::json initial = event.proc_data.is_object() ? event.proc_data : nlohmann::json::object();
    initial["id"] = process_detail::strip_segment(event.procguid);
    initial.erase("segment_id");
    if (!event.md5.empty() && !initial.contains("process_md5")) initial["process_md5"] = event.md5;
    if (!event.path.empty() && !initial.contains("path")) initial["path"] = event.path;
    if (event.pid >= 0 && !initial.contains("process_pid")) initial["process_pid"] = event.pid;
    initial["parent_unique_id"] = unique_id();
    initial["parent_id"] = guid();
    return relative(std::move(initial), event.is_suppressed);
}

Process Process::crossproc_peer(const CrossProcEvent& event) const {
    const std::string& other = event.is_target ? event.source_procguid : event.target_procguid;
    return relative({{"id", process_detail::strip_segment(other)}}, false);
}

// Every event of the given segments, sorted by time (stable). Child records whose child the summary lists carry
// that child's document in proc_data.
void Process::prefetch_events(const std::vector<long long>& segment_ids, bool with_summary) const {
    if (!can_request()) return;
    std::vector<long long> missing;
    for (long long seg : segment_ids)
        if (events_.find(seg) == events_.end() && std::find(missing.begin(), missing.end(), seg) == missing.end())
            missing.push_back(seg);
    const bool summary = with_summary && !summary_;
    if (missing.size() + (summary ? 1 : 0) < 2) return;
    cbapi::detail::FanOut fan(api()->connection);
    std::optional<std::size_t> summary_at;
    if (summary) {
        auto [path, params] = summary_request();
        summary_at = fan.add(std::move(path), std::move(params));
    }
    std::vector<std::size_t> at;
    for (long long seg : missing) at.push_back(fan.add(events_path(seg)));
    // Taken in the order the ordinary path would have asked: the summary, then each segment (an error stops there;
    // what came before is kept).
    if (summary_at) adopt_summary(fan.take(*summary_at));
    for (std::size_t k = 0; k < missing.size(); ++k) {
        const std::string path = events_path(missing[k]);
        events_.emplace(missing[k], std::make_shared<const SegmentEvents>(adopt_events(fan.take(at[k]), path)));
    }
}

std::vector<ProcessEvent> Process::events_of(const std::vector<long long>& segment_ids) const {
    prefetch_events(segment_ids, true);
    ensure_summary();
    std::map<std::string, const nlohmann::json*> listed;  // the summary's children by GUID
    if (summary_) {
        for (const auto& child : summary_->children) {
            if (!child.is_object()) continue;
            std::string id = detail::text_field(child, "unique_id");
            if (id.empty()) id = detail::text_field(child, "id");
            listed.emplace(process_detail::strip_segment(id), &child);
        }
    }
    std::vector<ProcessEvent> out;
    for (long long seg : segment_ids) {
        const auto& e = events(seg);
        out.insert(out.end(), e.modloads.begin(), e.modloads.end());
        out.insert(out.end(), e.netconns.begin(), e.netconns.end());
        out.insert(out.end(), e.filemods.begin(), e.filemods.end());
        out.insert(out.end(), e.regmods.begin(), e.regmods.end());
        out.insert(out.end(), e.crossprocs.begin(), e.crossprocs.end());
        for (ChildProcEvent child : e.childprocs) {
            if (!child.proc_data.is_object() || child.proc_data.empty())
                if (auto it = listed.find(process_detail::strip_segment(child.procguid)); it != listed.end())
                    child.proc_data = *it->second;
            out.emplace_back(std::move(child));
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const ProcessEvent& a, const ProcessEvent& b) { return event_time(a) < event_time(b); });
    return out;
}

std::vector<ProcessEvent> Process::all_events() const {
    // From 6.0 on the segment list and the summary are independent requests: asked for together.
    if (six_x() && !segments_ && !summary_ && can_request()) {
        cbapi::detail::FanOut fan(api()->connection);
        auto [summary_path, params] = summary_request();
        const std::size_t summary_at = fan.add(std::move(summary_path), std::move(params));
        const std::string path = segments_path();
        const std::size_t segments_at = fan.add(path);
        nlohmann::json segments_body = fan.take(segments_at);
        adopt_summary(fan.take(summary_at));
        segments_ = adopt_segments(segments_body, path);
    }
    return events_of(segments());
}

std::vector<ProcessEvent> Process::all_events_segment() const { return events_of({segment_}); }

std::vector<ProcessEvent> Process::tamper_events() const {
    std::vector<ProcessEvent> out;
    for (auto& e : all_events())
        if (std::visit([](const auto& x) { return x.tamper_flag; }, e)) out.push_back(std::move(e));
    return out;
}

void Process::on_refreshed() {
    // Model::refresh() through a base reference stored the whole summary reply: split it like load_summary().
    auto& d = mutable_document();
    if (!d.contains("process") || !d["process"].is_object()) return;
    nlohmann::json reply = std::move(d);
    d = {{"id", detail::text_field(reply["process"], "id")}, {"segment_id", segment_}};
    events_.clear();
    segments_.reset();
    adopt_summary(std::move(reply));
}

bool Process::six_x() const { return api()->at_least(ServerVersion{6, 0}); }

long long Process::integer(const char* name, long long fallback) const {
    need(name);
    const auto it = document().find(name);
    return it == document().end() || it->is_null() ? fallback : process_detail::integer_value(*it, fallback);
}

std::string Process::ip_field(const char* name) const {
    need(name);
    const auto it = document().find(name);
    if (it == document().end() || it->is_null()) return {};
    if (it->is_number_integer()) return events_detail::dotted_quad(it->get<long long>());
    return cbapi::detail::id_text(*it);
}

Binary Process::binary_for(const std::string& md5) const {
    std::string upper = md5;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto& d = document();
    if (const auto b = d.find("binaries"); b != d.end() && b->is_object()) {
        if (const auto entry = b->find(upper); entry != b->end() && entry->is_object()) {
            nlohmann::json initial = *entry;
            initial["md5"] = upper;
            return Binary(api(), std::move(initial), false);
        }
    }
    return Binary(api(), {{"md5", upper}}, false);
}

Process Process::relative(nlohmann::json initial, bool suppressed) const {
    if (max_children_ > 0) initial[process_detail::max_children_key] = max_children_;
    Process p(api(), std::move(initial), false);
    p.suppressed_ = suppressed;
    return p;
}

// Loads the summary when a field is missing (and the object may still learn it).
void Process::need(std::string_view name) const {
    if (summary_ || fields_complete_ || !can_request()) return;
    if (document().contains(name)) return;
    load_summary();
}

void Process::ensure_summary() const { if (!summary_ && can_request()) load_summary(); }

void Process::ensure_fields() const {
    if (!fields_complete_) ensure_summary();
}

// The document is mutable inside Model (lazy loading); these writes only fill in what the server says.
nlohmann::json& Process::doc_for_loading() const { return const_cast<Process*>(this)->mutable_document(); }

// `cached`: the lazy load may reuse a recent reply (the read cache); refresh() always asks the server.
std::pair<std::string, QueryParams> Process::summary_request() const {
    QueryParams params;
    if (max_children_ > 0) params.emplace_back("children", std::to_string(max_children_));
    return {"/api/v1/process/" + cbapi::detail::encode_path_segment(guid()) + "/" + std::to_string(default_segment()),
            std::move(params)};
}

void Process::load_summary(bool cached) const {
    const auto [path, params] = summary_request();
    adopt_summary(cached ? api()->connection.get_json_cached(path, params, nlohmann::json::object())
                         : api()->connection.get_json(path, params, nlohmann::json::object()));
}

void Process::adopt_summary(nlohmann::json reply) const {
    if (!reply.is_object() || !reply.contains("process") || !reply["process"].is_object())
        throw ServerError(200, "Expected a process summary ({\"process\": {...}, ...}) for process " + guid());
    auto s = std::make_shared<Summary>();
    if (auto p = reply.find("parent"); p != reply.end()) s->parent = std::move(*p);
    if (auto c = reply.find("children"); c != reply.end() && c->is_array()) s->children = std::move(*c);
    if (auto c = reply.find("siblings"); c != reply.end() && c->is_array()) s->siblings = std::move(*c);
    const std::string own_id = guid();
    auto& d = doc_for_loading();
    nlohmann::json process = std::move(reply["process"]);
    // Fields learnt from events (binaries, ...) stay unless the summary has them too.
    for (auto& [key, value] : d.items())
        if (!process.contains(key)) process[key] = value;
    d = std::move(process);
    d["id"] = own_id;
    d["segment_id"] = segment_;
    summary_ = std::move(s);
    fields_complete_ = true;
    const_cast<Process*>(this)->recover_from_guid();
}

// cbapi-python's invalid start/pid recovery: a missing or -1 start/pid comes from the GUID.
void Process::recover_from_guid() {
    auto& d = mutable_document();
    const auto bad = [&d](const char* key) {
        const auto it = d.find(key);
        if (it == d.end() || it->is_null()) return true;
        return (it->is_number() && it->get<double>() == -1) || (it->is_string() && it->get<std::string>() == "-1");
    };
    const bool bad_start = bad("start");
    const bool bad_pid = bad("process_pid");
    if (!bad_start && !bad_pid) return;
    if (!fields_complete_ && !d.contains("start") && !d.contains("process_pid")) return;  // still to be loaded
    const auto decoded = decode_guid(detail::text_field(d, "id"));
    if (!decoded || decoded->pid == 0) return;
    if (bad_pid) d["process_pid"] = decoded->pid;
    if (bad_start) d["start"] = format_solr_time(decoded->create_time);
    if (!d.contains("sensor_id")) d["sensor_id"] = decoded->sensor_id;
}

std::string Process::events_path(long long seg) const {
    const EventApiVersion version = event_api_for(*api()->server_version);
    return "/api/v" + std::to_string(static_cast<int>(version)) + "/process/" +
           cbapi::detail::encode_path_segment(guid()) + "/" + std::to_string(seg) + "/event";
}

SegmentEvents Process::load_events(long long seg) const {
    const std::string path = events_path(seg);
    return adopt_events(api()->connection.get_json_cached(path, {}, nlohmann::json::object()), path);
}

SegmentEvents Process::adopt_events(nlohmann::json body, const std::string& path) const {
    const EventApiVersion version = event_api_for(*api()->server_version);
    if (!body.is_object() || !body.contains("process") || !body["process"].is_object())
        throw ServerError(200, "Expected {\"process\": {...}} from " + path);
    nlohmann::json& proc = body["process"];
    auto& d = doc_for_loading();
    for (auto& [key, value] : proc.items()) {
        if (key.size() > 9 && key.compare(key.size() - 9, 9, "_complete") == 0) continue;
        if (key == "id" || key == "segment_id" || d.contains(key)) continue;
        d[key] = value;
    }
    return parse_events(proc, version);
}

SegmentEvents Process::parse_events(const nlohmann::json& proc, EventApiVersion version) const {
    SegmentEvents out;
    const auto list = [&proc](const char* key) -> const nlohmann::json& {
        static const nlohmann::json empty = nlohmann::json::array();
        const auto it = proc.find(key);
        return it != proc.end() && it->is_array() ? *it : empty;
    };
    const auto skip = [&](const char* what, const nlohmann::json& record, const std::exception& e) {
        ++out.skipped;
        logger()->warn("Skipping a malformed {} event of process {}: {}", what, guid(), e.what());
        (void)record;
    };
    // Parses each record with `parse`; a record that fails is skipped with a warning.
    const auto each = [&](const char* key, const char* what, auto&& parse) {
        std::size_t sequence = 0;
        for (const auto& record : list(key)) {
            try {
                parse(record, sequence);
            } catch (const ApiError& e) {
                skip(what, record, e);
            } catch (const nlohmann::json::exception& e) {
                skip(what, record, e);
            }
        }
    };
    const auto text = [](const nlohmann::json& r) -> std::string {
        if (!r.is_string()) throw ApiError("expected a string record, got " + cbapi::detail::json_text(r, 64));
        return r.get<std::string>();
    };
    const nlohmann::json binaries = proc.value("binaries", nlohmann::json::object());
    each("modload_complete", "modload", [&](const nlohmann::json& r, std::size_t& seq) {
        ModLoadEvent e = parse_modload(text(r));
        if (binaries.is_object())
            if (auto b = binaries.find(e.md5); b != binaries.end() && b->is_object()) e.binary_data = *b;
        e.sequence = seq++;
        out.modloads.push_back(std::move(e));
    });
    each("filemod_complete", "filemod", [&](const nlohmann::json& r, std::size_t& seq) {
        if (auto e = parse_filemod(text(r))) {
            e->sequence = seq++;
            out.filemods.push_back(std::move(*e));
        }
    });
    each("regmod_complete", "regmod", [&](const nlohmann::json& r, std::size_t& seq) {
        RegModEvent e = parse_regmod(text(r));
        e.sequence = seq++;
        out.regmods.push_back(std::move(e));
    });
    each("netconn_complete", "netconn", [&](const nlohmann::json& r, std::size_t& seq) {
        NetConnEvent e = version == EventApiVersion::v1 || r.is_string() ? parse_netconn_v1(text(r))
                                                                          : parse_netconn_json(r, version);
        e.sequence = seq++;
        out.netconns.push_back(std::move(e));
    });
    each("childproc_complete", "childproc", [&](const nlohmann::json& r, std::size_t& seq) {
        ChildProcEvent e = r.is_object() ? parse_childproc_json(r) : parse_childproc_v1(text(r));
        e.sequence = seq++;
        out.childprocs.push_back(std::move(e));
    });
    each("processblock_complete", "processblock", [&](const nlohmann::json& r, std::size_t& seq) {
        ProcessBlockEvent e = parse_processblock(r);
        e.sequence = seq++;
        out.processblocks.push_back(std::move(e));
    });
    const std::string own_md5 = detail::text_field(document(), "process_md5");
    const std::string own_path = detail::text_field(document(), "path");
    each("crossproc_complete", "crossproc", [&](const nlohmann::json& r, std::size_t& seq) {
        CrossProcEvent e = parse_crossproc(text(r));
        if (e.is_target) {
            e.target_procguid = guid();
            e.target_md5 = own_md5;
            e.target_path = own_path;
        } else {
            e.source_procguid = guid();
            e.source_md5 = own_md5;
            e.source_path = own_path;
        }
        e.sequence = seq++;
        out.crossprocs.push_back(std::move(e));
    });
    return out;
}

Query<Process>::Query(cbapi::detail::ApiHandle api) : ResponseQueryBase<Query<Process>, Process>(std::move(api)) {
    paging_ = std::make_shared<process_detail::ProcessPaging>(this->api()->at_least(ServerVersion{5, 1, 1}), 0,
                                                              std::make_shared<process_detail::LegacyMode>(this->api()));
}

// cbapi-python 1.3.5 (response/models.py ProcessQuery.use_comprehensive_search).
Query<Process> Query<Process>::use_comprehensive_search() const { return with_param("comprehensive_search", "true"); }

// cbapi-python 1.3.5 (ProcessQuery.set_legacy_mode); the query's own value wins over the automatic one.
Query<Process> Query<Process>::legacy_5x_mode(bool on) const {
    return with_param("cb.legacy_5x_mode", on ? "true" : "false");
}

Query<Process> Query<Process>::group_by(std::string field) const {
    return filter("group_by", "cb.group", std::move(field));
}

Query<Process> Query<Process>::min_last_update(TimePoint time) const {
    return filter("min_last_update", "cb.min_last_update", format_query_time(time));
}

Query<Process> Query<Process>::min_last_update(std::string time) const {
    return filter("min_last_update", "cb.min_last_update", std::move(time));
}

Query<Process> Query<Process>::max_last_update(TimePoint time) const {
    return filter("max_last_update", "cb.max_last_update", format_query_time(time));
}

Query<Process> Query<Process>::max_last_update(std::string time) const {
    return filter("max_last_update", "cb.max_last_update", std::move(time));
}

Query<Process> Query<Process>::min_last_server_update(TimePoint time) const {
    return filter("min_last_server_update", "cb.min_last_server_update", format_query_time(time));
}

Query<Process> Query<Process>::min_last_server_update(std::string time) const {
    return filter("min_last_server_update", "cb.min_last_server_update", std::move(time));
}

Query<Process> Query<Process>::max_last_server_update(TimePoint time) const {
    return filter("max_last_server_update", "cb.max_last_server_update", format_query_time(time));
}

Query<Process> Query<Process>::max_last_server_update(std::string time) const {
    return filter("max_last_server_update", "cb.max_last_server_update", std::move(time));
}

Query<Process> Query<Process>::max_children(std::size_t n) const {
    if (n == 0) throw ApiError("max_children must be at least 1");
    Query copy = fresh();
    const auto& current = static_cast<const process_detail::ProcessPaging&>(*paging_);
    copy.paging_ = std::make_shared<process_detail::ProcessPaging>(api()->at_least(ServerVersion{5, 1, 1}), n,
                                                                   current.legacy());
    copy.max_children_ = n;
    return copy;
}

Query<Process> Query<Process>::filter(const char* method, const std::string& key, std::string value) const {
    if (!api()->at_least(ServerVersion{6, 0})) {
        logger()->debug("{}() needs Cb Response 6.0 or later; ignored (server reports {})", method,
                        api()->server_version ? api()->server_version->to_string() : std::string("no version"));
        return *this;
    }
    return with_param(key, std::move(value));
}

std::string Process::segments_path() const {
    return "/api/v1/process/" + cbapi::detail::encode_path_segment(guid()) + "/segment";
}

std::vector<long long> Process::adopt_segments(const nlohmann::json& body, const std::string& path) const {
    std::vector<long long> out;
    const auto proc = body.find("process");
    if (proc == body.end() || !proc->is_object() || !proc->contains("segments") || !(*proc)["segments"].is_array())
        throw ServerError(200, "Expected {\"process\": {\"segments\": [...]}} from " + path);
    for (const auto& s : (*proc)["segments"]) {
        const std::string uid = s.is_object() ? detail::text_field(s, "unique_id") : std::string();
        if (auto parsed = parse_unique_id(uid, true)) {
            out.push_back(parsed->second);
        } else if (s.is_object() && s.contains("segment_id")) {
            out.push_back(process_detail::integer_value(s["segment_id"], 0));
        } else {
            logger()->warn("Skipping an unreadable segment of process {}: {}", guid(), cbapi::detail::json_text(s, 128));
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<long long> Process::segments() const {
    if (segments_) return *segments_;
    if (!can_request()) return {segment_};
    std::vector<long long> out;
    if (six_x()) {
        const std::string path = segments_path();
        out = adopt_segments(api()->connection.get_json_cached(path, {}, nlohmann::json::object()), path);
    } else {
        for (const Process& p : ProcessQuery(api()).where("process_id:" + guid()).sort("")) out.push_back(p.segment());
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
    }
    segments_ = out;
    return out;
}

}  // namespace cbapi::response
