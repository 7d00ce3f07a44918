// ForwarderFile against real files: appends, partial lines, the forwarder's rotation, truncation, a file that appears
// later, bad and over-long lines, the state file (resume, at-least-once, no symlink following), stop() latency and
// idle CPU.
#include "cbapi/events/forwarder_file.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cbapi/errors.hpp"
#include "events_forwarder/test_sink.hpp"
#include "support/file_helpers.hpp"

namespace {

using cbapi::events::Delivery;
using cbapi::events::ForwarderFile;
using cbapi::events::ForwarderFileOptions;
using cbapi::events::StartAt;
using cbapi::test::ScratchDir;
using cbapi::test::SourceRunner;
using cbapi::test::TestSink;
namespace fs = std::filesystem;

/// Appends like the forwarder does: one write() on a file opened for appending.
void append(const fs::path& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0) << path;
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
}

std::string record(const std::string& type, int n) {
    return fmt::format(R"({{"type":"{}","n":{},"cb_server":"cbserver"}})", type, n);
}

std::string lines(const std::string& type, int first, int count) {
    std::string out;
    for (int i = first; i < first + count; ++i) out += record(type, i) + "\n";
    return out;
}

ForwarderFileOptions options_for(const fs::path& file, StartAt start = StartAt::end) {
    ForwarderFileOptions options;
    options.path = file.string();
    options.start = start;
    return options;
}

double cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

TEST(ForwarderFile, StartsAtTheEndByDefaultAndDeliversAppendsInOrder) {
    ScratchDir dir;
    const fs::path file = dir.path() / "event_bridge_output.json";
    append(file, lines("old", 1, 2));
    ForwarderFile source(options_for(file));
    EXPECT_EQ(source.delivery(), Delivery::at_most_once);
    EXPECT_EQ(source.name(), "forwarder file " + file.string());
    TestSink sink;
    SourceRunner runner(source, sink);
    append(file, record("watchlist.hit.process", 3) + "\n");
    ASSERT_TRUE(sink.wait_messages(1));
    append(file, record("watchlist.hit.binary", 4) + "\n");
    append(file, record("alert.watchlist.hit.query.process", 5) + "\n");
    ASSERT_TRUE(sink.wait_messages(3));
    runner.stop();
    const auto got = sink.messages();
    ASSERT_EQ(got.size(), 3U);
    EXPECT_EQ(got[0].routing_key, "watchlist.hit.process");
    EXPECT_EQ(got[1].routing_key, "watchlist.hit.binary");
    EXPECT_EQ(got[2].routing_key, "alert.watchlist.hit.query.process");
    EXPECT_EQ(got[0].body, record("watchlist.hit.process", 3));
    EXPECT_EQ(got[0].content_type, "application/json");
    EXPECT_EQ(got[0].origin, file.string() + " line 3");  // the two old lines are counted, not delivered
    EXPECT_EQ(got[2].origin, file.string() + " line 5");
    EXPECT_TRUE(sink.problems().empty());
}

TEST(ForwarderFile, StartAtBeginningReplaysTheFile) {
    ScratchDir dir;
    const fs::path file = dir.path() / "out.json";
    append(file, lines("old", 1, 3));
    ForwarderFile source(options_for(file, StartAt::beginning));
    TestSink sink;
    SourceRunner runner(source, sink);
    ASSERT_TRUE(sink.wait_messages(3));
    append(file, lines("new", 4, 1));
    ASSERT_TRUE(sink.wait_messages(4));
    runner.stop();
    EXPECT_EQ(sink.keys(), (std::vector<std::string>{"old", "old", "old", "new"}));
    EXPECT_EQ(sink.messages()[0].origin, file.string() + " line 1");
}

TEST(ForwarderFile, APartialLineArrivesOnlyWhenItsNewlineDoes) {
    ScratchDir dir;
    const fs::path file = dir.path() / "out.json";
    append(file, "");
    ForwarderFile source(options_for(file));
    TestSink sink;
    SourceRunner runner(source, sink);
    // One write: a complete line and the start of the next. Once the first arrived, the reader has read both.
    append(file, record("first", 1) + "\n" + R"({"type":"second",)");
    ASSERT_TRUE(sink.wait_messages(1));
    append(file, R"("n":2})" "\n");
    ASSERT_TRUE(sink.wait_messages(2));
    runner.stop();
    const auto got = sink.messages();
    ASSERT_EQ(got.size(), 2U);
    EXPECT_EQ(got[1].body, R"({"type":"second","n":2})");
    EXPECT_EQ(got[1].origin, file.string() + " line 2");
    EXPECT_TRUE(sink.problems().empty()) << sink.problems().front().what;
}

TEST(ForwarderFile, RotationLikeTheForwarderLosesNothingAndDuplicatesNothing) {
    ScratchDir dir;
    const fs::path file = dir.path() / "event_bridge_output.json";
    append(file, "");
    ForwarderFile source(options_for(file));
    TestSink sink;
    SourceRunner runner(source, sink);
    int n = 0;
    std::vector<std::string> expected;
    const std::vector<std::string> rolled = {".20261205", ".2026-12-06T10:00:00.000", ".20261206"};
    for (const auto& suffix : rolled) {
        for (int burst = 0; burst < 5; ++burst) {
            std::string text;
            for (int i = 0; i < 40; ++i) {
                text += record("r", ++n) + "\n";
                expected.push_back(std::to_string(n));
            }
            append(file, text);
        }
        // The daily rollover: rename, then (after a last write the old name missed) a new file.
        fs::rename(file, fs::path(file.string() + suffix));
        append(fs::path(file.string() + suffix), record("r", ++n));  // a final line without '\n'
        expected.push_back(std::to_string(n));
        append(file, record("r", ++n) + "\n");
        expected.push_back(std::to_string(n));
        // Rotations come a day apart: the reader is on the new file before the next one. (Two rotations faster than
        // the reader reacts would skip the middle file, as with tail -F: its inode was never seen.)
        ASSERT_TRUE(sink.wait_messages(expected.size())) << sink.messages().size() << " of " << expected.size();
    }
    ASSERT_TRUE(sink.wait_messages(expected.size())) << sink.messages().size() << " of " << expected.size();
    append(file, record("r", ++n) + "\n");
    expected.push_back(std::to_string(n));
    ASSERT_TRUE(sink.wait_messages(expected.size()));
    runner.stop();
    std::vector<std::string> got;
    for (const auto& m : sink.messages()) {
        const auto at = m.body.find("\"n\":");
        got.push_back(m.body.substr(at + 4, m.body.find(',', at) - at - 4));
    }
    EXPECT_EQ(got, expected);
    EXPECT_TRUE(sink.problems().empty()) << sink.problems().front().what;
}

TEST(ForwarderFile, TruncationIsReportedAndTheFileIsReadAgainFromItsStart) {
    ScratchDir dir;
    const fs::path file = dir.path() / "out.json";
    append(file, "");
    ForwarderFile source(options_for(file));
    TestSink sink;
    SourceRunner runner(source, sink);
    append(file, lines("before", 1, 3));
    ASSERT_TRUE(sink.wait_messages(3));
    fs::resize_file(file, 0);
    append(file, record("after", 1) + "\n");
    ASSERT_TRUE(sink.wait_messages(4));
    runner.stop();
    EXPECT_EQ(sink.keys().back(), "after");
    EXPECT_EQ(sink.messages().back().origin, file.string() + " line 1");
    ASSERT_EQ(sink.problems().size(), 1U);
    EXPECT_NE(sink.problems()[0].what.find("truncated"), std::string::npos);
}

TEST(ForwarderFile, AFileCreatedAfterTheStartIsReadFromItsFirstLine) {
    ScratchDir dir;
    const fs::path file = dir.path() / "later" / "out.json";  // not even its directory exists yet
    ForwarderFile source(options_for(file));
    TestSink sink;
    SourceRunner runner(source, sink);
    fs::create_directories(file.parent_path());
    append(file, lines("created", 1, 2));
    ASSERT_TRUE(sink.wait_messages(2));
    runner.stop();
    EXPECT_EQ(sink.messages()[0].origin, file.string() + " line 1");
    EXPECT_TRUE(sink.problems().empty());
}

TEST(ForwarderFile, BadLinesAreReportedWithTheirLineNumberAndSkipped) {
    ScratchDir dir;
    const fs::path file = dir.path() / "out.json";
    append(file, "");
    ForwarderFile source(options_for(file));
    TestSink sink;
    SourceRunner runner(source, sink);
    append(file, record("good", 1) + "\n{not json\n[1,2]\n\n" + record("good", 5) + "\r\n");
    ASSERT_TRUE(sink.wait_messages(2));
    ASSERT_TRUE(sink.wait_problems(2));
    runner.stop();
    EXPECT_EQ(sink.messages()[1].origin, file.string() + " line 5");
    EXPECT_EQ(sink.messages()[1].body, record("good", 5));
    const auto problems = sink.problems();
    ASSERT_EQ(problems.size(), 2U);
    EXPECT_EQ(problems[0].origin, file.string() + " line 2");
    EXPECT_NE(problems[0].what.find("not JSON"), std::string::npos);
    EXPECT_EQ(problems[1].origin, file.string() + " line 3");
    EXPECT_EQ(problems[0].source, source.name());
}

TEST(ForwarderFile, AnOverlongLineIsReportedAndSkippedWithoutBufferingIt) {
    ScratchDir dir;
    const fs::path file = dir.path() / "out.json";
    append(file, "");
    auto options = options_for(file);
    options.max_line_bytes = 1000;
    ForwarderFile source(options);
    TestSink sink;
    SourceRunner runner(source, sink);
    const std::string huge = R"({"type":"huge","pad":")" + std::string(300000, 'x') + "\"}";
    append(file, record("a", 1) + "\n" + huge.substr(0, 100000));
    ASSERT_TRUE(sink.wait_problems(1));
    append(file, huge.substr(100000) + "\n" + record("b", 3) + "\n");
    ASSERT_TRUE(sink.wait_messages(2));
    runner.stop();
    EXPECT_EQ(sink.keys(), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(sink.messages()[1].origin, file.string() + " line 3");
    const auto problems = sink.problems();
    ASSERT_EQ(problems.size(), 1U);
    EXPECT_EQ(problems[0].origin, file.string() + " line 2");
    EXPECT_NE(problems[0].what.find("longer than 1000 bytes"), std::string::npos);
}

TEST(ForwarderFile, TheStateFileResumesAfterARestartAcrossARotation) {
    ScratchDir dir;
    const fs::path file = dir.path() / "out.json";
    const fs::path state = dir.path() / "reader.state";
    auto options = options_for(file, StartAt::beginning);
    options.state_file = state.string();
    append(file, lines("first", 1, 3));
    {
        ForwarderFile source(options);
        EXPECT_EQ(source.delivery(), Delivery::at_least_once);
        TestSink sink;
        SourceRunner runner(source, sink);
        ASSERT_TRUE(sink.wait_messages(3));
        runner.stop();
    }
    struct stat st {};
    ASSERT_EQ(::lstat(state.c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    // While the reader is down: more lines, a rotation, lines in the new file.
    append(file, lines("second", 4, 2));
    fs::rename(file, fs::path(file.string() + ".20261206"));
    append(file, lines("third", 1, 2));
    {
        ForwarderFile source(options);
        TestSink sink;
        SourceRunner runner(source, sink);
        ASSERT_TRUE(sink.wait_messages(4));
        append(file, lines("fourth", 3, 1));
        ASSERT_TRUE(sink.wait_messages(5));
        runner.stop();
        EXPECT_EQ(sink.keys(), (std::vector<std::string>{"second", "second", "third", "third", "fourth"}));
        EXPECT_EQ(sink.messages()[0].origin, file.string() + ".20261206 line 4");
        EXPECT_EQ(sink.messages()[2].origin, file.string() + " line 1");
        EXPECT_TRUE(sink.problems().empty()) << sink.problems().front().what;
    }
    {
        ForwarderFile source(options);  // nothing new: nothing again
        TestSink sink;
        SourceRunner runner(source, sink);
        append(file, lines("fifth", 4, 1));
        ASSERT_TRUE(sink.wait_messages(1));
        runner.stop();
        EXPECT_EQ(sink.keys(), (std::vector<std::string>{"fifth"}));
    }
}

TEST(ForwarderFile, RecordsNotConfirmedBeforeAStopAreReadAgain) {
    ScratchDir dir;
    const fs::path file = dir.path() / "out.json";
    auto options = options_for(file, StartAt::beginning);
    options.state_file = (dir.path() / "reader.state").string();
    append(file, lines("a", 1, 2));
    {
        ForwarderFile source(options);
        TestSink sink;
        SourceRunner runner(source, sink);
        ASSERT_TRUE(sink.wait_messages(2));
        sink.set_mode(TestSink::Mode::hold);  // the next ones are handed over but never confirmed
        append(file, lines("b", 3, 2));
        ASSERT_TRUE(sink.wait_messages(4));
        runner.stop();
        sink.release(false);  // a consumer discarding them on stop
    }
    ForwarderFile source(options);
    TestSink sink;
    SourceRunner runner(source, sink);
    ASSERT_TRUE(sink.wait_messages(2));
    runner.stop();
    EXPECT_EQ(sink.keys(), (std::vector<std::string>{"b", "b"}));
    EXPECT_EQ(sink.messages()[0].origin, options.path + " line 3");
}

TEST(ForwarderFile, AStateFileThatIsASymlinkIsNotFollowed) {
    ScratchDir dir;
    const fs::path file = dir.path() / "out.json";
    const fs::path victim = dir.path() / "precious.txt";
    const fs::path state = dir.path() / "reader.state";
    cbapi::test::write_file(victim, "precious\n");
    fs::create_symlink(victim, state);
    append(file, lines("a", 1, 1));
    auto options = options_for(file, StartAt::beginning);
    options.state_file = state.string();
    ForwarderFile source(options);
    TestSink sink;
    try {
        source.run(sink);
        ADD_FAILURE() << "run() accepted a symbolic link as its state file";
    } catch (const cbapi::ApiError& e) {
        EXPECT_NE(std::string(e.what()).find("symbolic link"), std::string::npos) << e.what();
    }
    EXPECT_EQ(cbapi::test::read_file(victim), "precious\n");
    EXPECT_TRUE(fs::is_symlink(state));
    EXPECT_TRUE(sink.messages().empty());
}

TEST(ForwarderFile, StopWakesAnIdleReaderAtOnce) {
    ScratchDir dir;
    const fs::path file = dir.path() / "out.json";
    append(file, "");
    auto options = options_for(file);
    options.poll_interval = std::chrono::seconds(30);
    ForwarderFile source(options);
    TestSink sink;
    SourceRunner runner(source, sink);
    append(file, lines("a", 1, 1));
    ASSERT_TRUE(sink.wait_messages(1));  // the reader is now waiting for more
    EXPECT_LT(runner.stop(), std::chrono::seconds(5));  // not the 30 s poll (a loaded CI machine can take 0.5 s)
    EXPECT_EQ(runner.error(), "");
}

TEST(ForwarderFile, StopBeforeRunMakesRunReturn) {
    ScratchDir dir;
    ForwarderFile source(options_for(dir.path() / "out.json"));
    TestSink sink;
    source.stop();
    source.run(sink);  // returns at once
    SUCCEED();
}

TEST(ForwarderFile, AnIdleReaderUsesNoMeasurableCpu) {
    ScratchDir dir;
    const fs::path file = dir.path() / "out.json";
    append(file, "");
    auto options = options_for(file);
    options.poll_interval = std::chrono::milliseconds(200);
    ForwarderFile source(options);
    TestSink sink;
    SourceRunner runner(source, sink);
    append(file, lines("a", 1, 1));
    ASSERT_TRUE(sink.wait_messages(1));
    const double before = cpu_seconds();
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the measurement window, not a wait for a result
    const double used = cpu_seconds() - before;
    runner.stop();
    EXPECT_LT(used, 0.2) << "CPU seconds used by an idle reader in one second";  // cbapi's reader: ~0.9
}

TEST(ForwarderFile, RejectsUnusableOptions) {
    EXPECT_THROW(ForwarderFile(ForwarderFileOptions{}), cbapi::ApiError);
    ForwarderFileOptions zero;
    zero.path = "x";
    zero.poll_interval = std::chrono::milliseconds(0);
    EXPECT_THROW(ForwarderFile{zero}, cbapi::ApiError);
}

}  // namespace
