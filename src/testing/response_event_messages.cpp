// The simulated server's event bus messages, shaped as the reference's captures of a real Cb Response server
// (shared/reference event-bus-and-forwarder.md §4 and §8). Where the reference has no capture the shape is an
// assumption, marked below and listed in docs/simulator.md.
#include "response_event_messages.hpp"

#include <cctype>
#include <cstdint>

#include <fmt/format.h>

namespace cbapi::testing::sim {
namespace {

using nlohmann::json;

std::string lower_text(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string upper_text(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

/// A JSON value as the alerts send it: text (a string as is, a number in its JSON form).
std::string as_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

/// The big-endian IPv4 of a signed int32 (`comms_ip` in hits) as a dotted quad (alerts send it so).
std::string dotted(const json& v) {
    if (!v.is_number_integer()) return as_text(v);
    const auto u = static_cast<std::uint32_t>(v.get<std::int32_t>());
    return fmt::format("{}.{}.{}.{}", u >> 24, (u >> 16) & 255u, (u >> 8) & 255u, u & 255u);
}

std::string first_of(const json& v) {
    if (v.is_array()) return v.empty() ? std::string() : as_text(v.front());
    return as_text(v);
}

}  // namespace

json bus_process_doc(const WorldProcess& process) {
    json doc = process.doc;
    for (const char* rest_only : {"last_server_update", "terminated", "end", "parent_id"}) doc.erase(rest_only);
    doc["process_md5"] = lower_text(doc.value("process_md5", std::string()));
    // The bus sends parent_md5 always; an unknown one is 30 zeros (sic, reference §4).
    doc["parent_md5"] = process.parent_md5.empty() ? std::string(30, '0') : lower_text(process.parent_md5);
    return doc;
}

json bus_binary_doc(const json& binary) {
    json doc = binary;
    for (const char* rest_only : {"icon", "watchlists", "alliance_link_virustotal"}) doc.erase(rest_only);
    doc["md5"] = upper_text(doc.value("md5", std::string()));
    return doc;
}

json watchlist_hit(const BusContext& context, const json& watchlist, const std::vector<json>& docs, bool binary) {
    json highlights = json::array();
    if (!binary) {
        for (const auto& d : docs)
            highlights.push_back({{"name", "PREPREPRE" + d.value("process_name", std::string()) + "POSTPOSTPOST"},
                                  {"ids", json::array({d.value("unique_id", std::string())})}});
    }
    return {{"server_name", context.server_name},
            {"cb_version", context.cb_version},
            {"watchlist_id", std::stoll(as_text(watchlist.at("id")))},
            {"watchlist_name", watchlist.value("name", std::string())},
            {"event_timestamp", context.event_timestamp},
            {"highlights", std::move(highlights)},
            {"docs", docs}};
}

json watchlist_alert(const BusContext& context, const json& watchlist, const json& doc, bool binary,
                     const std::string& alert_id, const std::string& created_time) {
    json alert = {{"alert_type", binary ? "watchlist.hit.query.binary" : "watchlist.hit.query.process"},
                  {"unique_id", alert_id},
                  {"created_time", created_time},
                  {"status", "Unresolved"},
                  {"alert_severity", "40.5"},
                  {"report_score", "50"},
                  {"ioc_type", "query"},
                  {"ioc_confidence", "0.5"},
                  {"feed_id", "-1"},
                  {"feed_name", "My Watchlists"},
                  {"feed_rating", "3.0"},
                  {"watchlist_id", as_text(watchlist.at("id"))},
                  {"watchlist_name", watchlist.value("name", std::string())},
                  {"event_timestamp", context.event_timestamp}};
    if (binary) {
        alert["md5"] = doc.value("md5", std::string());
        alert["observed_filename"] = doc.value("observed_filename", json::array());
        alert["observed_filename_total_count"] = std::to_string(alert["observed_filename"].size());
        alert["host_count"] = as_text(doc.value("host_count", json(0)));
        alert["digsig_result"] = doc.value("digsig_result", std::string());
        alert["os_type"] = doc.value("os_type", std::string());
        json hosts = json::array();
        std::string sensor_id, hostname;
        for (const auto& endpoint : doc.value("endpoint", json::array())) {
            const std::string e = as_text(endpoint);
            const auto bar = e.rfind('|');
            if (hostname.empty()) {
                hostname = e.substr(0, bar);
                sensor_id = bar == std::string::npos ? std::string() : e.substr(bar + 1);
            } else {
                hosts.push_back(e.substr(0, bar));
            }
        }
        alert["hostname"] = hostname;
        alert["sensor_id"] = sensor_id;
        alert["other_hostnames"] = std::move(hosts);
        alert["group"] = first_of(doc.value("group", json()));
        alert["ioc_attr"] = json({{"highlights", json::array()}}).dump();
        return alert;
    }
    alert["ioc_attr"] = json({{"highlights", json::array({"PREPREPRE" + doc.value("process_name", std::string()) +
                                                          "POSTPOSTPOST"})}})
                            .dump();
    alert["sensor_id"] = as_text(doc.value("sensor_id", json()));
    alert["sensor_criticality"] = "3.0";
    alert["hostname"] = doc.value("hostname", std::string());
    alert["group"] = doc.value("group", std::string());
    alert["os_type"] = doc.value("os_type", std::string());
    alert["process_id"] = doc.value("id", std::string());
    alert["segment_id"] = as_text(doc.value("segment_id", json(1)));
    alert["process_name"] = doc.value("process_name", std::string());
    alert["process_path"] = doc.value("path", std::string());
    alert["md5"] = doc.value("process_md5", std::string());
    alert["username"] = doc.value("username", std::string());
    for (const char* count : {"modload_count", "filemod_count", "regmod_count", "netconn_count", "childproc_count",
                              "crossproc_count"})
        alert[count] = as_text(doc.value(count, json(0)));
    alert["comms_ip"] = dotted(doc.value("comms_ip", json()));
    alert["interface_ip"] = dotted(doc.value("interface_ip", json()));
    return alert;
}

std::string feed_hit_key(const BusContext& context, long long feed_id, bool binary) {
    const char* kind = binary ? "binary" : "process";
    return context.feed_ids_in_keys ? fmt::format("feed.{}.ingress.hit.{}", feed_id, kind)
                                    : fmt::format("feed.ingress.hit.{}", kind);
}

json feed_hit(const BusContext& context, const json& feed, const json& report, const json& doc, bool binary) {
    std::string ioc_type = "md5", ioc_value;
    const json iocs = report.value("iocs", json::object());
    for (const char* type : {"md5", "dns", "ipv4"}) {
        if (iocs.contains(type) && iocs[type].is_array() && !iocs[type].empty()) {
            ioc_type = type;
            ioc_value = as_text(iocs[type].front());
            break;
        }
    }
    json hit = {{"report_id", as_text(report.value("id", json()))},
                {"report_score", report.value("score", 0LL)},
                {"ioc_type", ioc_type},
                {"ioc_value", ioc_value},
                {"feed_id", feed.value("id", 0LL)},
                {"feed_name", feed.value("name", std::string())},
                {"cb_version", context.cb_version},
                {"server_name", context.server_name},
                {"event_timestamp", context.event_timestamp}};
    if (context.feed_ids_in_keys) hit["from_feed_search"] = false;
    if (ioc_type == "ipv4")
        hit["ioc_attr"] = {{"protocol", "TCP"}, {"remote_ip", ioc_value}, {"port", 443}, {"direction", "Outbound"}};
    else if (ioc_type == "dns")
        hit["ioc_attr"] = {{"protocol", "TCP"}, {"port", 443}, {"direction", "Outbound"}, {"dns_name", ioc_value}};
    else
        hit["ioc_attr"] = json::object();
    if (binary) {
        hit["md5"] = doc.value("md5", std::string());
        const std::string endpoint = first_of(doc.value("endpoint", json()));
        const auto bar = endpoint.rfind('|');
        hit["hostname"] = endpoint.substr(0, bar);
        hit["sensor_id"] = bar == std::string::npos ? 0LL : std::stoll(endpoint.substr(bar + 1));
        hit["group"] = first_of(doc.value("group", json()));
        hit["os_type"] = doc.value("os_type", std::string());
    } else {
        hit["process_id"] = doc.value("id", std::string());
        hit["sensor_id"] = doc.value("sensor_id", 0LL);
        hit["hostname"] = doc.value("hostname", std::string());
        hit["group"] = doc.value("group", std::string());
        hit["os_type"] = doc.value("os_type", std::string());
    }
    return hit;
}

json feed_alert(const BusContext& context, const json& hit, const json& doc, bool binary, const std::string& alert_id,
                const std::string& created_time) {
    // ASSUMPTION: `alert.watchlist.hit.ingress.*` has the fields of the captured `.query.process` alert with the
    // feed's IOC (reference §4 and §10: no capture of the ingress variant).
    json alert = {{"alert_type", binary ? "watchlist.hit.ingress.binary" : "watchlist.hit.ingress.process"},
                  {"unique_id", alert_id},
                  {"created_time", created_time},
                  {"status", "Unresolved"},
                  {"alert_severity", "60.0"},
                  {"report_score", as_text(hit.value("report_score", json(0)))},
                  {"ioc_type", hit.value("ioc_type", std::string())},
                  {"ioc_value", hit.value("ioc_value", std::string())},
                  {"ioc_confidence", "0.5"},
                  {"ioc_attr", hit.value("ioc_attr", json::object()).dump()},
                  {"feed_id", as_text(hit.value("feed_id", json()))},
                  {"feed_name", hit.value("feed_name", std::string())},
                  {"feed_rating", "3.0"},
                  {"watchlist_id", hit.value("report_id", std::string())},
                  {"watchlist_name", hit.value("report_id", std::string())},
                  {"sensor_id", as_text(hit.value("sensor_id", json()))},
                  {"sensor_criticality", "3.0"},
                  {"hostname", hit.value("hostname", std::string())},
                  {"group", hit.value("group", std::string())},
                  {"os_type", hit.value("os_type", std::string())},
                  {"event_timestamp", context.event_timestamp}};
    if (binary) {
        alert["md5"] = doc.value("md5", std::string());
        alert["observed_filename"] = doc.value("observed_filename", json::array());
        alert["host_count"] = as_text(doc.value("host_count", json(0)));
    } else {
        alert["process_id"] = doc.value("id", std::string());
        alert["segment_id"] = as_text(doc.value("segment_id", json(1)));
        alert["process_name"] = doc.value("process_name", std::string());
        alert["process_path"] = doc.value("path", std::string());
        alert["md5"] = doc.value("process_md5", std::string());
        alert["username"] = doc.value("username", std::string());
        alert["comms_ip"] = dotted(doc.value("comms_ip", json()));
        alert["interface_ip"] = dotted(doc.value("interface_ip", json()));
    }
    return alert;
}

json ban_event(const BusContext& context, const json& ban) {
    // ASSUMPTION: no banning message appears in any source the reference consulted (§3.5); the simulator publishes
    // the ban's REST fields plus the bus's common ones, so that tests can see the writes clients make.
    return {{"md5hash", ban.value("md5hash", std::string())},
            {"text", ban.value("text", std::string())},
            {"enabled", ban.value("enabled", false)},
            {"username", ban.value("username", std::string())},
            {"timestamp", ban.value("timestamp", json())},
            {"server_name", context.server_name},
            {"cb_version", context.cb_version},
            {"event_timestamp", context.event_timestamp}};
}

json rest_alert(const json& bus_alert) {
    json alert = bus_alert;
    alert.erase("event_timestamp");
    alert["alert_severity"] = std::stod(bus_alert.value("alert_severity", std::string("0")));
    alert["report_score"] = std::stoll(bus_alert.value("report_score", std::string("0")));
    alert["ioc_confidence"] = std::stod(bus_alert.value("ioc_confidence", std::string("0")));
    alert["sensor_criticality"] = 3.0;
    alert["feed_rating"] = 3.0;
    const std::string sensor = bus_alert.value("sensor_id", std::string());
    alert["sensor_id"] = sensor.empty() ? json() : json(std::stoll(sensor));
    if (bus_alert.contains("segment_id")) alert["segment_id"] = std::stoll(bus_alert["segment_id"].get<std::string>());
    const std::string feed = bus_alert.value("feed_id", std::string("-1"));
    alert["feed_id"] = std::stoll(feed);
    alert["ioc_attr"] = json::parse(bus_alert.value("ioc_attr", std::string("{}")), nullptr, false);
    alert["assigned_to"] = nullptr;
    alert["is_ignored"] = false;
    return alert;
}

}  // namespace cbapi::testing::sim
