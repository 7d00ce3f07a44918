#!/usr/bin/env python3
"""The baseline of cbapi-bench-events: a consumer built the way cbapi-python 1.3.2's RabbitMQEventSource works.

cbapi's own class no longer runs on current pika (its connect() passes pika 0.x arguments), so this rebuilds its
structure on Debian's python3-pika 1.x: one asynchronous SelectConnection, one auto-ack consumer, every delivery handed
by `on_message` to the registry's unbounded queue, one worker thread running the callback, which decodes the body
(json.loads for application/json, CbEventMsg.ParseFromString for application/protobuf) as cbapi's examples do.

Usage: pika_consumer.py --port P --queue Q --count N --pb-dir DIR [--host H --user U --password W]
Consumes N messages from the existing queue Q, then prints one JSON line: messages, wall seconds (from the first
delivery to the last callback), CPU seconds of the process, peak RSS in KiB, decode failures.
"""
import argparse
import json
import queue
import resource
import sys
import threading
import time

import pika


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", default="guest")
    parser.add_argument("--password", default="guest")
    parser.add_argument("--queue", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--pb-dir", required=True, help="directory holding sensor_events_pb2.py (protoc --python_out)")
    args = parser.parse_args()

    sys.path.insert(0, args.pb_dir)
    import sensor_events_pb2  # noqa: E402 (generated at bench time)

    work = queue.Queue()  # cbapi's registry queue: unbounded
    state = {"handled": 0, "failures": 0, "first": None, "last": None}
    done = threading.Event()

    def callback(content_type, body):
        # What a cbapi user's callback does with event_data.
        try:
            if content_type == "application/protobuf":
                msg = sensor_events_pb2.CbEventMsg()
                msg.ParseFromString(body)
            else:
                json.loads(body)
        except Exception:  # noqa: BLE001 (cbapi collects every Exception)
            state["failures"] += 1

    def worker():
        while True:
            item = work.get()
            if item is None:
                return
            callback(*item)
            state["handled"] += 1
            if state["handled"] == args.count:
                state["last"] = time.monotonic()
                done.set()

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()

    connection = None

    def on_message(channel, method, properties, body):
        if state["first"] is None:
            state["first"] = time.monotonic()
        work.put((properties.content_type, body))

    def on_channel_open(channel):
        channel.basic_consume(queue=args.queue, on_message_callback=on_message, auto_ack=True)

    def on_open(conn):
        conn.channel(on_open_callback=on_channel_open)

    def check_done():
        if done.is_set():
            connection.ioloop.stop()
        else:
            connection.ioloop.call_later(0.05, check_done)

    params = pika.ConnectionParameters(host=args.host, port=args.port,
                                       credentials=pika.PlainCredentials(args.user, args.password))
    connection = pika.SelectConnection(params, on_open_callback=on_open)
    connection.ioloop.call_later(0.05, check_done)
    connection.ioloop.start()
    work.put(None)
    thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kib = 0  # VmHWM: ru_maxrss would keep the forking parent's high-water mark across exec
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                peak_kib = int(line.split()[1])
    print(json.dumps({
        "messages": state["handled"],
        "wall_seconds": (state["last"] or time.monotonic()) - (state["first"] or time.monotonic()),
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_kib": peak_kib,
        "decode_failures": state["failures"],
    }))


if __name__ == "__main__":
    main()
