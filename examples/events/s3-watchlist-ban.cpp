// s3-watchlist-ban: bans (MD5-blacklists) the binaries of a watchlist's hits, read from the Cb Event Forwarder's S3
// output (cbapi-python 1.3.2's examples/s3-watchlist-ban.py; `auto_ban` does the same for a local folder).
//   s3-watchlist-ban -w <watchlist> -b <bucket> [-a <AWS profile>] [-l] [--prefix P] [--region R]
//                    [--endpoint-url URL] [--checkpoint FILE] [--interval S] [--text T]   (plus --profile, ...)
// Reads every forwarder object under the prefix (plain or gzip) in key (= time) order with cbapi::events::ForwarderS3;
// a `watchlist.hit.process` / `watchlist.hit.binary` record of the watchlist (name compared case-insensitively) bans
// each doc's `process_md5` (process hits) or `md5` (binary hits: Python read `process_md5` there and banned "").
// A hit without docs is counted and reported, not a crash (Python: IndexError). Objects done are kept in the checkpoint
// file (written atomically), so a restart bans nothing twice. -l keeps polling the bucket every --interval seconds
// until Ctrl-C; without it the program makes one pass and exits.
// AWS credentials: -a <profile> from the AWS shared credentials file (Python ignored -a and used "default" unless the
// Cb --profile was set); else the Cb profile's aws_access_key_id/aws_secret_access_key keys; else AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; else the shared file's $AWS_PROFILE or "default" profile.
// Exit code 0 when the pass went through (records that could not be used are reported on stderr and counted), 1 when
// the bucket could not be read or a ban could not be sent; the object holding such a hit stays out of the checkpoint,
// so the next run (or the next pass of -l) tries it again.
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cbapi/credentials.hpp"
#include "cbapi/events.hpp"
#include "cbapi/events/forwarder_s3.hpp"
#include "cbapi/response.hpp"
#include "common/cli.hpp"
#include "common/event_tools.hpp"

namespace {

namespace ev = cbapi::events;
using cbapi::response::BannedHash;
using cbapi::response::CbResponseAPI;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// Wraps the S3 reader so that a record whose ban could not be sent is confirmed as not handled: the reader then
/// leaves its object out of the checkpoint, and the next run (or, with -l, the next pass) reads it again (bans already
/// made from it come back as "already banned"). The consumer alone would confirm it, since the callback returned.
class RetryFailedBans : public ev::Source {
public:
    explicit RetryFailedBans(std::shared_ptr<ev::Source> inner) : inner_(std::move(inner)) {}

    /// Called by the callback (on the worker thread, before the message's DoneCallback runs).
    void mark_failed(const std::string& origin) {
        std::lock_guard<std::mutex> lock(mutex_);
        failed_.insert(origin);
    }

    std::string name() const override { return inner_->name(); }
    ev::Delivery delivery() const override { return inner_->delivery(); }
    void subscribe(const std::vector<std::string>& patterns) override { inner_->subscribe(patterns); }
    void stop() override { inner_->stop(); }
    void run(ev::Sink& sink) override {
        Gate gate(sink, *this);
        inner_->run(gate);
    }

private:
    bool take_failed(const std::string& origin) {
        std::lock_guard<std::mutex> lock(mutex_);
        return failed_.erase(origin) > 0;
    }

    class Gate : public ev::Sink {
    public:
        Gate(ev::Sink& sink, RetryFailedBans& owner) : sink_(sink), owner_(owner) {}
        bool deliver(ev::Message message, ev::DoneCallback done) override {
            if (!done) return sink_.deliver(std::move(message));
            // The origin (`s3://bucket/key line n`) names the record; the owner outlives every DoneCallback.
            std::string origin = message.origin;
            return sink_.deliver(std::move(message),
                                 [owner = &owner_, origin = std::move(origin), done = std::move(done)](bool handled) {
                                     const bool failed = owner->take_failed(origin);
                                     done(handled && !failed);
                                 });
        }
        void report(ev::SourceProblem problem) override { sink_.report(std::move(problem)); }

    private:
        ev::Sink& sink_;
        RetryFailedBans& owner_;
    };

    std::shared_ptr<ev::Source> inner_;
    std::mutex mutex_;
    std::set<std::string> failed_;
};

/// The counters printed at the end.
struct Counts {
    std::atomic<long long> hits{0};            // hits of the watchlist
    std::atomic<long long> banned{0};          // bans created
    std::atomic<long long> already_banned{0};  // banned before (this run or on the server)
    std::atomic<long long> unusable{0};        // hits without docs or MD5
    std::atomic<long long> ban_failures{0};    // bans the server refused or that could not be sent
};

class WatchlistBan {
public:
    WatchlistBan(const CbResponseAPI& cb, std::string watchlist, std::string text, RetryFailedBans& source)
        : cb_(cb), watchlist_(lower(std::move(watchlist))), text_(std::move(text)), source_(source) {}

    void on_hit(const ev::WatchlistHit& hit, const ev::Message& message) {
        if (lower(hit.watchlist_name()) != watchlist_) return;
        counts.hits.fetch_add(1);
        const bool binary = hit.is_binary();
        const auto docs = hit.document().find("docs");
        if (docs == hit.document().end() || !docs->is_array() || docs->empty()) {
            unusable(message, "the hit has no docs");
            return;
        }
        std::size_t index = 0;
        for (const auto& doc : *docs) {
            const std::string where = "doc " + std::to_string(index++);
            if (!doc.is_object()) {
                unusable(message, where + " is not an object");
                continue;
            }
            const char* field = binary ? "md5" : "process_md5";
            const auto md5 = doc.find(field);
            if (md5 == doc.end() || !md5->is_string() || !valid_md5(md5->get<std::string>())) {
                unusable(message, where + " has no valid " + field);
                continue;
            }
            if (!ban(lower(md5->get<std::string>()), hit.watchlist_name())) source_.mark_failed(message.origin);
        }
    }

    Counts counts;

private:
    static bool valid_md5(const std::string& md5) {
        if (md5.size() != 32) return false;
        for (char c : md5)
            if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
        return true;
    }

    /// @return false when the ban could not be made (the record is then read again later)
    bool ban(const std::string& md5, const std::string& watchlist) {
        if (!done_.insert(md5).second) {
            counts.already_banned.fetch_add(1);
            return true;
        }
        try {
            BannedHash hash = cb_.create<BannedHash>();
            hash.set_md5hash(md5).set_text(text_);
            hash.save();
            counts.banned.fetch_add(1);
            std::cout << "[+]: Banned hash " << md5 << " (watchlist " << watchlist << ")" << std::endl;
            return true;
        } catch (const cbapi::HttpError& e) {
            if (e.status() == 409) {  // already on the server's list
                counts.already_banned.fetch_add(1);
                std::cout << "[+]: Hash " << md5 << " was already banned" << std::endl;
                return true;
            }
            failed(md5, e.what());
        } catch (const cbapi::ApiError& e) {
            failed(md5, e.what());
        }
        return false;
    }

    void failed(const std::string& md5, const std::string& what) {
        done_.erase(md5);
        counts.ban_failures.fetch_add(1);
        std::lock_guard<std::mutex> lock(stderr_mutex_);
        std::cerr << "s3-watchlist-ban: could not ban " << md5 << ": " << what << std::endl;
    }

    void unusable(const ev::Message& message, const std::string& what) {
        counts.unusable.fetch_add(1);
        std::lock_guard<std::mutex> lock(stderr_mutex_);
        std::cerr << "s3-watchlist-ban: skipped a hit at " << message.origin << ": " << what << std::endl;
    }

    const CbResponseAPI& cb_;
    std::string watchlist_;
    std::string text_;
    RetryFailedBans& source_;
    std::set<std::string> done_;  // only touched by the one worker thread
    std::mutex stderr_mutex_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Ban the binaries of a watchlist's hits, read from Cb Event Forwarder S3 output"};
    cbapi::examples::CommonOptions common;
    common.add_to(app);
    std::string watchlist, bucket, aws_profile, prefix, region, endpoint;
    std::string checkpoint = "s3-watchlist-ban.checkpoint";
    std::string text = "Auto-Blacklist from s3-watchlist-ban";
    bool listen = false;
    double interval = 60;
    app.add_option("-w,--watchlist", watchlist, "Name of the watchlist whose hits are banned")->required();
    app.add_option("-b,--bucket", bucket, "The Event Forwarder's S3 bucket")->required();
    app.add_option("-a,--aws-profile", aws_profile, "Profile of the AWS shared credentials file (~/.aws/credentials)");
    app.add_flag("-l,--listen", listen, "Keep polling the bucket for new objects until Ctrl-C");
    app.add_option("--prefix", prefix, "The forwarder's object_prefix (default: the whole bucket)");
    app.add_option("--region", region, "AWS region (default $AWS_REGION, else us-east-1)");
    app.add_option("--endpoint-url", endpoint,
                   "Base URL of an S3-compatible server (path-style addressing), e.g. http://127.0.0.1:9000");
    app.add_option("--checkpoint", checkpoint,
                   "File remembering the objects already processed (default s3-watchlist-ban.checkpoint)");
    app.add_option("--interval", interval, "Seconds between bucket listings with --listen (default 60)")
        ->check(CLI::PositiveNumber);
    app.add_option("--text", text, "Text (reason) of the bans");
    CLI11_PARSE(app, argc, argv);

    return cbapi::examples::run([&] {
        // First: every thread the SDK starts from here on inherits the blocked signals, so Ctrl-C reaches
        // the main thread's wait.
        cbapi::examples::SignalWaiter waiter;
        const cbapi::Credentials credentials = common.credentials(cbapi::Product::response);
        const CbResponseAPI cb(credentials);

        ev::ForwarderS3Options options = ev::forwarder_s3_options(credentials);  // the profile's s3_*/aws_* keys
        options.bucket = bucket;
        if (!prefix.empty()) options.prefix = prefix;
        if (!region.empty()) options.region = region;
        if (!endpoint.empty()) options.endpoint = endpoint;
        options.state_path = checkpoint;
        options.one_shot = !listen;
        options.poll_interval = std::chrono::milliseconds(static_cast<long long>(interval * 1000));
        cbapi::examples::apply_aws_shared_credentials(options, aws_profile);
        auto reader = std::make_shared<RetryFailedBans>(std::make_shared<ev::ForwarderS3>(options));

        WatchlistBan worker(cb, watchlist, text, *reader);
        ev::Registry registry;
        for (const char* key : {"watchlist.hit.process", "watchlist.hit.binary"})
            registry.on<ev::WatchlistHit>(
                key, [&worker](const ev::WatchlistHit& hit, const ev::Message& m) { worker.on_hit(hit, m); },
                "ban");
        ev::Consumer consumer(registry);
        consumer.add(reader);
        std::cerr << "s3-watchlist-ban: reading " << reader->name() << (listen ? " (listening)" : "") << std::endl;
        consumer.start();
        {
            cbapi::examples::ConsumerWatch watch(consumer, waiter);
            while (true) {
                const int signal = waiter.wait();
                if (signal == SIGINT || signal == SIGTERM || signal == SIGHUP || watch.finished()) break;
            }
            consumer.stop();
        }
        const Counts& c = worker.counts;
        const ev::RegistryStats stats = registry.stats();
        std::cerr << "s3-watchlist-ban: " << stats.delivered << " records read, " << c.hits
                  << " hits of the watchlist, "
                  << c.banned << " hashes banned, " << c.already_banned << " already banned, " << c.unusable
                  << " hits unusable, " << stats.malformed << " records unreadable, " << consumer.stats().problems
                  << " skipped by the reader, " << c.ban_failures << " bans failed" << std::endl;
        for (const ev::SourceFailure& failure : consumer.failures())
            std::cerr << "s3-watchlist-ban: " << failure.source << " failed: " << failure.what << std::endl;
        return consumer.failures().empty() && c.ban_failures == 0 ? 0 : 1;
    });
}
