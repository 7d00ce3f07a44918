// The JSON messages as typed views, on the reference's §8 examples (bus) and their forwarder records (§5.1).
#include <gtest/gtest.h>

#include "cbapi/events/json_events.hpp"

namespace ev = cbapi::events;

namespace {

ev::Message json_message(std::string key, std::string body) {
    ev::Message message;
    message.routing_key = std::move(key);
    message.content_type = "application/json";
    message.body = std::move(body);
    return message;
}

std::int64_t unix_millis(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

const char* watchlist_process_bus = R"({"server_name":"cbtest","cb_version":"5.1.0.150914.1400","watchlist_id":2,
 "watchlist_name":"Non-System Filemods to system32","event_timestamp":1447698003.24,
 "highlights":[{"name":"PREPREPREc:\\windows\\system32\\ntdll.dllPOSTPOSTPOST","ids":["x-00000001"]}],
 "docs":[{"unique_id":"00000007-0000-0fd4-01d1-209aa22a57ee-00000001","segment_id":1,"sensor_id":7,
  "hostname":"WIN-OTEMNUTBS23","process_name":"procexp64.exe","process_md5":"445c3e95c8cb05403aedaec3baaa3a1d",
  "parent_md5":"000000000000000000000000000000","comms_ip":917477092,"interface_ip":-1407246848}]})";

// The same hit as the forwarder writes it.
const char* watchlist_process_forwarder = R"({"type":"watchlist.hit.process","cb_server":"cbserver",
 "server_name":"cbtest","cb_version":"5.1.0.150914.1400","watchlist_id":2,
 "watchlist_name":"Non-System Filemods to system32","timestamp":1447698003.24,
 "docs":[{"unique_id":"00000007-0000-0fd4-01d1-209aa22a57ee-00000001","process_guid":"00000007-0000-0fd4-01d1-209aa22a57ee",
  "segment_id":"1","sensor_id":7,"computer_name":"WIN-OTEMNUTBS23","process_name":"procexp64.exe",
  "process_md5":"445C3E95C8CB05403AEDAEC3BAAA3A1D","comms_ip":"54.175.150.228","interface_ip":"172.31.30.0"}]})";

}  // namespace

TEST(JsonEvents, WatchlistProcessHitFromTheBus) {
    const auto hit = ev::WatchlistHit::from_message(json_message("watchlist.hit.process", watchlist_process_bus));
    EXPECT_EQ(hit.routing_key(), "watchlist.hit.process");
    EXPECT_FALSE(hit.is_binary());
    EXPECT_FALSE(hit.is_storage());
    EXPECT_FALSE(hit.is_forwarder_record());
    EXPECT_EQ(hit.watchlist_id(), std::optional<std::int64_t>(2));
    EXPECT_EQ(hit.watchlist_name(), "Non-System Filemods to system32");
    EXPECT_EQ(hit.server_name(), "cbtest");
    EXPECT_EQ(hit.cb_version(), "5.1.0.150914.1400");
    ASSERT_TRUE(hit.event_time());
    EXPECT_EQ(unix_millis(*hit.event_time()), 1447698003240);
    const auto docs = hit.process_docs();
    ASSERT_EQ(docs.size(), 1u);
    EXPECT_EQ(docs[0].process_guid(), "00000007-0000-0fd4-01d1-209aa22a57ee");
    EXPECT_EQ(docs[0].segment_id(), std::optional<std::int64_t>(1));
    EXPECT_EQ(docs[0].sensor_id(), std::optional<std::int64_t>(7));
    EXPECT_EQ(docs[0].hostname(), "WIN-OTEMNUTBS23");
    EXPECT_EQ(docs[0].process_md5(), "445c3e95c8cb05403aedaec3baaa3a1d");
    EXPECT_EQ(docs[0].comms_ip(), "54.175.150.228");
    EXPECT_EQ(docs[0].interface_ip(), "172.31.30.0");
    EXPECT_EQ(docs[0].parent_md5(), "000000000000000000000000000000");
}

TEST(JsonEvents, WatchlistProcessHitFromTheForwarderReadsTheSame) {
    ev::Message message = json_message("watchlist.hit.process", watchlist_process_forwarder);
    message.routing_key.clear();  // forwarder sources take the key from `type`; the view does too
    const auto hit = ev::WatchlistHit::from_message(message);
    EXPECT_EQ(hit.routing_key(), "watchlist.hit.process");
    EXPECT_TRUE(hit.is_forwarder_record());
    EXPECT_EQ(hit.server_name(), "cbtest");
    ASSERT_TRUE(hit.event_time());
    EXPECT_EQ(unix_millis(*hit.event_time()), 1447698003240);
    const auto docs = hit.process_docs();
    ASSERT_EQ(docs.size(), 1u);
    EXPECT_EQ(docs[0].process_guid(), "00000007-0000-0fd4-01d1-209aa22a57ee");
    EXPECT_EQ(docs[0].segment_id(), std::optional<std::int64_t>(1));  // "1" as a string
    EXPECT_EQ(docs[0].hostname(), "WIN-OTEMNUTBS23");                  // computer_name
    EXPECT_EQ(docs[0].comms_ip(), "54.175.150.228");                   // already dotted
    EXPECT_EQ(docs[0].interface_ip(), "172.31.30.0");
}

TEST(JsonEvents, WatchlistBinaryHitListsAndStrings) {
    const char* bus = R"({"server_name":"cbtest","cb_version":"5.1.0.150914.1400","watchlist_id":3,
      "watchlist_name":"Newly Loaded Modules","event_timestamp":1447698004.15,"highlights":[],
      "docs":[{"md5":"2C354FA91EF605007FD11BB89EED2266","observed_filename":["c:\\windows\\system32\\faultrep.dll"],
      "endpoint":["WIN-OTEMNUTBS23|7"],"group":["Default Group"],"host_count":1,"digsig_result":"Signed",
      "is_64bit":true,"cb_version":510}]})";
    const auto hit = ev::WatchlistHit::from_message(json_message("watchlist.hit.binary", bus));
    EXPECT_TRUE(hit.is_binary());
    const auto docs = hit.binary_docs();
    ASSERT_EQ(docs.size(), 1u);
    EXPECT_EQ(docs[0].md5(), "2C354FA91EF605007FD11BB89EED2266");
    EXPECT_EQ(docs[0].observed_filenames(), std::vector<std::string>{"c:\\windows\\system32\\faultrep.dll"});
    EXPECT_EQ(docs[0].sensor_ids(), std::vector<std::int64_t>{7});
    EXPECT_EQ(docs[0].groups(), std::vector<std::string>{"Default Group"});
    EXPECT_EQ(docs[0].is_64bit(), std::optional<bool>(true));
    EXPECT_EQ(docs[0].string("cb_version"), "510");

    // The storage variant sends strings where the first sent lists, and numbers as strings.
    const char* storage = R"({"watchlist_id":"3","docs":[{"md5":"2C35","observed_filename":"c:\\a.dll",
      "endpoint":"HOST|12","group":"Default Group","is_64bit":"false","orig_mod_len":"140288"}]})";
    const auto stored = ev::WatchlistHit::from_message(json_message("watchlist.storage.hit.binary", storage));
    EXPECT_TRUE(stored.is_storage());
    EXPECT_EQ(stored.watchlist_id(), std::optional<std::int64_t>(3));
    const auto sdocs = stored.binary_docs();
    ASSERT_EQ(sdocs.size(), 1u);
    EXPECT_EQ(sdocs[0].observed_filenames(), std::vector<std::string>{"c:\\a.dll"});
    EXPECT_EQ(sdocs[0].sensor_ids(), std::vector<std::int64_t>{12});
    EXPECT_EQ(sdocs[0].is_64bit(), std::optional<bool>(false));
    EXPECT_EQ(sdocs[0].orig_mod_len(), std::optional<std::int64_t>(140288));
}

TEST(JsonEvents, FeedHitWithAFeedIdInTheKey) {
    const char* bus = R"({"process_id":"00000003-0000-03a0-01d2-3eb59e345cd5","report_id":"17326959","report_score":100,
      "ioc_type":"dns","ioc_value":"actblues.com","ioc_attr":{"protocol":"TCP","remote_ip":"40.112.210.240","port":80,
      "direction":"Outbound","dns_name":"actblues.com"},"hostname":"WIN-IA9NQ1GN8OI","group":"Default Group",
      "sensor_id":3,"cb_version":"5.2.0.161004.1206","server_name":"localhost","from_feed_search":false,"feed_id":24,
      "feed_name":"threatconnectintegration","event_timestamp":1479155289.752})";
    const auto hit = ev::FeedHit::from_message(json_message("feed.24.ingress.hit.process", bus));
    EXPECT_EQ(hit.feed_id(), std::optional<std::int64_t>(24));
    EXPECT_EQ(hit.feed_name(), "threatconnectintegration");
    EXPECT_EQ(hit.report_id(), "17326959");
    EXPECT_EQ(hit.report_score(), std::optional<std::int64_t>(100));
    EXPECT_EQ(hit.ioc_type(), "dns");
    EXPECT_EQ(hit.ioc_value(), "actblues.com");
    EXPECT_EQ(hit.ioc_attr().at("remote_ip"), "40.112.210.240");
    EXPECT_EQ(hit.stage(), "ingress");
    EXPECT_EQ(hit.target(), "process");
    EXPECT_EQ(hit.process_guid(), "00000003-0000-03a0-01d2-3eb59e345cd5");
    EXPECT_EQ(hit.sensor_id(), std::optional<std::int64_t>(3));
    EXPECT_EQ(hit.hostname(), "WIN-IA9NQ1GN8OI");
    EXPECT_EQ(hit.boolean("from_feed_search"), std::optional<bool>(false));
}

TEST(JsonEvents, AlertWithNumbersAsStringsAndIocAttrAsText) {
    const char* bus = R"({"alert_type":"watchlist.hit.query.process","unique_id":"c02c7a6a-07a5-49d9-8e7a-930413575d2f",
      "created_time":"2016-07-19T16:26:49.830563Z","status":"Unresolved","alert_severity":"40.5","watchlist_id":"11",
      "watchlist_name":"Chrome","feed_id":"-1","feed_name":"My Watchlists","ioc_type":"query",
      "ioc_attr":"{\"highlights\": [\"PREPREPREchrome.exePOSTPOSTPOST\"]}","sensor_id":"9",
      "process_id":"00000009-0000-0420-01d1-e1d90eaf1d93","segment_id":"1","md5":"028228c7068de998d9251c82e61d13a4",
      "interface_ip":"172.22.5.141","event_timestamp":1468945624.954})";
    const auto alert = ev::AlertEvent::from_message(json_message("alert.watchlist.hit.query.process", bus));
    EXPECT_EQ(alert.alert_type(), "watchlist.hit.query.process");
    EXPECT_EQ(alert.severity(), std::optional<double>(40.5));
    EXPECT_EQ(alert.watchlist_id(), std::optional<std::int64_t>(11));
    EXPECT_EQ(alert.feed_id(), std::optional<std::int64_t>(-1));
    EXPECT_EQ(alert.sensor_id(), std::optional<std::int64_t>(9));
    EXPECT_EQ(alert.segment_id(), std::optional<std::int64_t>(1));
    EXPECT_EQ(alert.process_guid(), "00000009-0000-0420-01d1-e1d90eaf1d93");
    EXPECT_EQ(alert.interface_ip(), "172.22.5.141");
    EXPECT_EQ(alert.ioc_attr().at("highlights").at(0), "PREPREPREchrome.exePOSTPOSTPOST");
    ASSERT_TRUE(alert.created_time());
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(alert.created_time()->time_since_epoch()).count(),
              1468945609830563);
    EXPECT_EQ(alert.status(), "Unresolved");
}

TEST(JsonEvents, BinaryInfoAndBinaryStore) {
    const auto info = ev::BinaryInfoEvent::from_message(json_message(
        "binaryinfo.host.observed",
        R"({"md5":"AB","scores":{"alliance_score_virustotal":"16","alliance_score_x":3},"watchlists":{"watchlist_5":"2016-01-01T00:00:00Z"},"hostname":"H","sensor_id":"4","event_timestamp":1.5})"));
    EXPECT_EQ(info.scope(), "host");
    EXPECT_EQ(info.md5(), "AB");
    EXPECT_EQ(info.scores(), (std::map<std::string, std::int64_t>{{"alliance_score_virustotal", 16}, {"alliance_score_x", 3}}));
    EXPECT_EQ(info.watchlists().at("watchlist_5"), "2016-01-01T00:00:00Z");
    EXPECT_EQ(info.sensor_id(), std::optional<std::int64_t>(4));

    const auto store = ev::BinaryStoreEvent::from_message(json_message(
        "binarystore.file.added",
        R"({"md5":"33AE1B209D9BE2FC6835B8A35A889CEC","size":126056,"compressed_size":57682,"node_id":0,"file_path":"/var/cb/data/modulestore/33A/E1B/33AE1B209D9BE2FC6835B8A35A889CEC.zip","event_timestamp":1447697837.504})"));
    EXPECT_EQ(store.size(), std::optional<std::int64_t>(126056));
    EXPECT_EQ(store.compressed_size(), std::optional<std::int64_t>(57682));
    EXPECT_EQ(store.node_id(), std::optional<std::int64_t>(0));
    EXPECT_EQ(store.file_path(), "/var/cb/data/modulestore/33A/E1B/33AE1B209D9BE2FC6835B8A35A889CEC.zip");
}

TEST(JsonEvents, LenientAccessorsOnOddValues) {
    const ev::JsonView view(nlohmann::json::parse(R"({"s":" 12 ","f":"1e2","big":"99999999999999999999","neg":-1,
      "ip_int":-1407246848,"ip_uint":2887720448,"ip_str_num":"-1407246848","ip_empty":"","ip_bad":"x","ip_huge":1e20,
      "flag":"TRUE","n1":1,"n2":2,"null":null,"list":["a",1,true,null,{}],"frac":2.5,"iso":"2016-06-10 14:03:24-05:00",
      "obj_text":"{\"a\":1}","obj_bad":"[1]"})"));
    EXPECT_EQ(view.integer("s"), std::optional<std::int64_t>(12));
    EXPECT_EQ(view.integer("f"), std::optional<std::int64_t>(100));
    EXPECT_EQ(view.integer("big"), std::nullopt);
    EXPECT_EQ(view.integer("frac"), std::nullopt);
    EXPECT_EQ(view.number("frac"), std::optional<double>(2.5));
    EXPECT_EQ(view.integer("missing"), std::nullopt);
    EXPECT_EQ(view.integer("null"), std::nullopt);
    EXPECT_FALSE(view.has("null"));
    EXPECT_EQ(view.ip("ip_int"), "172.31.30.0");
    EXPECT_EQ(view.ip("ip_uint"), "172.31.30.0");
    EXPECT_EQ(view.ip("ip_str_num"), "172.31.30.0");
    EXPECT_EQ(view.ip("neg"), "255.255.255.255");
    EXPECT_EQ(view.ip("ip_empty"), "");
    EXPECT_EQ(view.ip("ip_bad"), "");
    EXPECT_EQ(view.ip("ip_huge"), "");
    EXPECT_EQ(view.boolean("flag"), std::optional<bool>(true));
    EXPECT_EQ(view.boolean("n1"), std::optional<bool>(true));
    EXPECT_EQ(view.boolean("n2"), std::nullopt);
    EXPECT_EQ(view.strings("list"), (std::vector<std::string>{"a", "1", "true"}));
    EXPECT_EQ(view.string("n1"), "1");
    EXPECT_EQ(view.string("list"), "");
    ASSERT_TRUE(view.time("iso"));
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(view.time("iso")->time_since_epoch()).count(),
              1465585404);
    EXPECT_EQ(view.object("obj_text").at("a"), 1);
    EXPECT_TRUE(view.object("obj_bad").is_null());
    // A non-object document reads as empty.
    const ev::JsonView array(nlohmann::json::array({1, 2}));
    EXPECT_EQ(array.string("x"), "");
}

TEST(JsonEvents, BodiesThatAreNotObjectsAreDecodeErrors) {
    EXPECT_THROW(ev::JsonEvent::from_message(json_message("k", "not json")), ev::DecodeError);
    EXPECT_THROW(ev::JsonEvent::from_message(json_message("k", "[1,2]")), ev::DecodeError);
    EXPECT_THROW(ev::WatchlistHit::from_message(json_message("k", "")), ev::DecodeError);
    EXPECT_THROW(ev::AlertEvent::from_message(json_message("k", std::string("\x0a\x4f\x08", 3))), ev::DecodeError);
    // docs that are not a list, or hold non-objects, give no docs rather than an error.
    const auto hit = ev::WatchlistHit::from_message(json_message("watchlist.hit.process", R"({"docs":"x"})"));
    EXPECT_TRUE(hit.process_docs().empty());
    const auto mixed = ev::WatchlistHit::from_message(json_message("watchlist.hit.process", R"({"docs":[1,{"id":"g"}]})"));
    ASSERT_EQ(mixed.process_docs().size(), 1u);
    EXPECT_EQ(mixed.process_docs()[0].process_guid(), "g");
}
