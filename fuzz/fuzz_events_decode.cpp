// The event side's message decoders: one raw sensor event, a raw-sensor-data bundle, a zip of bundles, the JSON
// views of every message family, and the registry's typed dispatch of both. Bad input may only be refused with
// cbapi::events::DecodeError (a cbapi::ApiError) or reported in a batch's errors; anything else escaping, or a crash,
// is a finding. The first input byte picks the decoder, the rest is the message body.
#include "cbapi/events.hpp"
#include "fuzz_common.hpp"

namespace {

void read_json_views(const cbapi::events::Message& message) {
    using namespace cbapi::events;
    const auto hit = WatchlistHit::from_message(message);
    (void)hit.watchlist_id();
    (void)hit.event_time();
    (void)hit.is_binary();
    for (const auto& doc : hit.process_docs()) {
        (void)doc.process_guid();
        (void)doc.segment_id();
        (void)doc.comms_ip();
        (void)doc.interface_ip();
        (void)doc.start();
        (void)doc.process_pid();
    }
    for (const auto& doc : hit.binary_docs()) {
        (void)doc.sensor_ids();
        (void)doc.observed_filenames();
        (void)doc.is_64bit();
    }
    const auto feed = FeedHit::from_message(message);
    (void)feed.ioc_attr();
    (void)feed.stage();
    (void)feed.process_guid();
    const auto alert = AlertEvent::from_message(message);
    (void)alert.severity();
    (void)alert.created_time();
    (void)alert.ioc_attr();
    (void)alert.comms_ip();
    const auto info = BinaryInfoEvent::from_message(message);
    (void)info.scores();
    (void)info.watchlists();
    const auto store = BinaryStoreEvent::from_message(message);
    (void)store.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cbapi::events;
    cbapi::fuzz::quiet();
    if (size < 1) return 0;
    const std::string_view body = cbapi::fuzz::as_text(data + 1, size - 1);
    Message message;
    message.body = std::string(body);
    message.routing_key = "watchlist.hit.process";
    switch (data[0] % 6) {
        case 0: cbapi::fuzz::expect_clear_errors([&] { (void)decode_sensor_event(body); }); break;
        case 1: (void)decode_sensor_bundle(body, SensorEnvironment{7, "HOST", 1, 0}); break;
        case 2: cbapi::fuzz::expect_clear_errors([&] { (void)decode_sensor_zip(body); }); break;
        case 3:
            message.headers = {{"sensorId", "7"}, {"sensorHostName", "HOST"}};
            message.content_type = data[0] & 0x80 ? "application/zip" : "application/protobuf";
            (void)decode_sensor_events(message);
            break;
        case 4:
            message.content_type = "application/json";
            cbapi::fuzz::expect_clear_errors([&] { read_json_views(message); });
            break;
        default: {
            // Typed dispatch must swallow every decoding problem and never throw.
            static Registry registry;
            static const bool subscribed = [] {
                registry.on<SensorEvent>("#", [](const SensorEvent& event) { (void)event.header.type; });
                registry.on<WatchlistHit>("#", [](const WatchlistHit& hit) { (void)hit.process_docs(); });
                return true;
            }();
            (void)subscribed;
            message.content_type = data[0] & 0x80 ? "application/json" : "application/protobuf";
            registry.dispatch(message);
        }
    }
    return 0;
}
