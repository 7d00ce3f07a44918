#pragma once
// A Sink for the forwarder sources' tests: records what it gets, confirms, holds or discards as told, and lets a test
// wait (on a condition variable, with a deadline) until a number of messages or problems arrived.

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <stdlib.h>

#include "cbapi/events/source.hpp"

namespace cbapi::test {

class TestSink : public events::Sink {
public:
    /// What deliver() does with a message's DoneCallback.
    enum class Mode { confirm, hold, discard, refuse };

    explicit TestSink(Mode mode = Mode::confirm) : mode_(mode) {}

    bool deliver(events::Message message, events::DoneCallback done) override {
        std::unique_lock lock(mutex_);
        if (mode_ == Mode::refuse) {
            return false;
        }
        messages_.push_back(std::move(message));
        if (mode_ == Mode::hold) {
            held_.push_back(std::move(done));
            changed_.notify_all();
            return true;
        }
        changed_.notify_all();
        const bool handled = mode_ == Mode::confirm;
        lock.unlock();
        if (done) {
            done(handled);
        }
        return true;
    }

    void report(events::SourceProblem problem) override {
        std::lock_guard lock(mutex_);
        problems_.push_back(std::move(problem));
        changed_.notify_all();
    }

    /// Waits until at least `n` messages arrived (at most `limit`); returns whether they did.
    bool wait_messages(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, limit, [&] { return messages_.size() >= n; });
    }
    bool wait_problems(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, limit, [&] { return problems_.size() >= n; });
    }

    std::vector<events::Message> messages() const {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    /// The routing keys of the messages so far, in order.
    std::vector<std::string> keys() const {
        std::lock_guard lock(mutex_);
        std::vector<std::string> out;
        for (const auto& m : messages_) out.push_back(m.routing_key);
        return out;
    }
    std::vector<events::SourceProblem> problems() const {
        std::lock_guard lock(mutex_);
        return problems_;
    }
    /// Runs the held DoneCallbacks with `handled`.
    void release(bool handled) {
        std::vector<events::DoneCallback> held;
        {
            std::lock_guard lock(mutex_);
            held.swap(held_);
        }
        for (auto& done : held) {
            if (done) done(handled);
        }
    }
    void set_mode(Mode mode) {
        std::lock_guard lock(mutex_);
        mode_ = mode;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    Mode mode_;
    std::vector<events::Message> messages_;
    std::vector<events::SourceProblem> problems_;
    std::vector<events::DoneCallback> held_;
};

/// Runs a source on a thread of its own; stops and joins it on destruction.
class SourceRunner {
public:
    SourceRunner(events::Source& source, events::Sink& sink) : source_(source) {
        thread_ = std::thread([this, &sink] {
            try {
                source_.run(sink);
            } catch (const std::exception& e) {
                std::lock_guard lock(mutex_);
                error_ = e.what();
            }
        });
    }
    ~SourceRunner() { stop(); }
    SourceRunner(const SourceRunner&) = delete;
    SourceRunner& operator=(const SourceRunner&) = delete;

    /// Stops the source and waits for run() to return; returns how long that took.
    std::chrono::milliseconds stop() {
        const auto start = std::chrono::steady_clock::now();
        source_.stop();
        if (thread_.joinable()) thread_.join();
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    }
    /// What run() threw (empty when nothing).
    std::string error() {
        std::lock_guard lock(mutex_);
        return error_;
    }

private:
    events::Source& source_;
    std::thread thread_;
    std::mutex mutex_;
    std::string error_;
};

/// A fresh scratch directory (under $CBAPI_TEST_TMP when set), removed on destruction.
class ScratchDir {
public:
    ScratchDir() {
        const char* base = std::getenv("CBAPI_TEST_TMP");
        std::filesystem::path root = base != nullptr ? base : std::filesystem::temp_directory_path().string();
        std::filesystem::create_directories(root);
        std::string pattern = (root / "evfwd-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace cbapi::test
