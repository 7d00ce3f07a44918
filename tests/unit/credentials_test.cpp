// Tests of cbapi/credentials.hpp: search path, INI parsing, merging, environment overrides, warnings and redaction.
#include "cbapi/credentials.hpp"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <pwd.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <unistd.h>

#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"

namespace {

namespace fs = std::filesystem;

constexpr const char* kToken = "s3cr3t-t0ken-0123456789abcdef";

// Variables a test may change; SetUp clears the CBAPI_* ones so a developer's real settings never leak in.
constexpr const char* kTouchedVariables[] = {"CBAPI_URL", "CBAPI_TOKEN", "CBAPI_PROFILE", "CBAPI_SSL_VERIFY", "HOME"};

std::optional<std::string> get_env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

void set_env(const char* name, const std::string& value) { ::setenv(name, value.c_str(), 1); }

void unset_env(const char* name) { ::unsetenv(name); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string minimal_profile(const std::string& name = "default") {
    return "[" + name + "]\nurl = https://cb.example.com\ntoken = " + std::string(kToken) + "\n";
}

// Named `Credentials` so test names read `Credentials.<Behaviour>`; the SDK type is always spelled cbapi::Credentials.
class Credentials : public ::testing::Test {
protected:
    void SetUp() override {
        static std::atomic<unsigned> counter{0};
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() / ("cbapi_credentials_test_" + std::to_string(::getpid()) + "_" +
                                            std::to_string(counter++) + "_" + info->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);

        for (const char* name : kTouchedVariables) saved_env_.emplace_back(name, get_env(name));
        for (const char* name : kTouchedVariables) {
            if (std::string(name) != "HOME") unset_env(name);
        }
        saved_cwd_ = fs::current_path();

        // Every test captures the SDK's log, so warnings can be asserted (and do not clutter the test output).
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_stream_);
        auto capture = std::make_shared<spdlog::logger>("cbapi", std::move(sink));
        capture->set_level(spdlog::level::trace);
        capture->set_pattern("%l %v");
        cbapi::set_logger(std::move(capture));
    }

    void TearDown() override {
        cbapi::set_logger(nullptr);
        fs::current_path(saved_cwd_);
        for (const auto& [name, value] : saved_env_) {
            if (value) {
                set_env(name, *value);
            } else {
                unset_env(name);
            }
        }
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    // Writes `content` to `name` under the test's directory (creating parents) with `mode` (owner-only by default).
    fs::path write_file(const fs::path& name, const std::string& content,
                        fs::perms mode = fs::perms::owner_read | fs::perms::owner_write) {
        const fs::path path = dir_ / name;
        fs::create_directories(path.parent_path());
        {
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            out << content;
        }
        fs::permissions(path, mode, fs::perm_options::replace);
        return path;
    }

    cbapi::Credentials load(const std::vector<fs::path>& files, std::optional<std::string> profile = std::nullopt,
                            bool use_environment = true) {
        cbapi::CredentialOptions options;
        options.files = files;
        options.profile = std::move(profile);
        options.use_environment = use_environment;
        return cbapi::load_credentials(cbapi::Product::response, options);
    }

    // The message of the CredentialError that loading throws ("" and a test failure if nothing is thrown).
    std::string load_error(const std::vector<fs::path>& files, std::optional<std::string> profile = std::nullopt) {
        try {
            load(files, std::move(profile));
        } catch (const cbapi::CredentialError& error) {
            return error.what();
        }
        ADD_FAILURE() << "expected a CredentialError";
        return {};
    }

    std::string log_text() const { return log_stream_.str(); }

    fs::path dir_;
    std::vector<std::pair<const char*, std::optional<std::string>>> saved_env_;
    fs::path saved_cwd_;
    std::ostringstream log_stream_;
};

// --- product names and the default search path -----------------------------------------------------------------

TEST_F(Credentials, ToStringNamesEveryProduct) {
    EXPECT_EQ(cbapi::to_string(cbapi::Product::response), "response");
    EXPECT_EQ(cbapi::to_string(cbapi::Product::protection), "protection");
    EXPECT_EQ(cbapi::to_string(cbapi::Product::defense), "defense");
}

TEST_F(Credentials, InvalidProductValueIsRejected) {
    const auto bogus = static_cast<cbapi::Product>(42);
    EXPECT_EQ(cbapi::to_string(bogus), "unknown");
    EXPECT_THROW(cbapi::default_credential_files(bogus), cbapi::CredentialError);
    EXPECT_THROW(cbapi::load_credentials(bogus), cbapi::CredentialError);
}

TEST_F(Credentials, DefaultFilesAreEtcThenHomeThenCurrentDirectory) {
    set_env("HOME", (dir_ / "home").string());
    for (const auto product : {cbapi::Product::response, cbapi::Product::protection, cbapi::Product::defense}) {
        const std::string name = "credentials." + std::string(cbapi::to_string(product));
        const std::vector<fs::path> expected = {fs::path("/etc/carbonblack") / name,
                                                dir_ / "home" / ".carbonblack" / name,
                                                fs::path("./.carbonblack") / name};
        EXPECT_EQ(cbapi::default_credential_files(product), expected) << name;
    }
}

TEST_F(Credentials, DefaultFilesUsePasswordDatabaseWhenHomeIsUnset) {
    const passwd* entry = ::getpwuid(::getuid());
    if (entry == nullptr || entry->pw_dir == nullptr || *entry->pw_dir == '\0') {
        GTEST_SKIP() << "no password database entry for this user";
    }
    const fs::path expected_home = entry->pw_dir;
    unset_env("HOME");
    const auto files = cbapi::default_credential_files(cbapi::Product::protection);
    ASSERT_EQ(files.size(), 3U);
    EXPECT_EQ(files[1], expected_home / ".carbonblack" / "credentials.protection");
}

TEST_F(Credentials, DefaultSearchPathReadsHomeThenCurrentDirectory) {
    if (fs::exists("/etc/carbonblack/credentials.response")) {
        GTEST_SKIP() << "/etc/carbonblack/credentials.response exists on this machine";
    }
    set_env("HOME", (dir_ / "home").string());
    write_file("home/.carbonblack/credentials.response",
               "[default]\nurl = https://home.example.com\ntoken = home-token\nrabbitmq_host = home-mq\n");
    write_file("work/.carbonblack/credentials.response", "[default]\ntoken = " + std::string(kToken) + "\n");
    fs::current_path(dir_ / "work");

    const auto creds = cbapi::load_credentials(cbapi::Product::response);
    EXPECT_EQ(creds.url, "https://home.example.com");
    EXPECT_EQ(creds.token, kToken);  // ./.carbonblack is read last and wins
    EXPECT_EQ(creds.rabbitmq_host, "home-mq");
}

TEST_F(Credentials, MissingProfileOnDefaultSearchPathListsAllThreeFiles) {
    set_env("HOME", (dir_ / "home").string());
    fs::create_directories(dir_ / "work");
    fs::current_path(dir_ / "work");
    try {
        cbapi::CredentialOptions options;
        options.profile = "no-such-profile";
        cbapi::load_credentials(cbapi::Product::defense, options);
        FAIL() << "expected a CredentialError";
    } catch (const cbapi::CredentialError& error) {
        EXPECT_EQ(std::string(error.what()),
                  "Cannot find credential profile 'no-such-profile' after searching in these files: "
                  "/etc/carbonblack/credentials.defense, " +
                      (dir_ / "home" / ".carbonblack" / "credentials.defense").string() +
                      ", ./.carbonblack/credentials.defense.");
    }
}

// --- reading, merging, precedence -------------------------------------------------------------------------------

TEST_F(Credentials, LaterFileOverridesEarlierKeyByKey) {
    const auto first = write_file("first.ini",
                                  "[default]\nurl = https://first.example.com\ntoken = first-token\n"
                                  "ssl_verify = false\nrabbitmq_user = first-user\n");
    const auto second = write_file("second.ini", "[default]\ntoken = " + std::string(kToken) +
                                                     "\nrabbitmq_user = second-user\n");
    const auto creds = load({first, second});
    EXPECT_EQ(creds.url, "https://first.example.com");  // only in the first file
    EXPECT_FALSE(creds.ssl_verify);                      // only in the first file
    EXPECT_EQ(creds.token, kToken);                      // overridden by the second file
    EXPECT_EQ(creds.rabbitmq_user, "second-user");

    const auto reversed = load({second, first});
    EXPECT_EQ(reversed.token, "first-token");
    EXPECT_EQ(reversed.rabbitmq_user, "first-user");
}

TEST_F(Credentials, SectionsFromDifferentFilesMerge) {
    const auto first = write_file("first.ini", minimal_profile("alpha"));
    const auto second = write_file("second.ini", "[beta]\nurl = https://beta.example.com\ntoken = beta-token\n");
    EXPECT_EQ(load({first, second}, "alpha").url, "https://cb.example.com");
    EXPECT_EQ(load({first, second}, "beta").url, "https://beta.example.com");
}

TEST_F(Credentials, MissingFilesAreSkippedSilently) {
    const auto present = write_file("present.ini", minimal_profile());
    const auto creds = load({dir_ / "missing-before.ini", present, dir_ / "no-dir" / "missing-after.ini"});
    EXPECT_EQ(creds.url, "https://cb.example.com");
    EXPECT_EQ(log_text(), "");
}

TEST_F(Credentials, UnreadableFileIsSkippedWithWarning) {
    const auto good = write_file("good.ini", minimal_profile());
    const auto locked = write_file("locked.ini", "[default]\ntoken = locked-token\n", fs::perms::none);
    if (std::ifstream(locked).is_open()) GTEST_SKIP() << "running with privileges that ignore file permissions";

    const auto creds = load({good, locked});
    EXPECT_EQ(creds.token, kToken);
    EXPECT_TRUE(contains(log_text(), "warning")) << log_text();
    EXPECT_TRUE(contains(log_text(), locked.string())) << log_text();
}

TEST_F(Credentials, DirectoryInSearchPathIsSkippedWithWarning) {
    const auto good = write_file("good.ini", minimal_profile());
    fs::create_directories(dir_ / "a-directory");
    const auto creds = load({dir_ / "a-directory", good});
    EXPECT_EQ(creds.token, kToken);
    EXPECT_TRUE(contains(log_text(), "warning")) << log_text();
    EXPECT_TRUE(contains(log_text(), (dir_ / "a-directory").string())) << log_text();
}

TEST_F(Credentials, DefaultSectionAppliesToEveryProfileAndProfileKeysWin) {
    const auto file = write_file("creds.ini",
                                 "[DEFAULT]\nurl = https://shared.example.com\nssl_verify = false\ncolour = blue\n"
                                 "[one]\ntoken = one-token\n"
                                 "[two]\ntoken = two-token\nurl = https://two.example.com\ncolour = red\n");
    const auto one = load({file}, "one");
    EXPECT_EQ(one.url, "https://shared.example.com");
    EXPECT_FALSE(one.ssl_verify);
    EXPECT_EQ(one.extra.at("colour"), "blue");

    const auto two = load({file}, "two");
    EXPECT_EQ(two.url, "https://two.example.com");
    EXPECT_FALSE(two.ssl_verify);
    EXPECT_EQ(two.extra.at("colour"), "red");
}

TEST_F(Credentials, DefaultSectionOfEarlierFileAppliesToProfileOfLaterFile) {
    const auto first = write_file("first.ini", "[DEFAULT]\nssl_verify_hostname = no\n");
    const auto second = write_file("second.ini", minimal_profile("prod"));
    EXPECT_FALSE(load({first, second}, "prod").ssl_verify_hostname);
}

TEST_F(Credentials, DefaultSectionIsNotItselfAProfile) {
    const auto file = write_file("creds.ini", "[DEFAULT]\nurl = https://x.example.com\ntoken = t\n");
    EXPECT_TRUE(contains(load_error({file}, "DEFAULT"), "Cannot find credential profile 'DEFAULT'"));
    EXPECT_TRUE(contains(load_error({file}), "Cannot find credential profile 'default'"));
}

TEST_F(Credentials, SectionNamesAreCaseSensitive) {
    const auto file = write_file("creds.ini", minimal_profile("Default"));
    EXPECT_TRUE(contains(load_error({file}), "Cannot find credential profile 'default'"));
    EXPECT_EQ(load({file}, "Default").url, "https://cb.example.com");
}

TEST_F(Credentials, DuplicateKeyInSameFileLastWins) {
    const auto file = write_file("creds.ini", "[default]\nurl = https://old.example.com\ntoken = t\n"
                                              "url = https://new.example.com\n");
    EXPECT_EQ(load({file}).url, "https://new.example.com");
}

TEST_F(Credentials, RepeatedSectionInSameFileMerges) {
    const auto file = write_file("creds.ini", "[default]\nurl = https://cb.example.com\n[other]\nurl = x\n"
                                              "[default]\ntoken = " + std::string(kToken) + "\n");
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "https://cb.example.com");
    EXPECT_EQ(creds.token, kToken);
}

TEST_F(Credentials, OptionsFilesReplaceDefaultSearchPath) {
    // A profile only on the default path must not be found when explicit files are given.
    set_env("HOME", (dir_ / "home").string());
    write_file("home/.carbonblack/credentials.response", minimal_profile("from-home"));
    const auto file = write_file("explicit.ini", minimal_profile());
    const std::string message = load_error({file}, "from-home");
    EXPECT_EQ(message, "Cannot find credential profile 'from-home' after searching in these files: " +
                           file.string() + ".");
}

// --- INI syntax ---------------------------------------------------------------------------------------------------

TEST_F(Credentials, AcceptsColonSeparatorAndSplitsAtFirstSeparator) {
    const auto file = write_file("creds.ini",
                                 "[default]\nurl: https://cb.example.com:8443\ntoken : abc=def:ghi\n"
                                 "proxy = http://proxy.example.com:3128\n");
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "https://cb.example.com:8443");
    EXPECT_EQ(creds.token, "abc=def:ghi");
    EXPECT_EQ(creds.proxy, "http://proxy.example.com:3128");
}

TEST_F(Credentials, TrimsWhitespaceAroundKeysValuesAndSectionNames) {
    const auto file = write_file("creds.ini",
                                 "[ default ]\t\n  \nurl\t=   https://cb.example.com   \ntoken=" + std::string(kToken) +
                                     "\t \nrabbitmq_user =  a user  \n");
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "https://cb.example.com");
    EXPECT_EQ(creds.token, kToken);
    EXPECT_EQ(creds.rabbitmq_user, "a user");
}

TEST_F(Credentials, CommentsAndBlankLinesAreIgnored) {
    const auto file = write_file("creds.ini",
                                 "# leading comment\n; another comment\n\n[default]\n"
                                 "# url = https://wrong.example.com\n"
                                 "url = https://cb.example.com\n   # indented comment\n\t; indented comment\n\n"
                                 "token = " + std::string(kToken) + "\nrabbitmq_user = cb ; not a comment\n"
                                 "rabbitmq_host = mq # not a comment either\n");
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "https://cb.example.com");
    EXPECT_EQ(creds.token, kToken);
    EXPECT_EQ(creds.rabbitmq_user, "cb ; not a comment");  // no inline comments, as in RawConfigParser
    EXPECT_EQ(creds.rabbitmq_host, "mq # not a comment either");
}

TEST_F(Credentials, NoInterpolationOfPercentSigns) {
    const auto file = write_file("creds.ini", "[default]\nurl = https://cb.example.com\ntoken = a%(b)s%%c\n");
    EXPECT_EQ(load({file}).token, "a%(b)s%%c");
}

TEST_F(Credentials, AcceptsCrlfLineEndsAndByteOrderMark) {
    const auto file = write_file("creds.ini", "\xEF\xBB\xBF[default]\r\nurl = https://cb.example.com/\r\ntoken = " +
                                                  std::string(kToken) + "\r\nssl_verify = off\r\n");
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "https://cb.example.com");
    EXPECT_EQ(creds.token, kToken);
    EXPECT_FALSE(creds.ssl_verify);
}

TEST_F(Credentials, KeysAreCaseInsensitiveAndExtraKeysAreLowerCased) {
    const auto file = write_file("creds.ini", "[default]\nURL = https://cb.example.com\nToken = " +
                                                  std::string(kToken) +
                                                  "\nSSL_Verify = FALSE\nRabbitMQ_Port = 5672\n"
                                                  "Connector_ID = ABC123\n");
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "https://cb.example.com");
    EXPECT_EQ(creds.token, kToken);
    EXPECT_FALSE(creds.ssl_verify);
    EXPECT_EQ(creds.rabbitmq_port, 5672);
    ASSERT_EQ(creds.extra.size(), 1U);
    EXPECT_EQ(creds.extra.at("connector_id"), "ABC123");  // the value keeps its case
}

TEST_F(Credentials, MixedCaseKeysInDifferentFilesOverrideEachOther) {
    const auto first = write_file("first.ini", "[default]\nURL = https://first.example.com\ntoken = t\n");
    const auto second = write_file("second.ini", "[default]\nUrl = https://second.example.com\n");
    EXPECT_EQ(load({first, second}).url, "https://second.example.com");
}

TEST_F(Credentials, MalformedLineErrorNamesFileAndLine) {
    const auto file = write_file("creds.ini", "[default]\nurl = https://cb.example.com\nthis line is wrong\n");
    const std::string message = load_error({file});
    EXPECT_TRUE(contains(message, file.string() + ":3")) << message;
}

TEST_F(Credentials, MalformedLineErrorDoesNotEchoTheLine) {
    const auto file = write_file("creds.ini", "[default]\nurl = https://cb.example.com\ntoken " +
                                                  std::string(kToken) + "\n");
    const std::string message = load_error({file});
    EXPECT_TRUE(contains(message, file.string() + ":3")) << message;
    EXPECT_FALSE(contains(message, kToken)) << message;
}

TEST_F(Credentials, MalformedFileIsAnErrorEvenWhenLaterFileIsFine) {
    const auto bad = write_file("bad.ini", "[default\nurl = https://cb.example.com\n");
    const auto good = write_file("good.ini", minimal_profile());
    const std::string message = load_error({bad, good});
    EXPECT_TRUE(contains(message, bad.string() + ":1")) << message;
}

TEST_F(Credentials, KeyBeforeAnySectionIsAnError) {
    const auto file = write_file("creds.ini", "# comment\n\nurl = https://cb.example.com\n[default]\ntoken = t\n");
    EXPECT_TRUE(contains(load_error({file}), file.string() + ":3"));
}

TEST_F(Credentials, IndentedContinuationLineIsAnError) {
    const auto file = write_file("creds.ini", "[default]\nurl = https://cb.example.com\ntoken = abc\n  def\n");
    const std::string message = load_error({file});
    EXPECT_TRUE(contains(message, file.string() + ":4")) << message;
    EXPECT_TRUE(contains(message, "continuation")) << message;
}

TEST_F(Credentials, SectionHeaderMayBeFollowedByCommentOnly) {
    const auto file = write_file("creds.ini", "[prod] # production\nurl = https://cb.example.com\ntoken = t\n"
                                              "[test] ; testing\nurl = https://test.example.com\ntoken = t\n");
    EXPECT_EQ(load({file}, "prod").url, "https://cb.example.com");
    EXPECT_EQ(load({file}, "test").url, "https://test.example.com");

    const auto junk = write_file("junk.ini", "[prod] extra\nurl = https://cb.example.com\ntoken = t\n");
    EXPECT_TRUE(contains(load_error({junk}, "prod"), junk.string() + ":1"));
}

TEST_F(Credentials, EmptyKeyOrSectionNameIsAnError) {
    const auto empty_key = write_file("key.ini", "[default]\n= value\n");
    EXPECT_TRUE(contains(load_error({empty_key}), empty_key.string() + ":2"));
    const auto empty_section = write_file("section.ini", "[default]\nurl = x\n[  ]\n");
    EXPECT_TRUE(contains(load_error({empty_section}), empty_section.string() + ":3"));
}

// --- keys and values ----------------------------------------------------------------------------------------------

TEST_F(Credentials, UnsetKeysTakeCbapiPythonDefaults) {
    const auto creds = load({write_file("creds.ini", minimal_profile())});
    EXPECT_EQ(creds.url, "https://cb.example.com");
    EXPECT_EQ(creds.token, kToken);
    EXPECT_TRUE(creds.ssl_verify);
    EXPECT_TRUE(creds.ssl_verify_hostname);
    EXPECT_EQ(creds.ssl_cert_file, std::nullopt);
    EXPECT_FALSE(creds.ssl_force_tls_1_2);
    EXPECT_EQ(creds.proxy, std::nullopt);
    EXPECT_FALSE(creds.ignore_system_proxy);
    EXPECT_EQ(creds.rabbitmq_user, "cb");
    EXPECT_EQ(creds.rabbitmq_pass, std::nullopt);
    EXPECT_EQ(creds.rabbitmq_host, "localhost");
    EXPECT_EQ(creds.rabbitmq_port, 5004);
    EXPECT_TRUE(creds.extra.empty());
}

TEST_F(Credentials, DefaultConstructedCredentialsHaveTheSameDefaults) {
    const cbapi::Credentials creds;
    EXPECT_TRUE(creds.url.empty());
    EXPECT_TRUE(creds.token.empty());
    EXPECT_TRUE(creds.ssl_verify);
    EXPECT_TRUE(creds.ssl_verify_hostname);
    EXPECT_FALSE(creds.ssl_cert_file);
    EXPECT_FALSE(creds.ssl_force_tls_1_2);
    EXPECT_FALSE(creds.proxy);
    EXPECT_FALSE(creds.ignore_system_proxy);
    EXPECT_EQ(creds.rabbitmq_user, "cb");
    EXPECT_FALSE(creds.rabbitmq_pass);
    EXPECT_EQ(creds.rabbitmq_host, "localhost");
    EXPECT_EQ(creds.rabbitmq_port, 5004);
}

TEST_F(Credentials, ReadsEveryKnownKeyAndKeepsOthersInExtra) {
    const auto file = write_file("creds.ini",
                                 "[default]\n"
                                 "url = https://cb.example.com:8443\n"
                                 "token = " + std::string(kToken) + "\n"
                                 "ssl_verify = false\n"
                                 "ssl_verify_hostname = no\n"
                                 "ssl_cert_file = /etc/pki/ca.pem\n"
                                 "ssl_force_tls_1_2 = yes\n"
                                 "proxy = http://user:pw@proxy.example.com:8001/\n"
                                 "ignore_system_proxy = on\n"
                                 "rabbitmq_user = mquser\n"
                                 "rabbitmq_pass = mqpass\n"
                                 "rabbitmq_host = mq.example.com\n"
                                 "rabbitmq_port = 5672\n"
                                 "api_key = KEY\n"
                                 "connector_id = CONN\n");
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "https://cb.example.com:8443");
    EXPECT_EQ(creds.token, kToken);
    EXPECT_FALSE(creds.ssl_verify);
    EXPECT_FALSE(creds.ssl_verify_hostname);
    EXPECT_EQ(creds.ssl_cert_file, "/etc/pki/ca.pem");
    EXPECT_TRUE(creds.ssl_force_tls_1_2);
    EXPECT_EQ(creds.proxy, "http://user:pw@proxy.example.com:8001/");
    EXPECT_TRUE(creds.ignore_system_proxy);
    EXPECT_EQ(creds.rabbitmq_user, "mquser");
    EXPECT_EQ(creds.rabbitmq_pass, "mqpass");
    EXPECT_EQ(creds.rabbitmq_host, "mq.example.com");
    EXPECT_EQ(creds.rabbitmq_port, 5672);
    const std::map<std::string, std::string> expected_extra = {{"api_key", "KEY"}, {"connector_id", "CONN"}};
    EXPECT_EQ(creds.extra, expected_extra);
}

TEST_F(Credentials, TrailingSlashesAreStrippedFromUrl) {
    const auto file = write_file("creds.ini", "[default]\nurl = https://cb.example.com///\ntoken = t\n");
    EXPECT_EQ(load({file}).url, "https://cb.example.com");
}

TEST_F(Credentials, EmptyOptionalStringsMeanUnset) {
    const auto file = write_file("creds.ini", minimal_profile() + "proxy =\nssl_cert_file =\nrabbitmq_pass =\n");
    const auto creds = load({file});
    EXPECT_EQ(creds.proxy, std::nullopt);
    EXPECT_EQ(creds.ssl_cert_file, std::nullopt);
    EXPECT_EQ(creds.rabbitmq_pass, std::nullopt);
}

TEST_F(Credentials, EmptyValueInLaterFileUnsetsOptionalString) {
    const auto first = write_file("first.ini", minimal_profile() + "proxy = http://proxy.example.com:8001\n");
    const auto second = write_file("second.ini", "[default]\nproxy =\n");
    EXPECT_EQ(load({first, second}).proxy, std::nullopt);
}

TEST_F(Credentials, ParseBoolWordAcceptsEverySpelling) {
    for (const char* word : {"1", "yes", "true", "on", "YES", "True", "On", "tRuE", " yes ", "\ton\n"}) {
        EXPECT_EQ(cbapi::parse_bool_word(word), std::optional<bool>(true)) << '"' << word << '"';
    }
    for (const char* word : {"0", "no", "false", "off", "NO", "False", "OFF", "fAlSe", "  0 "}) {
        EXPECT_EQ(cbapi::parse_bool_word(word), std::optional<bool>(false)) << '"' << word << '"';
    }
}

TEST_F(Credentials, ParseBoolWordRejectsOtherWords) {
    for (const char* word : {"", " ", "2", "-1", "y", "n", "t", "f", "enable", "disabled", "truee", "yes please",
                             "/etc/ca.pem", "00"}) {
        EXPECT_EQ(cbapi::parse_bool_word(word), std::nullopt) << '"' << word << '"';
    }
}

TEST_F(Credentials, EveryBooleanKeyAcceptsEveryBooleanSpelling) {
    const std::pair<const char*, bool> spellings[] = {{"1", true},   {"yes", true},  {"true", true},  {"on", true},
                                                      {"Yes", true}, {"TRUE", true}, {"On", true},    {"0", false},
                                                      {"no", false}, {"false", false}, {"off", false}, {"NO", false},
                                                      {"False", false}, {"OFF", false}};
    for (const auto& [word, expected] : spellings) {
        const auto file = write_file("creds.ini", minimal_profile() + "ssl_verify = " + word +
                                                      "\nssl_verify_hostname = " + word + "\nssl_force_tls_1_2 = " +
                                                      word + "\nignore_system_proxy = " + word + "\n");
        const auto creds = load({file});
        EXPECT_EQ(creds.ssl_verify, expected) << word;
        EXPECT_EQ(creds.ssl_verify_hostname, expected) << word;
        EXPECT_EQ(creds.ssl_force_tls_1_2, expected) << word;
        EXPECT_EQ(creds.ignore_system_proxy, expected) << word;
        EXPECT_EQ(creds.ssl_cert_file, std::nullopt) << word;
    }
}

TEST_F(Credentials, SslVerifyPathKeepsVerificationAndSetsCaFile) {
    const auto file = write_file("creds.ini", minimal_profile() + "ssl_verify = /etc/pki/corp-ca.pem\n");
    const auto creds = load({file});
    EXPECT_TRUE(creds.ssl_verify);
    EXPECT_EQ(creds.ssl_cert_file, "/etc/pki/corp-ca.pem");
}

TEST_F(Credentials, ExplicitSslCertFileWinsOverSslVerifyPath) {
    const auto file = write_file("creds.ini", minimal_profile() +
                                                  "ssl_cert_file = /explicit/ca.pem\nssl_verify = /from/verify.pem\n");
    const auto creds = load({file});
    EXPECT_TRUE(creds.ssl_verify);
    EXPECT_EQ(creds.ssl_cert_file, "/explicit/ca.pem");
}

TEST_F(Credentials, SslCertFileIsKeptWhenSslVerifyIsFalse) {
    const auto file = write_file("creds.ini", minimal_profile() + "ssl_verify = false\nssl_cert_file = /ca.pem\n");
    const auto creds = load({file});
    EXPECT_FALSE(creds.ssl_verify);
    EXPECT_EQ(creds.ssl_cert_file, "/ca.pem");
}

TEST_F(Credentials, EmptySslVerifyIsAnError) {
    const auto file = write_file("creds.ini", minimal_profile() + "ssl_verify =\n");
    const std::string message = load_error({file});
    EXPECT_TRUE(contains(message, "ssl_verify")) << message;
    EXPECT_TRUE(contains(message, "default")) << message;
}

TEST_F(Credentials, NonBooleanWordForBooleanKeyIsAnErrorNamingKeyProfileAndValue) {
    for (const char* key : {"ssl_verify_hostname", "ssl_force_tls_1_2", "ignore_system_proxy"}) {
        const auto file = write_file("creds.ini", minimal_profile("prod") + key + " = maybe\n");
        const std::string message = load_error({file}, "prod");
        EXPECT_TRUE(contains(message, key)) << message;
        EXPECT_TRUE(contains(message, "'prod'")) << message;
        EXPECT_TRUE(contains(message, "'maybe'")) << message;
        EXPECT_FALSE(contains(message, kToken)) << message;
    }
}

TEST_F(Credentials, InvalidValueErrorNeverQuotesTheToken) {
    // The token pasted into the wrong key must not end up in the exception text.
    for (const char* key : {"ssl_force_tls_1_2", "rabbitmq_port"}) {
        const auto file = write_file("creds.ini", minimal_profile() + key + " = " + kToken + "\n");
        const std::string message = load_error({file});
        EXPECT_TRUE(contains(message, key)) << message;
        EXPECT_FALSE(contains(message, kToken)) << message;
    }
}

TEST_F(Credentials, InvalidRabbitmqPortIsAnError) {
    for (const char* port : {"0", "65536", "-1", "abc", "50x", "5004.0", "+5004", "99999999999999999999", ""}) {
        const auto file = write_file("creds.ini", minimal_profile() + "rabbitmq_port = " + port + "\n");
        const std::string message = load_error({file});
        EXPECT_TRUE(contains(message, "rabbitmq_port")) << port << ": " << message;
        EXPECT_TRUE(contains(message, "'" + std::string(port) + "'")) << port << ": " << message;
        EXPECT_TRUE(contains(message, "'default'")) << port << ": " << message;
    }
}

TEST_F(Credentials, RabbitmqPortAcceptsWholeRange) {
    for (const auto& [text, value] : {std::pair<const char*, int>{"1", 1}, {"65535", 65535}, {" 0080 ", 80}}) {
        const auto file = write_file("creds.ini", minimal_profile() + "rabbitmq_port = " + text + "\n");
        EXPECT_EQ(load({file}).rabbitmq_port, value) << text;
    }
}

// --- errors about the profile, url and token ----------------------------------------------------------------------

TEST_F(Credentials, MissingProfileMessageNamesProfileAndEveryFile) {
    const auto a = write_file("a.ini", minimal_profile("other"));
    const auto b = dir_ / "b-missing.ini";
    const auto c = write_file("c.ini", minimal_profile());
    EXPECT_EQ(load_error({a, b, c}, "prod"), "Cannot find credential profile 'prod' after searching in these files: " +
                                                 a.string() + ", " + b.string() + ", " + c.string() + ".");
}

TEST_F(Credentials, MissingUrlOrTokenIsAnErrorWithoutTheToken) {
    const auto no_url = write_file("no-url.ini", "[prod]\ntoken = " + std::string(kToken) + "\n");
    EXPECT_EQ(load_error({no_url}, "prod"), "Token and/or URL not available for profile prod");

    const auto no_token = write_file("no-token.ini", "[prod]\nurl = https://cb.example.com\n");
    EXPECT_EQ(load_error({no_token}, "prod"), "Token and/or URL not available for profile prod");

    const auto empty_values = write_file("empty.ini", "[prod]\nurl = https://cb.example.com\ntoken =\n");
    EXPECT_EQ(load_error({empty_values}, "prod"), "Token and/or URL not available for profile prod");

    const auto only_slashes = write_file("slashes.ini", "[prod]\nurl = ///\ntoken = " + std::string(kToken) + "\n");
    EXPECT_EQ(load_error({only_slashes}, "prod"), "Token and/or URL not available for profile prod");
}

TEST_F(Credentials, LoadDoesNotValidateUrlScheme) {
    const auto file = write_file("creds.ini", "[default]\nurl = cb.example.com\ntoken = t\n");
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "cb.example.com");
    EXPECT_THROW(cbapi::validate(creds), cbapi::CredentialError);
}

// --- environment --------------------------------------------------------------------------------------------------

TEST_F(Credentials, EnvironmentOverridesFileValues) {
    const auto file = write_file("creds.ini", "[default]\nurl = https://file.example.com\ntoken = file-token\n"
                                              "ssl_verify = true\n");
    set_env("CBAPI_URL", "https://env.example.com/");
    set_env("CBAPI_TOKEN", kToken);
    set_env("CBAPI_SSL_VERIFY", "no");
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "https://env.example.com");
    EXPECT_EQ(creds.token, kToken);
    EXPECT_FALSE(creds.ssl_verify);
}

TEST_F(Credentials, EnvironmentOverridesOnlyTheVariablesThatAreSet) {
    const auto file = write_file("creds.ini", "[default]\nurl = https://file.example.com\ntoken = file-token\n"
                                              "ssl_verify = false\n");
    set_env("CBAPI_TOKEN", kToken);
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "https://file.example.com");
    EXPECT_EQ(creds.token, kToken);
    EXPECT_FALSE(creds.ssl_verify);
}

TEST_F(Credentials, EnvironmentSslVerifyAcceptsCaPath) {
    const auto file = write_file("creds.ini", minimal_profile() + "ssl_verify = false\n");
    set_env("CBAPI_SSL_VERIFY", "/etc/pki/env-ca.pem");
    const auto creds = load({file});
    EXPECT_TRUE(creds.ssl_verify);
    EXPECT_EQ(creds.ssl_cert_file, "/etc/pki/env-ca.pem");
}

TEST_F(Credentials, EnvironmentSslVerifyReplacesFileSslVerifyPath) {
    const auto file = write_file("creds.ini", minimal_profile() + "ssl_verify = /file/ca.pem\n");
    set_env("CBAPI_SSL_VERIFY", "TRUE");
    const auto creds = load({file});
    EXPECT_TRUE(creds.ssl_verify);
    EXPECT_EQ(creds.ssl_cert_file, std::nullopt);  // the CA path came from the replaced ssl_verify value
}

TEST_F(Credentials, CbapiProfileSelectsTheProfile) {
    const auto file = write_file("creds.ini", minimal_profile() +
                                                  "[staging]\nurl = https://staging.example.com\ntoken = s\n");
    set_env("CBAPI_PROFILE", "staging");
    EXPECT_EQ(load({file}).url, "https://staging.example.com");
}

TEST_F(Credentials, ExplicitProfileWinsOverCbapiProfile) {
    const auto file = write_file("creds.ini", minimal_profile() +
                                                  "[staging]\nurl = https://staging.example.com\ntoken = s\n");
    set_env("CBAPI_PROFILE", "staging");
    EXPECT_EQ(load({file}, "default").url, "https://cb.example.com");
}

TEST_F(Credentials, MissingCbapiProfileIsNamedInTheError) {
    const auto file = write_file("creds.ini", minimal_profile());
    set_env("CBAPI_PROFILE", "ghost");
    EXPECT_TRUE(contains(load_error({file}), "Cannot find credential profile 'ghost'"));
}

TEST_F(Credentials, EnvironmentIsIgnoredWhenUseEnvironmentIsFalse) {
    const auto file = write_file("creds.ini", minimal_profile() + "[staging]\nurl = https://staging.example.com\n"
                                                                  "token = s\n");
    set_env("CBAPI_PROFILE", "staging");
    set_env("CBAPI_URL", "https://env.example.com");
    set_env("CBAPI_TOKEN", "env-token");
    set_env("CBAPI_SSL_VERIFY", "false");
    const auto creds = load({file}, std::nullopt, false);
    EXPECT_EQ(creds.url, "https://cb.example.com");
    EXPECT_EQ(creds.token, kToken);
    EXPECT_TRUE(creds.ssl_verify);

    cbapi::CredentialOptions options;
    options.files = std::vector<fs::path>{};
    options.use_environment = false;
    EXPECT_THROW(cbapi::load_credentials(cbapi::Product::response, options), cbapi::CredentialError);
}

TEST_F(Credentials, EnvironmentUrlAndTokenSufficeWithoutAnyFile) {
    set_env("CBAPI_URL", "https://env.example.com//");
    set_env("CBAPI_TOKEN", kToken);
    const auto creds = load({dir_ / "missing.ini"}, "anything");
    EXPECT_EQ(creds.url, "https://env.example.com");
    EXPECT_EQ(creds.token, kToken);
    EXPECT_TRUE(creds.ssl_verify);
    EXPECT_EQ(creds.rabbitmq_port, 5004);
    EXPECT_TRUE(creds.extra.empty());
}

TEST_F(Credentials, EnvironmentUrlAndTokenWithMissingProfileStillUseDefaultSection) {
    const auto file = write_file("creds.ini", "[DEFAULT]\nssl_verify = /corp/ca.pem\n[other]\nurl = x\n");
    set_env("CBAPI_URL", "https://env.example.com");
    set_env("CBAPI_TOKEN", kToken);
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "https://env.example.com");
    EXPECT_EQ(creds.ssl_cert_file, "/corp/ca.pem");
}

TEST_F(Credentials, EnvironmentUrlAloneDoesNotReplaceMissingProfile) {
    set_env("CBAPI_URL", "https://env.example.com");
    const auto missing = dir_ / "missing.ini";
    EXPECT_EQ(load_error({missing}),
              "Cannot find credential profile 'default' after searching in these files: " + missing.string() + ".");
    unset_env("CBAPI_URL");
    set_env("CBAPI_TOKEN", kToken);
    EXPECT_TRUE(contains(load_error({missing}), "Cannot find credential profile 'default'"));
}

TEST_F(Credentials, EmptyEnvironmentVariablesCountAsUnset) {
    const auto file = write_file("creds.ini", minimal_profile() + "ssl_verify = false\n");
    set_env("CBAPI_URL", "");
    set_env("CBAPI_TOKEN", "");
    set_env("CBAPI_SSL_VERIFY", "");
    set_env("CBAPI_PROFILE", "");
    const auto creds = load({file});
    EXPECT_EQ(creds.url, "https://cb.example.com");
    EXPECT_EQ(creds.token, kToken);
    EXPECT_FALSE(creds.ssl_verify);
}

// --- file permission warning --------------------------------------------------------------------------------------

TEST_F(Credentials, GroupOrWorldReadableFileLogsWarningSuggestingChmod) {
    using fs::perms;
    int index = 0;
    for (const perms mode : {perms::owner_read | perms::owner_write | perms::group_read | perms::others_read,
                             perms::owner_read | perms::owner_write | perms::group_read,
                             perms::owner_read | perms::others_read}) {
        log_stream_.str("");
        const auto file = write_file("creds" + std::to_string(index++) + ".ini", minimal_profile(), mode);
        EXPECT_EQ(load({file}).token, kToken);
        const std::string log = log_text();
        EXPECT_TRUE(contains(log, "warning ")) << log;
        EXPECT_TRUE(contains(log, file.string())) << log;
        EXPECT_TRUE(contains(log, "chmod 600")) << log;
        EXPECT_FALSE(contains(log, kToken)) << log;
    }
}

TEST_F(Credentials, OwnerOnlyFileLogsNoWarning) {
    using fs::perms;
    int index = 0;
    for (const perms mode : {perms::owner_read | perms::owner_write, perms::owner_read}) {
        log_stream_.str("");
        const auto file = write_file("creds" + std::to_string(index++) + ".ini", minimal_profile(), mode);
        EXPECT_EQ(load({file}).token, kToken);
        EXPECT_EQ(log_text(), "");
    }
}

TEST_F(Credentials, PermissionWarningUsesTheCurrentLogger) {
    // The warning is emitted through whatever logger is current: swap in a second capture and check it lands there.
    std::ostringstream other;
    auto logger = std::make_shared<spdlog::logger>("cbapi", std::make_shared<spdlog::sinks::ostream_sink_mt>(other));
    logger->set_pattern("%l %v");
    cbapi::set_logger(logger);
    const auto file = write_file("creds.ini", minimal_profile(), fs::perms::owner_all | fs::perms::group_read);
    load({file});
    EXPECT_TRUE(contains(other.str(), "chmod 600")) << other.str();
    EXPECT_EQ(log_text(), "");
    cbapi::set_logger(nullptr);
}

// --- printing -----------------------------------------------------------------------------------------------------

cbapi::Credentials full_credentials() {
    cbapi::Credentials creds;
    creds.url = "https://cb.example.com";
    creds.token = kToken;
    creds.ssl_verify = false;
    creds.ssl_verify_hostname = false;
    creds.ssl_cert_file = "/etc/pki/ca.pem";
    creds.ssl_force_tls_1_2 = true;
    creds.proxy = "http://proxyuser:proxypassword@proxy.example.com:8001/";
    creds.ignore_system_proxy = true;
    creds.rabbitmq_user = "mquser";
    creds.rabbitmq_pass = "mqpassword";
    creds.rabbitmq_host = "mq.example.com";
    creds.rabbitmq_port = 5672;
    creds.extra = {{"connector_id", "CONN42"}, {"api_key", "APIKEYVALUE"}};
    return creds;
}

std::string print(const cbapi::Credentials& creds) {
    std::ostringstream out;
    out << creds;
    return out.str();
}

TEST_F(Credentials, PrintingShowsEveryField) {
    const std::string text = print(full_credentials());
    for (const char* expected :
         {"url=https://cb.example.com", "token=***", "ssl_verify=false", "ssl_verify_hostname=false",
          "ssl_cert_file=/etc/pki/ca.pem", "ssl_force_tls_1_2=true",
          "proxy=http://proxyuser:***@proxy.example.com:8001/", "ignore_system_proxy=true", "rabbitmq_user=mquser",
          "rabbitmq_pass=***", "rabbitmq_host=mq.example.com", "rabbitmq_port=5672", "connector_id=CONN42",
          "api_key=***", "allow_http=false"}) {
        EXPECT_TRUE(contains(text, expected)) << "missing " << expected << " in:\n" << text;
    }
}

TEST_F(Credentials, PrintingNeverShowsTokenOrPasswords) {
    const std::string text = print(full_credentials());
    EXPECT_FALSE(contains(text, kToken)) << text;
    EXPECT_FALSE(contains(text, "mqpassword")) << text;
    EXPECT_FALSE(contains(text, "proxypassword")) << text;
    EXPECT_FALSE(contains(text, "APIKEYVALUE")) << text;
}

TEST_F(Credentials, PrintingHidesTokenCopiedIntoOtherFields) {
    auto creds = full_credentials();
    creds.url = "https://cb.example.com/?token=" + std::string(kToken);
    creds.extra["note"] = std::string("copy of ") + kToken;
    const std::string text = print(creds);
    EXPECT_FALSE(contains(text, kToken)) << text;
}

TEST_F(Credentials, PrintingDefaultsShowsUnsetFields) {
    const std::string text = print(cbapi::Credentials{});
    EXPECT_TRUE(contains(text, "ssl_verify=true")) << text;
    EXPECT_TRUE(contains(text, "proxy=(none)")) << text;
    EXPECT_TRUE(contains(text, "rabbitmq_pass=(none)")) << text;
    EXPECT_TRUE(contains(text, "rabbitmq_port=5004")) << text;
}

TEST_F(Credentials, PrintingKeepsProxyWithoutPassword) {
    auto creds = full_credentials();
    creds.proxy = "http://proxyuser@proxy.example.com:8001";
    EXPECT_TRUE(contains(print(creds), "proxy=http://proxyuser@proxy.example.com:8001")) << print(creds);
    creds.proxy = "proxy.example.com:3128";
    EXPECT_TRUE(contains(print(creds), "proxy=proxy.example.com:3128")) << print(creds);
}

// --- validate -----------------------------------------------------------------------------------------------------

std::string validate_error(const cbapi::Credentials& creds) {
    try {
        cbapi::validate(creds);
    } catch (const cbapi::CredentialError& error) {
        return error.what();
    }
    ADD_FAILURE() << "expected a CredentialError";
    return {};
}

TEST_F(Credentials, ValidateAcceptsHttpAndHttpsInAnyCase) {
    cbapi::Credentials creds;
    creds.token = kToken;
    for (const char* url : {"https://cb.example.com", "http://cb.example.com", "HTTPS://CB.EXAMPLE.COM",
                            "Http://cb.example.com:8080"}) {
        creds.url = url;
        EXPECT_NO_THROW(cbapi::validate(creds)) << url;
    }
}

TEST_F(Credentials, ValidateRejectsUrlWithoutHttpScheme) {
    cbapi::Credentials creds;
    creds.token = kToken;
    for (const char* url : {"cb.example.com", "ftp://cb.example.com", "", "https:/cb.example.com", "httpx://a"}) {
        creds.url = url;
        EXPECT_EQ(validate_error(creds),
                  "Server URL must be a URL: eg. https://localhost (got '" + std::string(url) + "')");
    }
}

TEST_F(Credentials, ValidateRejectsEmptyToken) {
    cbapi::Credentials creds;
    creds.url = "https://cb.example.com";
    EXPECT_EQ(validate_error(creds), "No API token provided");
}

TEST_F(Credentials, ValidateErrorNeverContainsToken) {
    cbapi::Credentials creds;
    creds.token = kToken;
    creds.url = std::string("cb.example.com/") + kToken;
    const std::string message = validate_error(creds);
    EXPECT_FALSE(contains(message, kToken)) << message;
}

}  // namespace

// --- Cb Defense key and connector ---------------------------------------------------------------------------------

TEST_F(Credentials, DefenseProfileMayGiveKeyAndConnectorSeparately) {
    const auto file = write_file("credentials.defense",
                                 "[default]\nurl = https://api.example.com\napi_key = ABCDEFGHIJ\nconnector_id = CONN42\n");
    cbapi::CredentialOptions options;
    options.files = std::vector<fs::path>{file};
    const auto creds = cbapi::load_credentials(cbapi::Product::defense, options);
    EXPECT_EQ(creds.token, "ABCDEFGHIJ/CONN42");
    // Other products do not combine them.
    EXPECT_THROW(cbapi::load_credentials(cbapi::Product::response, options), cbapi::CredentialError);
}

TEST_F(Credentials, DefenseCombinedTokenWinsOverSeparateParts) {
    const auto file = write_file("credentials.defense",
                                 "[default]\nurl = https://api.example.com\ntoken = KEY/CONN\napi_key = OTHER\n"
                                 "connector_id = OTHERCONN\n");
    cbapi::CredentialOptions options;
    options.files = std::vector<fs::path>{file};
    EXPECT_EQ(cbapi::load_credentials(cbapi::Product::defense, options).token, "KEY/CONN");
}
