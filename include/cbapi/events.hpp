#pragma once
/// @file
/// The Cb Response event side in one include: the Source/Sink contract, raw sensor events, JSON message views, the
/// subscription registry and the consumer. Link `cbapi::events`. The sources (event bus, Event Forwarder file, HTTP
/// and S3) have headers of their own under `cbapi/events/`; see docs/events.md.

#include "cbapi/events/consumer.hpp"
#include "cbapi/events/decode_error.hpp"
#include "cbapi/events/json_events.hpp"
#include "cbapi/events/registry.hpp"
#include "cbapi/events/sensor_event.hpp"
#include "cbapi/events/source.hpp"
