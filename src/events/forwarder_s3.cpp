// ForwarderS3: the Event Forwarder's S3 output, listed and read in key order with a checkpoint file.
//
// Checkpoint. The forwarder names objects `<prefix>/event-forwarder.<time>[-<worker>][.gz]`, so keys sort in time
// order, but not strictly in upload order: 3.4 names an object by the start of its bundle and uploads it up to 300 s
// later (much later when uploads fail and are retried), and 3.8's workers upload in parallel. A plain "last key done"
// mark would therefore lose an object that appears after a later-sorting one was handled. The checkpoint keeps
//   - `floor`: every key <= floor is done (and is no longer listed: ListObjectsV2 `start-after=floor`), and
//   - `done`: the keys > floor that are done.
// A key is skipped only when it is <= floor or in `done`, so a late object above the floor is still read. The floor
// moves up over done keys, in key order, only while each was uploaded (S3 LastModified) more than
// `late_arrival_window` before the newest object listed and no key before it is still pending; `done` then forgets
// the keys at or below it. So `done` holds about one window's worth of keys, and an object is lost only if it shows
// up more than a window after objects that sort after it.
//
// Delivery is at-least-once: an object goes into the checkpoint only after every record's DoneCallback said
// `handled`; the checkpoint is rewritten (AtomicFile: temporary + rename, no symbolic links) after each object.
#include "cbapi/events/forwarder_s3.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include "cbapi/credentials.hpp"
#include "cbapi/curl_transport.hpp"
#include "cbapi/files.hpp"
#include "cbapi/logging.hpp"
#include "events/forwarder_record.hpp"
#include "events/s3_client.hpp"

namespace cbapi::events {

namespace {

constexpr std::string_view checkpoint_format = "cbapi-forwarder-s3-checkpoint";
constexpr std::size_t max_line_reports_per_object = 20;

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string extra(const Credentials& profile, const char* key) {
    const auto it = profile.extra.find(key);
    return it == profile.extra.end() ? std::string() : it->second;
}

// Seconds since the epoch of S3's `YYYY-MM-DDTHH:MM:SS[.fff]Z`; nothing when it is not in that form.
std::optional<std::time_t> parse_s3_time(const std::string& text) {
    std::tm tm{};
    int year = 0;
    int month = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                    &tm.tm_sec, &tail) != 7 ||
        (tail != '.' && tail != 'Z'))
        return std::nullopt;
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    return ::timegm(&tm);
}

// The bytes of a gzip (or zlib) stream, several gzip members included, capped at `limit` bytes of output.
// Throws std::runtime_error with a short reason.
std::string inflate_capped(const std::string& input, std::uint64_t limit) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) throw std::runtime_error("zlib initialisation failed");
    struct End {
        z_stream* zs;
        ~End() { inflateEnd(zs); }
    } end{&zs};
    std::string out;
    std::string chunk(64 * 1024, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    zs.avail_in = static_cast<uInt>(input.size());  // objects are capped far below 4 GB (max_object_bytes)
    for (;;) {
        zs.next_out = reinterpret_cast<Bytef*>(chunk.data());
        zs.avail_out = static_cast<uInt>(chunk.size());
        const int rc = inflate(&zs, Z_NO_FLUSH);
        const std::size_t produced = chunk.size() - zs.avail_out;
        if (out.size() + produced > limit)
            throw std::runtime_error("it inflates to more than " + std::to_string(limit) +
                                     " bytes (max_decompressed_bytes; a gzip bomb?)");
        out.append(chunk.data(), produced);
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0) return out;
            // Another gzip member follows (concatenated gzip files); anything else is trailing garbage.
            if (zs.avail_in < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b)
                throw std::runtime_error("trailing bytes after the gzip data");
            if (inflateReset(&zs) != Z_OK) throw std::runtime_error("zlib reset failed");
            continue;
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) throw std::runtime_error("the gzip data is truncated");
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            throw std::runtime_error(std::string("corrupt gzip data (") + (zs.msg != nullptr ? zs.msg : "zlib error") +
                                     ")");
    }
}

bool is_gzip(std::string_view key, const std::string& body) {
    return ends_with(key, ".gz") ||
           (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
            static_cast<unsigned char>(body[1]) == 0x8b);
}

// What became of one object.
enum class Outcome {
    done,     // delivered and handled, or skipped for good (reported): goes into the checkpoint
    later,    // a transient failure: the pass ends, the object is read at a later pass
    skipped,  // a failure that is not transient but may be fixed on the server (e.g. AccessDenied): not checkpointed
    stopped,  // stop() or the consumer is stopping: not checkpointed
    skipped_for_good,  // (fetch only) reported and never worth reading again: becomes `done`
};

// State shared with the DoneCallbacks, which may run on other threads and after run() returned.
struct Shared {
    std::mutex mutex;
    std::condition_variable changed;
    bool stopping = false;
};

}  // namespace

ForwarderS3Options forwarder_s3_options(const Credentials& profile) {
    ForwarderS3Options options;
    options.bucket = extra(profile, "s3_bucket");
    options.prefix = extra(profile, "s3_prefix");
    options.region = extra(profile, "s3_region");
    options.endpoint = extra(profile, "s3_endpoint");
    options.access_key_id = extra(profile, "aws_access_key_id");
    options.secret_access_key = extra(profile, "aws_secret_access_key");
    options.session_token = extra(profile, "aws_session_token");
    // The profile's own ssl_verify / ssl_cert_file / proxy describe the Cb server (often self-signed, on the inside
    // network) and are deliberately not applied to S3: an `ssl_verify=False` for the Cb server must not turn off
    // verification of AWS. S3 has its own keys.
    options.transport.ca_bundle = extra(profile, "s3_ca_bundle");
    if (const std::string verify = extra(profile, "s3_ssl_verify"); !verify.empty()) {
        const auto on = parse_bool_word(verify);
        if (!on) throw CredentialError("s3_ssl_verify in the credentials profile must be true or false");
        options.transport.verify_peer = *on;
        options.transport.verify_hostname = *on;
        if (!*on) logger()->warn("forwarder S3: TLS verification is off (s3_ssl_verify=false)");
    }
    return options;
}

struct ForwarderS3::Impl {
    ForwarderS3Options options;
    std::string prefix;  // with its trailing '/'
    std::unique_ptr<detail::S3Client> client;
    std::shared_ptr<Shared> shared = std::make_shared<Shared>();
    std::string name;

    // The checkpoint (see the top of this file).
    std::string floor;
    std::set<std::string> done;

    bool stopping() const {
        std::lock_guard<std::mutex> lock(shared->mutex);
        return shared->stopping;
    }

    std::string location(std::string_view key) const { return client->location(key); }

    void report(Sink& sink, std::string origin, std::string what) const {
        sink.report(SourceProblem{name, std::move(origin), std::move(what)});
    }

    // --- checkpoint ---------------------------------------------------------------------------------------------

    void load_checkpoint() {
        floor.clear();
        done.clear();
        if (options.state_path.empty()) return;
        const std::string path = options.state_path.string();
        const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT) return;  // first run
            const int error = errno;
            throw ApiError("Cannot read the S3 checkpoint " + path + ": " +
                           (error == ELOOP ? std::string("it is a symbolic link") : std::strerror(error)));
        }
        std::string text;
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                const int error = errno;
                ::close(fd);
                throw ApiError("Cannot read the S3 checkpoint " + path + ": " + std::strerror(error));
            }
            if (n == 0) break;
            text.append(buffer, static_cast<std::size_t>(n));
            if (text.size() > 256U * 1024 * 1024) {
                ::close(fd);
                throw ApiError("The S3 checkpoint " + path + " is larger than 256 MB: not a checkpoint");
            }
        }
        ::close(fd);
        const auto doc = nlohmann::json::parse(text, nullptr, false);
        const auto bad = [&](const std::string& why) {
            return ApiError("The S3 checkpoint " + path + " is not usable: " + why +
                            " (move it away to start from the beginning of the prefix)");
        };
        if (doc.is_discarded() || !doc.is_object()) throw bad("not a JSON object");
        if (doc.value("format", std::string()) != checkpoint_format || doc.value("version", 0) != 1)
            throw bad("not a cbapi forwarder S3 checkpoint (version 1)");
        const auto bucket = doc.value("bucket", std::string());
        const auto prefix_in_file = doc.value("prefix", std::string());
        if (bucket != options.bucket || prefix_in_file != prefix)
            throw bad("it belongs to s3://" + bucket + "/" + prefix_in_file + ", not " + location(prefix));
        const auto f = doc.find("floor");
        const auto d = doc.find("done");
        if (f == doc.end() || !f->is_string() || d == doc.end() || !d->is_array()) throw bad("floor or done missing");
        floor = f->get<std::string>();
        for (const auto& key : *d) {
            if (!key.is_string()) throw bad("a done key is not a string");
            done.insert(key.get<std::string>());
        }
    }

    void save_checkpoint() const {
        if (options.state_path.empty()) return;
        nlohmann::json doc = {{"format", checkpoint_format}, {"version", 1}, {"bucket", options.bucket},
                              {"prefix", prefix},           {"floor", floor}, {"done", done}};
        AtomicFile file(options.state_path, AtomicFile::private_mode);
        file.write(doc.dump(1));
        file.write("\n");
        file.commit();
    }

    // Ages of one listing, for moving the floor: parsed once per pass; `next` only moves forward, so a pass over n
    // objects costs O(n log n) however often the floor is advanced.
    struct FloorCursor {
        std::vector<std::time_t> times;  // empty when some LastModified could not be parsed
        std::time_t cutoff = 0;
        std::size_t next = 0;
    };

    FloorCursor floor_cursor(const std::vector<detail::S3Object>& listed) const {
        FloorCursor cursor;
        std::time_t newest = 0;
        for (const auto& object : listed) {
            const auto t = parse_s3_time(object.last_modified);
            if (!t) return {};  // cannot tell ages apart: keep every done key
            cursor.times.push_back(*t);
            newest = std::max(newest, *t);
        }
        cursor.cutoff = newest - static_cast<std::time_t>(options.late_arrival_window.count());
        return cursor;
    }

    // Moves the floor up over done keys uploaded more than the window before the newest listed object, stopping at
    // the first key that is not done.
    void advance_floor(const std::vector<detail::S3Object>& listed, FloorCursor& cursor) {
        if (cursor.times.size() != listed.size() || listed.empty()) return;
        const std::string old_floor = floor;
        while (cursor.next < listed.size() && done.count(listed[cursor.next].key) != 0 &&
               cursor.times[cursor.next] < cursor.cutoff)
            floor = listed[cursor.next++].key;
        if (floor != old_floor) done.erase(done.begin(), done.upper_bound(floor));
    }

    // --- one pass -----------------------------------------------------------------------------------------------

    std::vector<detail::S3Object> list_all() {
        std::vector<detail::S3Object> all;
        std::string token;
        for (;;) {
            auto page = client->list_objects_v2(prefix, floor, token, options.max_keys);
            for (auto& object : page.objects)
                if (object.key > floor && object.key.compare(0, prefix.size(), prefix) == 0)
                    all.push_back(std::move(object));
            if (!page.truncated) break;
            if (page.next_continuation_token == token)
                throw ServerError(200, "S3 ListObjectsV2 of " + location(prefix) +
                                           " returned the same continuation token twice (the listing does not advance)");
            token = std::move(page.next_continuation_token);
            if (stopping()) break;
        }
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
        all.erase(std::unique(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.key == b.key; }),
                  all.end());
        return all;
    }

    Outcome fetch(Sink& sink, const detail::S3Object& object, std::string& body) {
        const std::string where = location(object.key);
        try {
            body = client->get_object(object.key, options.max_object_bytes);
            return Outcome::done;
        } catch (const ResponseTooLargeError&) {
            report(sink, where,
                   "object larger than " + std::to_string(options.max_object_bytes) +
                       " bytes (max_object_bytes); skipped");
            body.clear();
            return Outcome::skipped_for_good;
        } catch (const S3Error& e) {
            if (e.code() == "NoSuchKey") {
                report(sink, where, "object listed but gone when read (deleted?); skipped");
                return Outcome::skipped;
            }
            report(sink, where, e.what());
            return detail::is_transient(e.status(), e.code()) ? Outcome::later : Outcome::skipped;
        } catch (const std::invalid_argument& e) {
            report(sink, where, std::string(e.what()) + "; skipped");
            return Outcome::skipped_for_good;
        } catch (const ApiError& e) {  // ConnectionError, TimeoutError, ServerError
            report(sink, where, std::string(e.what()) + "; will retry");
            return Outcome::later;
        }
    }

    Outcome process(Sink& sink, const detail::S3Object& object) {
        const std::string where = location(object.key);
        if (object.size == 0) {
            logger()->debug("{}: {} is empty (the forwarder uploads empty objects); skipped", name, where);
            return Outcome::done;
        }
        if (ends_with(object.key, ".lz4")) {
            report(sink, where, "LZ4-compressed forwarder output is not supported (set compression_type=gzip); skipped");
            return Outcome::done;
        }
        if (object.size > options.max_object_bytes) {
            report(sink, where,
                   "object of " + std::to_string(object.size) + " bytes is larger than max_object_bytes (" +
                       std::to_string(options.max_object_bytes) + "); skipped");
            return Outcome::done;
        }
        std::string body;
        if (const Outcome got = fetch(sink, object, body); got != Outcome::done)
            return got == Outcome::skipped_for_good ? Outcome::done : got;
        if (body.empty()) return Outcome::done;
        if (is_gzip(object.key, body)) {
            try {
                body = inflate_capped(body, options.max_decompressed_bytes);
            } catch (const std::exception& e) {
                report(sink, where, std::string("not readable as gzip: ") + e.what() + "; skipped");
                return Outcome::done;
            }
        }
        if (body.find('\0') != std::string::npos) {
            report(sink, where, "not Event Forwarder output (binary data, not JSON lines); skipped");
            return Outcome::done;
        }
        if (body.back() != '\n') body.push_back('\n');

        std::vector<Message> messages;
        std::size_t bad_lines = 0;
        std::string first_problem;
        std::vector<SourceProblem> line_problems;
        detail::for_each_line(body, 1, [&](std::string_view text, std::size_t number) {
            std::string origin = where + " line " + std::to_string(number);
            std::string error;
            if (auto message = detail::forwarder_record(text, origin, error)) {
                messages.push_back(std::move(*message));
                return;
            }
            ++bad_lines;
            if (first_problem.empty()) first_problem = "line " + std::to_string(number) + ": " + error;
            if (line_problems.size() < max_line_reports_per_object)
                line_problems.push_back(SourceProblem{name, std::move(origin), "bad record (" + error + "); skipped"});
        });
        if (messages.empty()) {
            if (bad_lines > 0)
                report(sink, where,
                       "not Event Forwarder output (no line is a JSON object; " + first_problem + "); skipped");
            return Outcome::done;
        }
        for (auto& problem : line_problems) sink.report(std::move(problem));
        if (bad_lines > line_problems.size())
            report(sink, where,
                   std::to_string(bad_lines - line_problems.size()) + " more bad records skipped (" +
                       std::to_string(bad_lines) + " in all)");
        return deliver(sink, where, std::move(messages));
    }

    Outcome deliver(Sink& sink, const std::string& where, std::vector<Message> messages) {
        struct Pending {
            std::size_t left = 0;
            std::size_t unhandled = 0;
        };
        auto pending = std::make_shared<Pending>();
        auto state = shared;
        {
            std::lock_guard<std::mutex> lock(state->mutex);
            pending->left = messages.size();
        }
        const std::size_t total = messages.size();
        std::size_t given = 0;
        for (auto& message : messages) {
            if (stopping()) break;
            DoneCallback done_callback = [state, pending](bool handled) {
                std::lock_guard<std::mutex> lock(state->mutex);
                --pending->left;
                if (!handled) ++pending->unhandled;
                state->changed.notify_all();
            };
            if (!sink.deliver(std::move(message), std::move(done_callback))) break;
            ++given;
        }
        std::unique_lock<std::mutex> lock(state->mutex);
        pending->left -= total - given;  // never handed over: no callback will come for these
        state->changed.wait(lock, [&] { return pending->left == 0 || state->stopping; });
        if (given < total || pending->left != 0) return Outcome::stopped;
        if (pending->unhandled > 0) {
            lock.unlock();
            report(sink, where,
                   std::to_string(pending->unhandled) +
                       " records were not handled (discarded by the consumer); the object will be read again");
            return Outcome::stopped;
        }
        logger()->debug("{}: {} records of {} handled", name, total, where);
        return Outcome::done;
    }

    // Returns whether the pass completed without a transient failure.
    bool pass(Sink& sink) {
        std::vector<detail::S3Object> listed;
        try {
            listed = list_all();
        } catch (const S3Error& e) {
            if (!detail::is_transient(e.status(), e.code()) || options.one_shot) throw;
            report(sink, location(prefix), std::string(e.what()) + "; will retry");
            return false;
        } catch (const ApiError& e) {
            if (options.one_shot) throw;
            report(sink, location(prefix), std::string(e.what()) + "; will retry");
            return false;
        }
        FloorCursor cursor = floor_cursor(listed);
        advance_floor(listed, cursor);
        for (const auto& object : listed) {
            if (stopping()) return true;
            if (done.count(object.key) != 0 || object.key <= floor) continue;
            const Outcome outcome = process(sink, object);
            if (outcome == Outcome::stopped) return true;
            if (outcome == Outcome::later) return false;
            if (outcome == Outcome::done) {
                done.insert(object.key);
                advance_floor(listed, cursor);
                save_checkpoint();
            }
        }
        save_checkpoint();
        return true;
    }

    void wait(std::chrono::milliseconds delay) {
        if (options.wait) {
            options.wait(delay);
            return;
        }
        std::unique_lock<std::mutex> lock(shared->mutex);
        shared->changed.wait_for(lock, delay, [&] { return shared->stopping; });
    }
};

ForwarderS3::ForwarderS3(ForwarderS3Options options) : ForwarderS3(std::move(options), nullptr) {}

ForwarderS3::ForwarderS3(ForwarderS3Options options, std::shared_ptr<Transport> transport)
    : impl_(std::make_unique<Impl>()) {
    auto& o = options;
    if (o.access_key_id.empty() != o.secret_access_key.empty())
        throw CredentialError(std::string("Incomplete AWS credentials for the S3 reader: ") +
                              (o.access_key_id.empty() ? "a secret access key" : "an access key id") +
                              " is set without " +
                              (o.access_key_id.empty() ? "an access key id" : "a secret access key"));
    if (o.access_key_id.empty()) {
        o.access_key_id = env("AWS_ACCESS_KEY_ID");
        o.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
        o.session_token = env("AWS_SESSION_TOKEN");
        if (o.access_key_id.empty() || o.secret_access_key.empty())
            throw CredentialError(
                "No AWS credentials for the S3 reader: set them in ForwarderS3Options (access_key_id, "
                "secret_access_key), in the credentials profile (aws_access_key_id, aws_secret_access_key, read by "
                "forwarder_s3_options()), or in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, and "
                "AWS_SESSION_TOKEN for temporary credentials)");
    }
    if (o.region.empty()) o.region = env("AWS_REGION");
    if (o.region.empty()) o.region = "us-east-1";
    if (o.max_keys > 1000) throw std::invalid_argument("ForwarderS3Options::max_keys must be at most 1000");
    if (o.poll_interval.count() <= 0) throw std::invalid_argument("ForwarderS3Options::poll_interval must be > 0");
    impl_->prefix = o.prefix;
    while (!impl_->prefix.empty() && impl_->prefix.front() == '/') impl_->prefix.erase(0, 1);
    if (!impl_->prefix.empty() && impl_->prefix.back() != '/') impl_->prefix.push_back('/');

    detail::S3Settings settings;
    settings.bucket = o.bucket;
    settings.region = o.region;
    settings.endpoint = o.endpoint;
    settings.access_key_id = o.access_key_id;
    settings.secret_access_key = o.secret_access_key;
    settings.session_token = o.session_token;
    if (!transport) transport = make_curl_transport(o.transport);
    impl_->client = std::make_unique<detail::S3Client>(std::move(settings), std::move(transport));
    impl_->name = "forwarder " + impl_->client->location(impl_->prefix) +
                  (o.endpoint.empty() ? std::string() : " at " + o.endpoint);
    impl_->options = std::move(options);
}

ForwarderS3::~ForwarderS3() = default;

std::string ForwarderS3::name() const { return impl_->name; }

Delivery ForwarderS3::delivery() const { return Delivery::at_least_once; }

void ForwarderS3::run(Sink& sink) {
    Impl& impl = *impl_;
    impl.load_checkpoint();
    unsigned failures = 0;
    for (;;) {
        if (impl.stopping()) return;
        const bool complete = impl.pass(sink);
        if (impl.options.one_shot || impl.stopping()) return;
        failures = complete ? 0 : std::min(failures + 1, 30U);
        auto delay = impl.options.poll_interval;
        for (unsigned i = 0; i < failures && delay < impl.options.max_backoff; ++i) delay *= 2;
        delay = std::min(delay, std::max(impl.options.max_backoff, impl.options.poll_interval));
        impl.wait(delay);
    }
}

void ForwarderS3::stop() {
    std::lock_guard<std::mutex> lock(impl_->shared->mutex);
    impl_->shared->stopping = true;
    impl_->shared->changed.notify_all();
}

}  // namespace cbapi::events
