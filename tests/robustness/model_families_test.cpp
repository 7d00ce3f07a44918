// Every model family over bad server data: each field of each family's seed document (fuzz/corpus/models/) replaced
// by a null, removed, or given a value of the wrong type, a number no field can hold, invalid UTF-8, deep nesting or
// a huge string; then every accessor read. The outcome must be a value (the documented default for null and missing
// fields) or a cbapi::ApiError whose message names the field — never another exception type or a crash.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cbapi/errors.hpp"
#include "cbapi/logging.hpp"
#include "support/model_families.hpp"

namespace cbapi {
namespace {

using nlohmann::json;
using test::ModelFamily;
using test::model_families;

struct Seed {
    std::string file;
    const ModelFamily* family;
    json doc;
};

std::vector<Seed> load_seeds() {
    std::vector<Seed> seeds;
    for (const auto& entry : std::filesystem::directory_iterator(CBAPI_MODEL_CORPUS)) {
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (bytes.empty()) continue;
        const auto index = static_cast<unsigned char>(bytes[0]) % model_families().size();
        seeds.push_back({entry.path().filename().string(), &model_families()[index],
                         json::parse(bytes.substr(1), nullptr, false)});
    }
    std::sort(seeds.begin(), seeds.end(), [](const Seed& a, const Seed& b) { return a.file < b.file; });
    return seeds;
}

/// A replacement for one field; `missing` removes it.
struct Mutation {
    const char* name;
    json value;
    bool missing = false;
};

json nested(int depth) {
    json v = json::array();
    for (int i = 0; i < depth; ++i) v = json::array({v});
    return v;
}

std::vector<Mutation> mutations() {
    return {
        {"null", nullptr},
        {"missing", nullptr, true},
        {"empty string", ""},
        {"word", "not-a-value"},
        {"bool", true},
        {"zero", 0},
        {"negative", -1},
        {"fraction", 1.5},
        {"1e300", 1e300},
        {"2^64-1", std::numeric_limits<std::uint64_t>::max()},
        {"-2^63", std::numeric_limits<std::int64_t>::min()},
        {"object", json::object({{"x", 1}})},
        {"empty array", json::array()},
        {"array of null", json::array({nullptr})},
        {"invalid UTF-8", std::string("\xff\xfe\xc3")},
        {"nested 100 deep", nested(100)},
        {"100k string", std::string(100000, 'A')},
    };
}

/// Every path to an object member, up to three levels deep (members of arrays of objects through their first item).
void member_paths(const json& doc, std::vector<std::string>& prefix, std::vector<std::vector<std::string>>& out) {
    if (prefix.size() >= 3) return;
    const json* object = &doc;
    if (doc.is_array() && !doc.empty()) object = &doc[0];
    if (!object->is_object()) return;
    for (const auto& [key, value] : object->items()) {
        prefix.push_back(key);
        out.push_back(prefix);
        member_paths(value, prefix, out);
        prefix.pop_back();
    }
}

json mutated(json doc, const std::vector<std::string>& path, const Mutation& m) {
    json* at = &doc;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        if (at->is_array()) at = &(*at)[0];
        at = &(*at)[path[i]];
    }
    if (at->is_array()) at = &(*at)[0];
    if (m.missing)
        at->erase(path.back());
    else
        (*at)[path.back()] = m.value;
    return doc;
}

/// Fields that make up an object's identity: without them there is no object, and reading one is an ApiError.
bool is_identity(const std::string& family, const std::vector<std::string>& path) {
    return path.size() == 1 &&
           ((family == "response.binary" && path[0] == "md5") || (family == "response.threat_report" && path[0] == "feed_id"));
}

/// Whether an error message names the field at `path` (or one of its parents). The binary's MD5 is named as
/// cbapi-python names it: "MD5sum <value> is not valid".
bool names_field(const std::string& what, const std::vector<std::string>& path) {
    return std::any_of(path.begin(), path.end(), [&](const std::string& key) {
        return what.find(key) != std::string::npos || (key == "md5" && what.find("MD5sum") != std::string::npos);
    });
}

std::string joined(const std::vector<std::string>& path) {
    std::string s;
    for (const auto& p : path) s += (s.empty() ? "" : ".") + p;
    return s;
}

class ModelFamilies : public ::testing::Test {
protected:
    // Skipped records and coercions log warnings; they are expected here.
    void SetUp() override { set_log_level(spdlog::level::off); }
    void TearDown() override { set_log_level(spdlog::level::info); }
};

TEST_F(ModelFamilies, EveryFamilyHasOneSeedNamedAfterItThatReadsWithoutError) {
    const auto seeds = load_seeds();
    for (const auto& family : model_families()) {
        const auto n = std::count_if(seeds.begin(), seeds.end(), [&](const Seed& s) { return s.family == &family; });
        EXPECT_EQ(n, 1) << family.name;
    }
    for (const auto& seed : seeds) {
        EXPECT_EQ(seed.file, seed.family->name) << "the seed's first byte picks another family";
        ASSERT_TRUE(seed.doc.is_object()) << seed.file;
        EXPECT_NO_THROW(seed.family->read_all(seed.doc)) << seed.file;
    }
}

TEST_F(ModelFamilies, EveryFieldOverBadValuesGivesAValueOrAnApiErrorNamingIt) {
    std::vector<std::string> failures;
    std::size_t cases = 0;
    for (const auto& seed : load_seeds()) {
        std::vector<std::vector<std::string>> paths;
        std::vector<std::string> prefix;
        member_paths(seed.doc, prefix, paths);
        for (const auto& path : paths) {
            for (const auto& m : mutations()) {
                ++cases;
                const std::string where = seed.file + " " + joined(path) + " = " + m.name;
                try {
                    seed.family->read_all(mutated(seed.doc, path, m));
                } catch (const ApiError& e) {
                    const std::string what = e.what();
                    if (!names_field(what, path)) failures.push_back(where + ": ApiError not naming the field: " + what);
                    if ((m.missing || m.value.is_null()) && !is_identity(seed.file, path))
                        failures.push_back(where + ": no default for a null or missing field: " + what);
                } catch (const std::exception& e) {
                    failures.push_back(where + ": " + typeid(e).name() + ": " + e.what());
                }
            }
        }
    }
    EXPECT_GT(cases, 5000u);
    for (std::size_t i = 0; i < failures.size() && i < 6000; ++i) ADD_FAILURE() << failures[i];
    EXPECT_TRUE(failures.empty()) << failures.size() << " failures in " << cases << " cases";
}

TEST_F(ModelFamilies, DocumentsThatAreNotObjectsGiveAValueOrAnApiError) {
    for (const auto& family : model_families()) {
        for (const json& doc : {json(nullptr), json::array(), json("text"), json(5), json::object()}) {
            try {
                family.read_all(doc);
            } catch (const ApiError&) {
            } catch (const std::exception& e) {
                ADD_FAILURE() << family.name << " over " << doc.dump() << ": " << e.what();
            }
        }
    }
}

}  // namespace
}  // namespace cbapi
