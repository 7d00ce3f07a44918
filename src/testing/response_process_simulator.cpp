// The Cb Response process and binary simulator: process trees with segments and events on the shared simulated
// hosts, binaries with files, and the search/summary/event/segment/binary endpoints (see the header).
#include "cbapi/testing/response_process_simulator.hpp"

#include "response_world.hpp"
#include "simulator_support.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cbapi/detail/zip.hpp"
#include "cbapi/server_version.hpp"
#include "cbapi/time.hpp"

namespace cbapi::testing {
namespace {

using sim::lower;
using sim::wildcard_match;

using nlohmann::json;

// --- the world ------------------------------------------------------------------------------------------------------

struct ModLoad { std::int64_t t; std::string md5, path; };
struct FileMod { int type; std::int64_t t; std::string path, md5; int filetype; };
struct RegMod { int type; std::int64_t t; std::string path; };
struct NetConn { std::int64_t t; std::uint32_t remote_ip; int remote_port; int proto; std::string domain; bool outbound; std::uint32_t local_ip; int local_port; };
struct ChildProc { std::int64_t t; std::size_t child; bool started; };
struct SuppressedChild { std::int64_t start, end; std::string guid, md5, path, cmdline, username; long long pid; };
struct CrossProc { std::string type; std::int64_t t; std::size_t peer; int subtype; std::uint32_t access; bool is_target; };
struct ProcessBlock { std::int64_t t; std::string md5, path, cmdline, username; };

struct Segment {
    long long id = 0;
    std::int64_t last_update = 0;  // micros
    std::vector<ModLoad> modloads;
    std::vector<FileMod> filemods;
    std::vector<RegMod> regmods;
    std::vector<NetConn> netconns;
    std::vector<ChildProc> childprocs;
    std::vector<SuppressedChild> suppressed;
    std::vector<CrossProc> crossprocs;
    std::vector<ProcessBlock> processblocks;
};

struct Proc {
    std::string guid, name, path, cmdline, md5, username;
    long long pid = 0;
    std::size_t host = 0;
    std::optional<std::size_t> parent;
    std::vector<std::size_t> children;
    std::int64_t start = 0, end = 0;  // micros; end = last event
    bool terminated = false;
    std::vector<Segment> segments;
    json tags = json::object();  // alliance_<kind>_<feed> fields of threat-intelligence feeds
};

struct Bin {
    json doc;
    std::string content;  // empty: the server does not hold the file
    bool deflate = false;
};

struct World {
    bool six_x = true;
    int max_event_api = 4;
    std::vector<SimulatedHost> hosts;
    std::vector<Proc> procs;
    std::map<std::string, std::size_t> by_guid;
    std::map<std::string, Bin> binaries;  // by upper-case md5
};

const std::int64_t micros = 1'000'000;
// 2017-08-09T08:00:00Z
const std::int64_t base_time = 1502265600LL * micros;

std::string solr_time(std::int64_t us) { return format_solr_time(TimePoint{std::chrono::microseconds{us}}); }
std::string event_time(std::int64_t us) { return format_cb_time(TimePoint{std::chrono::microseconds{us}}); }

std::string fake_md5(const std::string& text) {
    std::uint64_t a = 1469598103934665603ULL, b = 1099511628211ULL * 31;
    for (char c : text) {
        a = (a ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        b = (b ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL + 7;
    }
    return fmt::format("{:016X}{:016X}", a, b);
}

std::string basename_of(const std::string& path) {
    const auto slash = path.find_last_of("\\/");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::uint32_t ip_of(const std::string& dotted) {
    std::uint32_t v = 0;
    std::size_t pos = 0;
    for (int i = 0; i < 4; ++i) {
        const auto dot = dotted.find('.', pos);
        v = (v << 8) | static_cast<std::uint32_t>(std::stoul(dotted.substr(pos, dot - pos)));
        pos = dot + 1;
    }
    return v;
}

std::string dotted(std::uint32_t v) { return fmt::format("{}.{}.{}.{}", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255); }

// Names and paths of one tree, per OS: root, service, shell-host, shell, 2 tools, browser, renderer, script host.
struct Template {
    const char* name;
    const char* path;
    const char* args;
};

const Template* templates(const std::string& os) {
    static const Template windows[] = {
        {"services.exe", "c:\\windows\\system32\\services.exe", ""},
        {"svchost.exe", "c:\\windows\\system32\\svchost.exe", " -k netsvcs"},
        {"explorer.exe", "c:\\windows\\explorer.exe", ""},
        {"cmd.exe", "c:\\windows\\system32\\cmd.exe", " /c install.bat"},
        {"net.exe", "c:\\windows\\system32\\net.exe", " user admin /add"},
        {"ping.exe", "c:\\windows\\system32\\ping.exe", " 8.8.8.8"},
        {"chrome.exe", "c:\\program files (x86)\\google\\chrome\\application\\chrome.exe", ""},
        {"chrome.exe", "c:\\program files (x86)\\google\\chrome\\application\\chrome.exe", " --type=renderer"},
        {"powershell.exe", "c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe", " -enc SQBFAFgA"},
    };
    static const Template osx[] = {
        {"launchd", "/sbin/launchd", ""},
        {"syslogd", "/usr/sbin/syslogd", ""},
        {"loginwindow", "/system/library/coreservices/loginwindow.app/contents/macos/loginwindow", ""},
        {"bash", "/bin/bash", " -c ./install.sh"},
        {"curl", "/usr/bin/curl", " -O http://example.com/a.sh"},
        {"ls", "/bin/ls", " -la"},
        {"Safari", "/applications/safari.app/contents/macos/safari", ""},
        {"com.apple.WebKit.WebContent", "/system/library/frameworks/webkit.framework/webcontent", ""},
        {"python", "/usr/bin/python", " -c 'import os'"},
    };
    static const Template linux_[] = {
        {"systemd", "/usr/lib/systemd/systemd", ""},
        {"rsyslogd", "/usr/sbin/rsyslogd", " -n"},
        {"sshd", "/usr/sbin/sshd", " -D"},
        {"bash", "/bin/bash", " -c ./install.sh"},
        {"curl", "/usr/bin/curl", " -O http://example.com/a.sh"},
        {"ls", "/bin/ls", " -la"},
        {"firefox", "/usr/lib64/firefox/firefox", ""},
        {"firefox", "/usr/lib64/firefox/firefox", " -contentproc"},
        {"python", "/usr/bin/python", " -c 'import os'"},
    };
    return os == "windows" ? windows : (os == "osx" ? osx : linux_);
}

std::string os_display(const std::string& os) { return os == "windows" ? "Windows" : (os == "osx" ? "OSX" : "Linux"); }

void add_binary(World& w, const std::string& md5, const std::string& path, const std::string& os, std::size_t host,
                std::mt19937_64& random) {
    const SimulatedHost& h = w.hosts[host];
    auto it = w.binaries.find(md5);
    if (it == w.binaries.end()) {
        Bin b;
        const std::string file = basename_of(path);
        const bool is_exe = file.size() > 4 && file.substr(file.size() - 4) == ".exe";
        const std::size_t size = 2048 + random() % 8192;
        b.content = "MZ";
        while (b.content.size() < size) b.content.push_back(static_cast<char>('A' + random() % 4));
        if (os == "windows") {
            // A PE header (e_lfanew 0x80, "PE\0\0", i386, 3 sections, a link time) for the examples that read it.
            const std::uint32_t linked = 1470000000u + static_cast<std::uint32_t>(w.binaries.size()) * 86400u;
            const unsigned char header[] = {'P', 'E', 0, 0, 0x4c, 0x01, 3, 0, static_cast<unsigned char>(linked),
                                            static_cast<unsigned char>(linked >> 8),
                                            static_cast<unsigned char>(linked >> 16),
                                            static_cast<unsigned char>(linked >> 24)};
            b.content[0x3C] = static_cast<char>(0x80);
            b.content[0x3D] = b.content[0x3E] = b.content[0x3F] = '\0';
            for (std::size_t k = 0; k < sizeof header; ++k) b.content[0x80 + k] = static_cast<char>(header[k]);
        }
        b.deflate = w.binaries.size() % 2 == 1;
        std::string digsig = "Signed";
        std::string publisher = os == "windows" ? "Microsoft Corporation" : (os == "osx" ? "Apple Inc." : "CentOS");
        if (file == "payload.exe") {
            digsig = "Unsigned";
            publisher = "";
        }
        if (file == "chrome.exe" || file == "firefox") publisher = file == "chrome.exe" ? "Google Inc" : "Mozilla";
        b.doc = {{"md5", md5},
                 {"original_filename", file},
                 {"observed_filename", json::array({path})},
                 {"orig_mod_len", b.content.size()},
                 {"copied_mod_len", b.content.size()},
                 {"server_added_timestamp", solr_time(base_time - static_cast<std::int64_t>(w.binaries.size()) * 3600 * micros)},
                 {"is_executable_image", is_exe},
                 {"is_64bit", os != "windows" || file != "ping.exe"},
                 {"host_count", 0},
                 {"endpoint", json::array()},
                 {"group", json::array()},
                 {"file_version", "10.0.14393.0"},
                 {"product_version", "10.0.14393.0"},
                 {"product_name", os == "windows" ? "Microsoft\u00ae Windows\u00ae Operating System" : file},
                 {"company_name", publisher},
                 {"internal_name", file},
                 {"file_desc", file},
                 {"legal_copyright", publisher.empty() ? "" : "\u00a9 " + publisher},
                 {"os_type", os_display(os)},
                 {"cb_version", w.six_x ? 610 : 511},
                 {"timestamp", solr_time(base_time)},
                 {"last_seen", solr_time(base_time + 3600 * micros)},
                 {"watchlists", json::array()},
                 {"icon", "iVBORw0KGgo="}};
        if (file == "ping.exe" || file == "ls") {
            // No signature data at all (the documents of some binaries lack it).
        } else if (file == "helper.dll") {
            b.doc["digsig_result"] = "(Unknown)";
            b.doc["signed"] = "(Unknown)";
            b.content.clear();  // the server did not keep this file
            b.doc["copied_mod_len"] = 0;
        } else {
            b.doc["digsig_result"] = digsig;
            b.doc["signed"] = digsig;
            b.doc["digsig_result_code"] = digsig == "Signed" ? "0" : "2148204800";
            if (digsig == "Signed") {
                b.doc["digsig_publisher"] = publisher;
                b.doc["digsig_issuer"] = publisher + " Code Signing PCA";
                b.doc["digsig_subject"] = publisher;
                b.doc["digsig_sign_time"] = "2016-07-16T09:03:00Z";
                b.doc["digsig_prog_name"] = file;
            }
        }
        if (file == "payload.exe") {
            b.doc["alliance_score_virustotal"] = 12;
            b.doc["alliance_link_virustotal"] = "https://www.virustotal.com/file/" + lower(md5) + "/analysis/";
            // A second feed, with the types servers send: the score as text, report ids, the tagging time.
            b.doc["alliance_score_abusech"] = "85";
            b.doc["alliance_link_abusech"] = "https://sslbl.abuse.ch/intel/" + lower(md5);
            b.doc["alliance_data_abusech"] = json::array({"abusech-" + lower(md5).substr(0, 8)});
            b.doc["alliance_updated_abusech"] = "2017-08-09T09:00:00Z";
        }
        it = w.binaries.emplace(md5, std::move(b)).first;
    }
    json& doc = it->second.doc;
    const std::string endpoint = h.hostname + "|" + std::to_string(h.sensor_id);
    if (std::find(doc["endpoint"].begin(), doc["endpoint"].end(), endpoint) == doc["endpoint"].end()) {
        doc["endpoint"].push_back(endpoint);
        doc["host_count"] = doc["endpoint"].size();
        const std::string group = simulated_group_names()[static_cast<std::size_t>(h.group_id - 1)];
        if (std::find(doc["group"].begin(), doc["group"].end(), group) == doc["group"].end()) doc["group"].push_back(group);
    }
    if (std::find(doc["observed_filename"].begin(), doc["observed_filename"].end(), path) == doc["observed_filename"].end())
        doc["observed_filename"].push_back(path);
}

World build_world(const ResponseSimulatorOptions& options) {
    World w;
    const ServerVersion version = ServerVersion::parse(options.server_version);
    w.six_x = version >= ServerVersion{6, 0};
    w.max_event_api = w.six_x ? 4 : (version >= ServerVersion{5, 2} ? 3 : (version >= ServerVersion{5, 1} ? 2 : 1));
    w.hosts = simulated_hosts(options);
    std::mt19937_64 random(options.seed * 0xC2B2AE3D27D4EB4FULL + 99);
    static const char* const users[] = {"alice", "bob", "carol", "dave", "erin", "frank"};

    for (std::size_t h = 0; h < w.hosts.size(); ++h) {
        const SimulatedHost& host = w.hosts[h];
        const Template* t = templates(host.os_type);
        const std::string user = host.os_type == "windows" ? std::string("CORP\\") + users[random() % 6] : users[random() % 6];
        const std::string system_user = host.os_type == "windows" ? "SYSTEM" : "root";
        const std::int64_t host_base = base_time + static_cast<std::int64_t>(h) * 7 * 60 * micros;
        const std::size_t first = w.procs.size();

        auto add = [&](std::size_t tpl, std::optional<std::size_t> parent, std::int64_t start, std::int64_t length,
                       bool terminated, const std::string& username, int segments) {
            Proc p;
            p.name = t[tpl].name;
            p.path = t[tpl].path;
            p.cmdline = (host.os_type == "windows" ? "\"" + p.path + "\"" : p.path) + t[tpl].args;
            p.md5 = fake_md5(host.os_type + p.path);
            p.username = username;
            p.pid = 300 + static_cast<long long>(random() % 9000) * 4;
            p.host = h;
            p.parent = parent;
            p.start = start;
            p.end = start + length;
            p.terminated = terminated;
            const std::uint64_t filetime = static_cast<std::uint64_t>(start + 11644473600LL * micros) * 10;
            p.guid = fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", host.sensor_id,
                                 static_cast<unsigned>(p.pid >> 16) & 0xFFFF, static_cast<unsigned>(p.pid) & 0xFFFF,
                                 static_cast<unsigned>(filetime >> 48), filetime & 0xFFFFFFFFFFFFULL);
            for (int s = 0; s < segments; ++s) {
                Segment seg;
                // 6.x segment ids are millisecond timestamps; 5.x ones count from 1.
                seg.id = w.six_x ? start / 1000 + s * 60'000 : s + 1;
                p.segments.push_back(std::move(seg));
            }
            const std::size_t index = w.procs.size();
            if (parent) w.procs[*parent].children.push_back(index);
            w.by_guid[p.guid] = index;
            w.procs.push_back(std::move(p));
            return index;
        };

        const std::size_t root = add(0, std::nullopt, host_base, 20 * 3600 * micros, false, system_user, 1);
        const std::size_t services = h == 0 ? 17 : 2;  // the first host's root has more children than 15
        for (std::size_t s = 0; s < services; ++s)
            add(1, root, host_base + static_cast<std::int64_t>(s + 1) * 3 * micros, 6 * 3600 * micros, false,
                system_user, 1);
        const std::size_t shell_host = add(2, root, host_base + 90 * micros, 10 * 3600 * micros, false, user, 1);
        const std::size_t shell = add(3, shell_host, host_base + 300 * micros, 240 * micros, true, user, 2);
        add(4, shell, host_base + 320 * micros, 2 * micros, true, user, 1);
        add(5, shell, host_base + 400 * micros, 5 * micros, true, user, 1);
        const std::size_t browser = add(6, shell_host, host_base + 600 * micros, 3 * 3600 * micros, false, user, 1);
        add(7, browser, host_base + 602 * micros, 3 * 3600 * micros, false, user, 1);
        const std::size_t script = add(8, shell_host, host_base + 900 * micros, 600 * micros, true, user, 3);

        // Events, spread over each process's segments.
        const std::string os = host.os_type;
        const std::string lib1 = os == "windows" ? "c:\\windows\\system32\\ntdll.dll" : "/usr/lib/libc.so.6";
        const std::string lib2 = os == "windows" ? "c:\\windows\\system32\\kernel32.dll" : "/usr/lib/libssl.so.1";
        for (std::size_t i = first; i < w.procs.size(); ++i) {
            Proc& p = w.procs[i];
            std::vector<std::int64_t> stamps;
            const std::int64_t span = std::max<std::int64_t>(p.end - p.start, 1);
            std::size_t n = 0;
            auto at = [&](std::size_t k) { return p.start + (span * static_cast<std::int64_t>(k + 1)) / 16 + 1234; };
            auto seg = [&](std::size_t k) -> Segment& { return p.segments[k % p.segments.size()]; };
            seg(n).modloads.push_back({p.start + 1000, p.md5, p.path});
            ++n;
            seg(n).modloads.push_back({at(1), fake_md5(os + lib1), lib1});
            ++n;
            seg(n).modloads.push_back({at(2), fake_md5(os + lib2), lib2});
            ++n;
            add_binary(w, p.md5, p.path, os, h, random);
            add_binary(w, fake_md5(os + lib1), lib1, os, h, random);
            add_binary(w, fake_md5(os + lib2), lib2, os, h, random);
            if (i == shell) {
                const std::string dir = os == "windows" ? "c:\\users\\public\\" : "/tmp/";
                const std::string payload = dir + "payload.exe", helper = dir + "helper.dll", dropped = dir + "dropper.dll";
                const std::string payload_md5 = fake_md5("payload" + os), helper_md5 = fake_md5("helper" + os);
                seg(n).filemods.push_back({1, at(3), payload, "", 0});
                seg(n).filemods.push_back({2, at(3) + 10, payload, "", 0});
                seg(n).filemods.push_back({8, at(4), payload, payload_md5, 1});
                seg(++n).filemods.push_back({8, at(5), helper, helper_md5, 1});
                seg(++n).filemods.push_back({8, at(6), dropped, fake_md5("not stored" + os), 1});
                seg(++n).filemods.push_back({4, at(7), dir + "install.bat", "", 0});
                add_binary(w, payload_md5, payload, os, h, random);
                add_binary(w, helper_md5, helper, os, h, random);
            }
            if (i == script || i == shell_host) {
                const std::string key = "\\registry\\user\\s-1-5-21\\software\\microsoft\\windows\\currentversion\\run\\updater";
                seg(n).regmods.push_back({2, at(8), key});
                seg(++n).regmods.push_back({1, at(9), "\\registry\\machine\\software\\sim\\" + p.name});
                seg(++n).regmods.push_back({8, at(10), key});
            }
            if (i == browser || i == script || i == shell_host) {
                const std::uint32_t local = ip_of(host.ip_address);
                seg(n).netconns.push_back({at(11), ip_of("93.184.216.34"), 443, 6, "www.example.com", true, local, 49152});
                seg(++n).netconns.push_back({at(12), ip_of("198.51.100.7"), 53, 17, "", true, local, 50000});
                seg(++n).netconns.push_back({at(13), ip_of("10.1.2.3"), 3389, 6, "", false, local, 3389});
            }
            if (i == script) {
                // A feed hit on the encoded powershell command (the fields a 6.x summary carries for it).
                p.tags = {{"alliance_score_abusech", 75},
                          {"alliance_link_abusech", "https://sslbl.abuse.ch/intel/" + p.guid},
                          {"alliance_data_abusech", json::array({"abusech-ps-enc", "abusech-ps-iex"})},
                          {"alliance_updated_abusech", solr_time(p.start + 60 * micros)}};
                // powershell opens explorer (its parent) and injects a thread into it; explorer sees both as target.
                seg(n).crossprocs.push_back({"ProcessOpen", at(14), shell_host, 1, 0x1FFFFF, false});
                seg(++n).crossprocs.push_back({"RemoteThread", at(14) + 50, shell_host, 0, 0, false});
                seg(++n).crossprocs.push_back({"ProcessOpen", at(14) + 90, shell_host, 2, 0x1410, false});
                Proc& target = w.procs[shell_host];
                target.segments[0].crossprocs.push_back({"ProcessOpen", at(14), i, 1, 0x1FFFFF, true});
                target.segments[0].crossprocs.push_back({"RemoteThread", at(14) + 50, i, 0, 0, true});
                // and a child the sensor suppressed
                SuppressedChild sc;
                sc.start = at(5);
                sc.end = at(5) + 1000;
                sc.pid = 7777;
                sc.path = os == "windows" ? "c:\\windows\\system32\\conhost.exe" : "/bin/sleep";
                sc.md5 = fake_md5(os + sc.path);
                sc.cmdline = os == "windows" ? "\\??\\c:\\windows\\system32\\conhost.exe 0xffffffff" : "/bin/sleep 1";
                sc.username = p.username;
                sc.guid = fmt::format("{:08x}-0000-1e61-01d3-{:012x}", host.sensor_id, static_cast<unsigned long long>(i));
                seg(n).suppressed.push_back(sc);
                // and two launches of a banned binary the sensor blocked, in different segments (cbapi-python 1.7.4
                // processblocks; each segment's list holds its own)
                const std::string blocked = os == "windows" ? "c:\\users\\public\\payload.exe" : "/tmp/payload.exe";
                seg(n).processblocks.push_back({at(15), fake_md5("payload" + os), blocked, blocked + " --run", p.username});
                seg(++n).processblocks.push_back({at(15) + 70, fake_md5("payload" + os), blocked, blocked + " --retry", p.username});
            }
        }
        // USB storage on Windows hosts (enumerate_usb_devices): the first svchost.exe (Plug and Play) registers a
        // USB disk and a virtual SCSI disk under the disk device class, before its module loads (so no process's
        // last_update changes).
        if (host.os_type == "windows") {
            Proc& pnp = w.procs[first + 1];
            const std::string classes = "\\registry\\machine\\system\\currentcontrolset\\control\\deviceclasses\\";
            const std::string disk = "{53f56307-b6bf-11d0-94f2-00a0c91efb8b}";
            pnp.segments[0].regmods.push_back(
                {1, pnp.start + 500,
                 fmt::format("{}{}\\##?#usbstor#disk&ven_sandisk&prod_cruzer_blade&rev_1.00#4c5300{:06}&0#{}", classes,
                             disk, host.sensor_id, disk)});
            pnp.segments[0].regmods.push_back(
                {1, pnp.start + 600,
                 classes + disk + "\\##?#scsi#disk&ven_vmware&prod_virtual_disk#5&1982005&0&000000#" + disk});
        }
        // Child process records: a start and (for ended children) an end, in the parent's segments.
        for (std::size_t i = first; i < w.procs.size(); ++i) {
            Proc& p = w.procs[i];
            std::size_t k = 0;
            for (std::size_t c : p.children) {
                const Proc& child = w.procs[c];
                p.segments[k++ % p.segments.size()].childprocs.push_back({child.start, c, true});
                if (child.terminated) p.segments[k % p.segments.size()].childprocs.push_back({child.end, c, false});
            }
        }
        // Last update per segment: its latest event (or the process start), the whole process ending with `end`.
        for (std::size_t i = first; i < w.procs.size(); ++i) {
            Proc& p = w.procs[i];
            for (std::size_t s = 0; s < p.segments.size(); ++s) {
                Segment& seg = p.segments[s];
                std::int64_t last = p.start;
                for (auto& e : seg.modloads) last = std::max(last, e.t);
                for (auto& e : seg.filemods) last = std::max(last, e.t);
                for (auto& e : seg.regmods) last = std::max(last, e.t);
                for (auto& e : seg.netconns) last = std::max(last, e.t);
                for (auto& e : seg.childprocs) last = std::max(last, e.t);
                for (auto& e : seg.crossprocs) last = std::max(last, e.t);
                seg.last_update = s + 1 == p.segments.size() && p.terminated ? p.end : last;
            }
            std::int64_t last = p.start;
            for (auto& seg : p.segments) last = std::max(last, seg.last_update);
            p.end = last;
        }
    }
    return w;
}

// --- documents -----------------------------------------------------------------------------------------------------

std::string unique_id(const World& w, const std::string& guid, long long segment) {
    return w.six_x ? fmt::format("{}-{:012x}", guid, segment) : fmt::format("{}-{:08x}", guid, segment);
}

struct Counts {
    std::size_t modload = 0, filemod = 0, regmod = 0, netconn = 0, childproc = 0, crossproc = 0, processblock = 0;
    void add(const Segment& s) {
        modload += s.modloads.size();
        filemod += s.filemods.size();
        regmod += s.regmods.size();
        netconn += s.netconns.size();
        childproc += s.childprocs.size() + s.suppressed.size();
        crossproc += s.crossprocs.size();
        processblock += s.processblocks.size();
    }
};

// A process document: one segment (search results), or the whole process (segment < 0 → all segments).
json process_doc(const World& w, std::size_t index, std::optional<std::size_t> segment) {
    const Proc& p = w.procs[index];
    const SimulatedHost& h = w.hosts[p.host];
    Counts counts;
    std::int64_t last = p.start;
    long long segment_id = 0;
    if (segment) {
        const Segment& s = p.segments[*segment];
        counts.add(s);
        last = s.last_update;
        segment_id = s.id;
    } else {
        for (const auto& s : p.segments) {
            counts.add(s);
            last = std::max(last, s.last_update);
        }
        segment_id = w.six_x ? 0 : p.segments.front().id;
    }
    json doc = {{"id", p.guid},
                {"unique_id", unique_id(w, p.guid, segment_id)},
                {"segment_id", segment_id},
                {"sensor_id", h.sensor_id},
                {"hostname", h.hostname},
                {"host_type", h.group_id == 2 ? "server" : "workstation"},
                {"os_type", h.os_type},
                {"group", simulated_group_names()[static_cast<std::size_t>(h.group_id - 1)]},
                {"process_name", p.name},
                {"process_md5", p.md5},
                {"process_pid", p.pid},
                {"path", p.path},
                {"cmdline", p.cmdline},
                {"username", p.username},
                {"start", solr_time(p.start)},
                {"last_update", solr_time(last)},
                {"last_server_update", solr_time(last + 4 * micros)},
                {"terminated", p.terminated},
                {"modload_count", counts.modload},
                {"filemod_count", counts.filemod},
                {"regmod_count", counts.regmod},
                {"netconn_count", counts.netconn},
                {"childproc_count", counts.childproc},
                {"crossproc_count", counts.crossproc},
                {"emet_count", 0},
                {"processblock_count", counts.processblock},
                {"filtering_known_dlls", false},
                {"comms_ip", static_cast<std::int32_t>(ip_of(h.ip_address))},
                {"interface_ip", static_cast<std::int32_t>(ip_of(h.ip_address))}};
    if (p.parent) {
        const Proc& parent = w.procs[*p.parent];
        doc["parent_unique_id"] = unique_id(w, parent.guid, parent.segments.front().id);
        doc["parent_id"] = parent.guid;
        doc["parent_name"] = parent.name;
        doc["parent_pid"] = parent.pid;
        // 6.x servers stopped sending parent_md5 (cbapi-python reads it from the parent since its 2018 fix, "1.3.7").
        if (!w.six_x) doc["parent_md5"] = parent.md5;
    } else {
        doc["parent_pid"] = -1;
    }
    // 6.x documents carry the end of a terminated process; 5.x ones do not (clients use last_update then).
    if (w.six_x && p.terminated) doc["end"] = solr_time(p.end);
    // ASSUMPTION: 6.x documents carry the earliest and latest last_update (and last_server_update) of the process's
    // segments as min_/max_ fields (cbapi-python 1.1.1 reads them; the server's shape is not documented).
    if (w.six_x) {
        std::int64_t first = p.segments.front().last_update, latest = first;
        for (const auto& s : p.segments) {
            first = std::min(first, s.last_update);
            latest = std::max(latest, s.last_update);
        }
        doc["min_last_update"] = solr_time(first);
        doc["max_last_update"] = solr_time(latest);
        doc["min_last_server_update"] = solr_time(first + 4 * micros);
        doc["max_last_server_update"] = solr_time(latest + 4 * micros);
    }
    for (const auto& [key, value] : p.tags.items()) doc[key] = value;
    return doc;
}

// --- the query language ---------------------------------------------------------------------------------------------

struct Node {
    enum Kind { term, all, any, negate } kind = term;
    std::string field, value, low, high;  // range when !low.empty() || !high.empty() with `range`
    bool range = false;
    std::vector<Node> parts;
};

class QueryParser {
public:
    explicit QueryParser(std::string text) : s_(std::move(text)) {}
    Node parse() {
        Node n = parse_or();
        skip();
        if (i_ < s_.size()) throw std::runtime_error("unexpected '" + s_.substr(i_) + "'");
        return n;
    }

private:
    void skip() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    bool keyword(const char* word) {
        skip();
        const std::size_t n = std::char_traits<char>::length(word);
        if (i_ + n <= s_.size() && lower(s_.substr(i_, n)) == word &&
            (i_ + n == s_.size() || std::isspace(static_cast<unsigned char>(s_[i_ + n])) || s_[i_ + n] == '(')) {
            i_ += n;
            return true;
        }
        return false;
    }
    Node parse_or() {
        Node left = parse_and();
        Node any;
        any.kind = Node::any;
        any.parts.push_back(std::move(left));
        while (keyword("or")) any.parts.push_back(parse_and());
        return any.parts.size() == 1 ? std::move(any.parts.front()) : any;
    }
    Node parse_and() {
        Node all;
        all.kind = Node::all;
        for (;;) {
            skip();
            if (i_ >= s_.size() || s_[i_] == ')') break;
            const std::size_t mark = i_;
            if (keyword("or")) {
                i_ = mark;
                break;
            }
            if (keyword("and")) continue;
            all.parts.push_back(parse_unary());
        }
        return all;
    }
    Node parse_unary() {
        skip();
        if (i_ < s_.size() && (s_[i_] == '-' || s_[i_] == '!')) {
            ++i_;
            Node n;
            n.kind = Node::negate;
            n.parts.push_back(parse_unary());
            return n;
        }
        if (keyword("not")) {
            Node n;
            n.kind = Node::negate;
            n.parts.push_back(parse_unary());
            return n;
        }
        if (i_ < s_.size() && s_[i_] == '+') ++i_;
        if (i_ < s_.size() && s_[i_] == '(') {
            ++i_;
            Node n = parse_or();
            skip();
            if (i_ >= s_.size() || s_[i_] != ')') throw std::runtime_error("missing ')'");
            ++i_;
            return n;
        }
        return parse_term();
    }
    std::string word() {
        skip();
        std::string out;
        if (i_ < s_.size() && s_[i_] == '"') {
            ++i_;
            while (i_ < s_.size() && s_[i_] != '"') {
                if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
                out.push_back(s_[i_++]);
            }
            if (i_ >= s_.size()) throw std::runtime_error("missing '\"'");
            ++i_;
            return out;
        }
        while (i_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[i_])) && s_[i_] != ')' && s_[i_] != '(') {
            if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
            out.push_back(s_[i_++]);
        }
        return out;
    }
    Node parse_term() {
        Node n;
        skip();
        // field name
        std::size_t j = i_;
        while (j < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '_' || s_[j] == '.')) ++j;
        if (j < s_.size() && s_[j] == ':' && j > i_) {
            n.field = lower(s_.substr(i_, j - i_));
            i_ = j + 1;
        }
        skip();
        if (i_ < s_.size() && (s_[i_] == '[' || s_[i_] == '{')) {
            const auto close = s_.find_first_of("]}", i_);
            if (close == std::string::npos) throw std::runtime_error("missing ']'");
            const std::string inner = s_.substr(i_ + 1, close - i_ - 1);
            const auto to = inner.find(" TO ");
            if (to == std::string::npos) throw std::runtime_error("range without TO");
            n.range = true;
            n.low = inner.substr(0, to);
            n.high = inner.substr(to + 4);
            i_ = close + 1;
            return n;
        }
        n.value = word();
        if (n.value.empty() && n.field.empty()) throw std::runtime_error("empty term");
        return n;
    }

    std::string s_;
    std::size_t i_ = 0;
};

// Values of a field of a document, for matching (arrays give several).
using Resolver = std::function<std::vector<std::string>(const json& doc, const std::string& field)>;

std::vector<std::string> plain_values(const json& doc, const std::string& field) {
    std::vector<std::string> out;
    const auto it = doc.find(field);
    if (it == doc.end() || it->is_null()) return out;
    if (it->is_array()) {
        for (const auto& v : *it) out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    } else {
        out.push_back(it->is_string() ? it->get<std::string>() : it->dump());
    }
    return out;
}

bool in_range(const std::string& value, const std::string& low, const std::string& high) {
    const auto as_number = [](const std::string& t) -> std::optional<double> {
        try {
            std::size_t used = 0;
            const double v = std::stod(t, &used);
            if (used == t.size()) return v;
        } catch (const std::exception&) {
        }
        return std::nullopt;
    };
    if (auto v = as_number(value)) {
        if (low != "*") {
            const auto l = as_number(low);
            if (!l || *v < *l) return false;
        }
        if (high != "*") {
            const auto u = as_number(high);
            if (!u || *v > *u) return false;
        }
        return true;
    }
    const auto t = try_parse_cb_time(value);
    if (!t) return false;
    if (low != "*") {
        const auto l = try_parse_cb_time(low);
        if (!l || *t < *l) return false;
    }
    if (high != "*") {
        const auto u = try_parse_cb_time(high);
        if (!u || *t > *u) return false;
    }
    return true;
}

bool matches(const Node& n, const json& doc, const Resolver& resolve, const std::vector<std::string>& default_fields) {
    switch (n.kind) {
        case Node::all:
            for (const auto& p : n.parts)
                if (!matches(p, doc, resolve, default_fields)) return false;
            return true;
        case Node::any:
            for (const auto& p : n.parts)
                if (matches(p, doc, resolve, default_fields)) return true;
            return false;
        case Node::negate: return !matches(n.parts.front(), doc, resolve, default_fields);
        case Node::term: break;
    }
    if (n.field.empty()) {
        for (const auto& f : default_fields)
            for (const auto& v : resolve(doc, f))
                if (wildcard_match(v, "*" + n.value + "*", true)) return true;
        return false;
    }
    for (const auto& v : resolve(doc, n.field)) {
        if (n.range ? in_range(v, n.low, n.high) : wildcard_match(v, n.value, true)) return true;
        // Paths also match by their last component (as the server's tokenizer does).
        if (!n.range && wildcard_match(basename_of(v), n.value, true)) return true;
    }
    return false;
}

// --- search ---------------------------------------------------------------------------------------------------------

MockResponse error_reply(int status, const std::string& message) { return MockResponse::json({{"reason", message}}, status); }

json facet_entries(const std::vector<json>& docs, const std::string& field, const Resolver& resolve) {
    std::map<std::string, long long> counts;
    for (const auto& d : docs)
        for (const auto& v : resolve(d, field)) ++counts[v];
    std::vector<std::pair<std::string, long long>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    if (sorted.size() > 200) sorted.resize(200);
    long long sum = 0, max = 0;
    for (const auto& [name, n] : sorted) {
        sum += n;
        max = std::max(max, n);
    }
    json out = json::array();
    for (const auto& [name, n] : sorted) {
        out.push_back({{"name", name},
                       {"value", n},
                       {"percent", max == 0 ? 0 : static_cast<long long>(n * 100 / max)},
                       {"ratio", sum == 0 ? 0.0 : static_cast<double>(n * 1000 / sum) / 10.0}});
    }
    return out;
}

// Runs a search: filter, sort, paging, facets. `docs` are all candidate documents.
MockResponse search(std::vector<json> docs, const RecordedRequest& r, const Resolver& resolve,
                    const std::vector<std::string>& default_fields, const std::string& default_sort,
                    const std::function<void(std::vector<json>&)>& post_filter) {
    const std::string q = r.param("q").value_or("");
    std::vector<json> hits;
    try {
        std::optional<Node> query;
        if (!q.empty()) query = QueryParser(q).parse();
        for (auto& d : docs)
            if (!query || matches(*query, d, resolve, default_fields)) hits.push_back(std::move(d));
    } catch (const std::exception& e) {
        // How Cb Response says it cannot parse a query (cbapi-python 1.7.0 `connection.py` turns this reason into
        // QuerySyntaxError). ASSUMPTION: the explanation is in `message` (cbapi-python shows the whole body).
        return MockResponse::json({{"reason", "query_malformed_syntax"}, {"message", std::string("Invalid query: ") + e.what()}},
                                  400);
    }
    std::string sort = r.param("sort").value_or(default_sort);
    if (!sort.empty()) {
        const auto space = sort.find(' ');
        const std::string field = sort.substr(0, space);
        const bool desc = space != std::string::npos && lower(sort.substr(space + 1)) == "desc";
        std::stable_sort(hits.begin(), hits.end(), [&](const json& a, const json& b) {
            const json va = a.value(field, json()), vb = b.value(field, json());
            return desc ? vb < va : va < vb;
        });
    }
    if (post_filter) post_filter(hits);
    std::size_t start = 0, rows = 10;
    try {
        start = std::stoul(r.param("start").value_or("0"));
        rows = std::stoul(r.param("rows").value_or("10"));
    } catch (const std::exception&) {
        return error_reply(400, "start and rows must be numbers");
    }
    json results = json::array();
    for (std::size_t i = start; i < hits.size() && i < start + rows; ++i) results.push_back(hits[i]);
    json facets = json::object();
    if (r.param("facet").value_or("false") == "true") {
        for (const auto& [key, value] : r.params)
            if (key == "facet.field") facets[value] = facet_entries(hits, value, resolve);
    }
    json terms = json::array();
    if (!q.empty()) terms.push_back(q);
    return MockResponse::json({{"results", results},
                               {"total_results", hits.size()},
                               {"start", start},
                               {"elapsed", 0.0123},
                               {"terms", terms},
                               {"facets", facets},
                               {"highlights", json::array()},
                               {"tagged_pids", json::object()},
                               {"filtered", json::object()}});
}

// --- events ---------------------------------------------------------------------------------------------------------

json events_reply(const World& w, std::size_t index, const std::vector<std::size_t>& segments, int api) {
    const Proc& p = w.procs[index];
    json doc = segments.size() == 1 ? process_doc(w, index, segments.front()) : process_doc(w, index, std::nullopt);
    json modloads = json::array(), filemods = json::array(), regmods = json::array(), netconns = json::array(),
         childprocs = json::array(), crossprocs = json::array(), processblocks = json::array();
    for (std::size_t s : segments) {
        const Segment& seg = p.segments[s];
        for (const auto& e : seg.modloads) modloads.push_back(fmt::format("{}|{}|{}", event_time(e.t), e.md5, e.path));
        for (const auto& e : seg.filemods)
            filemods.push_back(fmt::format("{}|{}|{}|{}|{}|false", e.type, event_time(e.t), e.path, e.md5,
                                           e.filetype == 0 ? std::string() : std::to_string(e.filetype)));
        for (const auto& e : seg.regmods) regmods.push_back(fmt::format("{}|{}|{}|false", e.type, event_time(e.t), e.path));
        for (const auto& e : seg.netconns) {
            if (api == 1) {
                netconns.push_back(fmt::format("{}|{}|{}|{}|{}|{}", event_time(e.t), static_cast<std::int32_t>(e.remote_ip),
                                               e.remote_port, e.proto, e.domain, e.outbound ? "true" : "false"));
            } else {
                json n = {{"timestamp", event_time(e.t)}, {"direction", e.outbound ? "true" : "false"},
                          {"remote_port", e.remote_port}, {"local_port", e.local_port},
                          {"proxy_port", 0},           {"proto", e.proto},
                          {"domain", e.domain}};
                if (api == 4) {
                    n["remote_ip"] = dotted(e.remote_ip);
                    n["local_ip"] = dotted(e.local_ip);
                    n["proxy_ip"] = "0.0.0.0";
                } else {
                    n["remote_ip"] = static_cast<std::int32_t>(e.remote_ip);
                    n["local_ip"] = static_cast<std::int32_t>(e.local_ip);
                    n["proxy_ip"] = 0;
                }
                netconns.push_back(std::move(n));
            }
        }
        for (const auto& e : seg.childprocs) {
            const Proc& c = w.procs[e.child];
            const std::string child_uid = unique_id(w, c.guid, c.segments.front().id);
            if (api >= 3) {
                json j = {{"processId", child_uid}, {"md5", c.md5},      {"path", c.path},
                          {"pid", c.pid},           {"type", e.started ? "start" : "end"},
                          {"start", event_time(c.start)}, {"is_tampered", false}, {"is_suppressed", false}};
                if (!e.started) j["end"] = event_time(e.t);
                childprocs.push_back(std::move(j));
            } else {
                childprocs.push_back(fmt::format("{}|{}|{}|{}|{}|{}|false", event_time(e.t), child_uid, c.md5, c.path, c.pid,
                                                 e.started ? "true" : "false"));
            }
        }
        for (const auto& e : seg.suppressed) {
            if (api >= 3) {
                childprocs.push_back({{"processId", e.guid}, {"md5", e.md5}, {"path", e.path}, {"pid", e.pid},
                                      {"type", "start"}, {"start", event_time(e.start)}, {"is_tampered", false},
                                      {"is_suppressed", true}, {"commandLine", e.cmdline}, {"userName", e.username}});
            } else {
                childprocs.push_back(fmt::format("{}|{}|{}|{}|{}|true|false", event_time(e.start), e.guid, e.md5, e.path, e.pid));
            }
        }
        for (const auto& e : seg.crossprocs) {
            const Proc& peer = w.procs[e.peer];
            std::string rec = fmt::format("{}|{}|{}|{}|{}|{}|{}|false", e.type, event_time(e.t),
                                          unique_id(w, peer.guid, peer.segments.front().id), peer.md5, peer.path,
                                          e.subtype, e.access);
            if (e.is_target) rec += "|true";
            crossprocs.push_back(std::move(rec));
        }
        // ASSUMPTION: each record is a string holding a JSON object (cbapi-python 1.7.4 json.loads() it); the block_*
        // codes are the sensor's enum numbers (0: a process create that was blocked, as banned, successfully).
        for (const auto& e : seg.processblocks)
            processblocks.push_back(json({{"timestamp", event_time(e.t)}, {"block_type", 0}, {"block_event", 0},
                                          {"block_result", 0}, {"block_error", 0}, {"blocked_md5", e.md5},
                                          {"blocked_path", e.path}, {"blocked_cmdline", e.cmdline}, {"blocked_uid", ""},
                                          {"blocked_username", e.username}})
                                        .dump());
    }
    doc["modload_complete"] = modloads;
    doc["filemod_complete"] = filemods;
    doc["regmod_complete"] = regmods;
    doc["netconn_complete"] = netconns;
    doc["childproc_complete"] = childprocs;
    doc["crossproc_complete"] = crossprocs;
    // ASSUMPTION: servers with banning (5.1 and later: event API v2+) list blocked processes.
    if (api >= 2) doc["processblock_complete"] = processblocks;
    return {{"process", doc}, {"elapsed", 0.0456}};
}

// --- zip ------------------------------------------------------------------------------------------------------------

void put16(std::string& s, unsigned v) {
    s.push_back(static_cast<char>(v & 0xFF));
    s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& s, std::uint32_t v) {
    put16(s, v & 0xFFFF);
    put16(s, v >> 16);
}

// Raw deflate with fixed Huffman codes and literals only: valid, if not small, and enough to exercise inflating.
std::string deflate_literals(const std::string& data) {
    std::string out;
    std::uint32_t buffer = 0;
    int count = 0;
    const auto put_bits = [&](std::uint32_t value, int n) {  // LSB first
        buffer |= value << count;
        count += n;
        while (count >= 8) {
            out.push_back(static_cast<char>(buffer & 0xFF));
            buffer >>= 8;
            count -= 8;
        }
    };
    const auto put_code = [&](std::uint32_t code, int n) {  // Huffman codes go MSB first
        std::uint32_t reversed = 0;
        for (int i = 0; i < n; ++i) reversed |= ((code >> i) & 1U) << (n - 1 - i);
        put_bits(reversed, n);
    };
    put_bits(1, 1);  // last block
    put_bits(1, 2);  // fixed Huffman
    for (char ch : data) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 144)
            put_code(0x30U + c, 8);
        else
            put_code(0x190U + (c - 144U), 9);
    }
    put_code(0, 7);  // end of block
    if (count > 0) out.push_back(static_cast<char>(buffer & 0xFF));
    return out;
}

std::string make_zip(const std::vector<std::pair<std::string, std::string>>& members, bool deflate) {
    std::string zip, central;
    std::uint16_t n = 0;
    for (const auto& [name, data] : members) {
        cbapi::detail::Crc32 crc;
        crc.update(data.data(), data.size());
        const std::string stored = deflate ? deflate_literals(data) : data;
        const std::uint32_t offset = static_cast<std::uint32_t>(zip.size());
        put32(zip, 0x04034b50);
        put16(zip, 20);
        put16(zip, 0);
        put16(zip, deflate ? 8 : 0);
        put16(zip, 0);
        put16(zip, 0x4B09);  // 2017-08-09
        put32(zip, crc.value());
        put32(zip, static_cast<std::uint32_t>(stored.size()));
        put32(zip, static_cast<std::uint32_t>(data.size()));
        put16(zip, static_cast<unsigned>(name.size()));
        put16(zip, 0);
        zip += name;
        zip += stored;
        put32(central, 0x02014b50);
        put16(central, 20);
        put16(central, 20);
        put16(central, 0);
        put16(central, deflate ? 8 : 0);
        put16(central, 0);
        put16(central, 0x4B09);
        put32(central, crc.value());
        put32(central, static_cast<std::uint32_t>(stored.size()));
        put32(central, static_cast<std::uint32_t>(data.size()));
        put16(central, static_cast<unsigned>(name.size()));
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put32(central, 0);
        put32(central, offset);
        central += name;
        ++n;
    }
    const std::uint32_t cd_offset = static_cast<std::uint32_t>(zip.size());
    zip += central;
    put32(zip, 0x06054b50);
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, n);
    put16(zip, n);
    put32(zip, static_cast<std::uint32_t>(central.size()));
    put32(zip, cd_offset);
    put16(zip, 0);
    return zip;
}

// --- handlers -------------------------------------------------------------------------------------------------------

// Investigations and the events tagged into them (/api/investigations, /api/tagged_event). Mutable: tagged events
// are created, updated and deleted.
struct InvestigationStore {
    std::mutex mutex;
    json investigations = json::array();
    std::map<long long, json> events;  // by id
    long long next_id = 1;
};

// ASSUMPTION: a server starts with the console's "Default Investigation" (id 1); the simulator tags the first
// host's `cmd.exe` start into it, as a user of the console would.
std::shared_ptr<InvestigationStore> seed_investigations(const World& w) {
    auto store = std::make_shared<InvestigationStore>();
    store->investigations.push_back({{"id", 1},
                                     {"name", "Default Investigation"},
                                     {"notes", ""},
                                     {"created_by_user_id", ""},
                                     {"date_started", solr_time(base_time)},
                                     {"last_updated", solr_time(base_time + 3600 * micros)}});
    for (const Proc& p : w.procs) {
        if (p.name != "cmd.exe" && p.name != "bash") continue;
        const long long id = store->next_id++;
        store->events[id] = {{"id", id},
                             {"investigation_id", 1},
                             {"event_id", 0},
                             {"event_type", "procstart"},
                             {"unique_id", p.guid},
                             {"segment_id", p.segments.front().id},
                             {"process_id", 0},
                             {"start_date", solr_time(p.start)},
                             {"date_tagged", solr_time(p.start + 600 * micros)},
                             {"tagged_by_user_id", "1"},
                             {"notes", "installer started from explorer"},
                             {"event_data", {{"cmdline", p.cmdline}, {"path", p.path}, {"md5", p.md5}}}};
        break;
    }
    return store;
}

// A JSON id value as a number: a number, or text holding one (what clients send); nothing otherwise.
std::optional<long long> id_number(const json& v) {
    if (v.is_number_integer()) return v.get<long long>();
    if (v.is_string()) {
        try {
            std::size_t used = 0;
            const long long n = std::stoll(v.get<std::string>(), &used);
            if (used == v.get<std::string>().size()) return n;
        } catch (const std::exception&) {
        }
    }
    return std::nullopt;
}

void install_investigations(MockServer& server, const std::shared_ptr<const World>& world) {
    auto store = seed_investigations(*world);
    server.on("GET", "/api/investigations", [store](const RecordedRequest&) {
        std::lock_guard<std::mutex> lock(store->mutex);
        return MockResponse::json(store->investigations);
    });
    const auto known_investigation = [store](long long id) {
        for (const auto& i : store->investigations)
            if (i["id"] == id) return true;
        return false;
    };
    // Creation: the body names the investigation, the process (a GUID the server knows) and the event type.
    // ASSUMPTION: the reply is {"id": <new id>} (the console reads nothing else).
    server.on("POST", "/api/tagged_event", [store, world, known_investigation](const RecordedRequest& r) {
        const json body = json::parse(r.body, nullptr, false);
        if (!body.is_object()) return error_reply(400, "Expected a JSON object");
        if (body.contains("id")) return error_reply(400, "A new tagged event has no id");
        const auto investigation = id_number(body.value("investigation_id", json()));
        const json guid = body.value("unique_id", json());
        const json type = body.value("event_type", json());
        if (!guid.is_string() || world->by_guid.count(lower(guid.get<std::string>())) == 0)
            return error_reply(400, "unique_id must name a process");
        if (!type.is_string() || type.get<std::string>().empty()) return error_reply(400, "event_type is required");
        std::lock_guard<std::mutex> lock(store->mutex);
        if (!investigation || !known_investigation(*investigation))
            return error_reply(400, "investigation_id must name an investigation");
        const long long id = store->next_id++;
        json e = body;
        e["id"] = id;
        e["investigation_id"] = *investigation;
        e["date_tagged"] = solr_time(base_time + 7200 * micros + id * micros);
        if (!e.contains("tagged_by_user_id")) e["tagged_by_user_id"] = "1";
        store->events[id] = e;
        return MockResponse::json({{"id", id}});
    });
    // GET lists an investigation's events (ASSUMPTION: 404 for an investigation the server does not have); PUT
    // and DELETE change one event.
    server.on("*", "/api/tagged_event/([^/]+)", [store, known_investigation](const RecordedRequest& r) {
        const auto id = id_number(r.path.substr(std::string("/api/tagged_event/").size()));
        std::lock_guard<std::mutex> lock(store->mutex);
        if (r.method == "GET") {
            if (!id || !known_investigation(*id)) return error_reply(404, "No such investigation: " + r.path);
            json out = json::array();
            for (const auto& [key, e] : store->events)
                if (e["investigation_id"] == *id) out.push_back(e);
            return MockResponse::json(out);
        }
        if (r.method != "PUT" && r.method != "DELETE") return error_reply(405, "Method not allowed");
        const auto it = id ? store->events.find(*id) : store->events.end();
        if (it == store->events.end()) return error_reply(404, "No such tagged event: " + r.path);
        if (r.method == "DELETE") {
            store->events.erase(it);
            return MockResponse::json({{"result", "success"}});
        }
        const json body = json::parse(r.body, nullptr, false);
        if (!body.is_object()) return error_reply(400, "Expected a JSON object");
        for (const auto& [key, value] : body.items())
            if (key != "id" && key != "investigation_id") it->second[key] = value;
        return MockResponse::json({{"result", "success"}});
    });
}

std::optional<std::size_t> find_segment(const Proc& p, long long id) {
    for (std::size_t i = 0; i < p.segments.size(); ++i)
        if (p.segments[i].id == id) return i;
    return std::nullopt;
}

}  // namespace

void install_response_process_simulator(MockServer& server, const ResponseSimulatorOptions& options) {
    auto world = std::make_shared<const World>(build_world(options));
    install_investigations(server, world);

    // Search fields beyond the document's own: a process's events, and id aliases. A segment's document matches its
    // own events; with comprehensive search (6.1+) it matches the events of every segment of its process.
    // ASSUMPTION: that is what "process joining / comprehensive search" (cbapi-python 1.3.5
    // use_comprehensive_search(), Cb Response 6.1 process API changes) does; older servers ignore the parameter.
    const auto resolver = [world](bool comprehensive) -> Resolver {
        return [world, comprehensive](const json& doc, const std::string& field) -> std::vector<std::string> {
            const std::string key = field == "process_id" ? "id" : (field == "md5" ? "process_md5" : field);
            if (key != "filemod" && key != "regmod" && key != "modload" && key != "domain" && key != "ipaddr" &&
                key != "filewrite_md5")
                return plain_values(doc, key);
            std::vector<std::string> out;
            const auto it = world->by_guid.find(doc.value("id", std::string()));
            if (it == world->by_guid.end()) return out;
            const Proc& p = world->procs[it->second];
            const long long segment = doc.value("segment_id", 0LL);
            for (const auto& s : p.segments) {
                if (!comprehensive && segment != 0 && s.id != segment) continue;
                if (key == "filemod")
                    for (const auto& e : s.filemods) out.push_back(e.path);
                if (key == "regmod")
                    for (const auto& e : s.regmods) {
                        out.push_back(e.path);
                        // Cb's query preprocessor takes '\\' in a registry path as the separator, where this parser
                        // reads Solr's escape (and drops it): the path also matches without its backslashes.
                        // [assumption]
                        std::string bare;
                        for (char c : e.path)
                            if (c != '\\') bare.push_back(c);
                        out.push_back(std::move(bare));
                    }
                if (key == "modload")
                    for (const auto& e : s.modloads) out.push_back(e.path);
                if (key == "filewrite_md5")  // the MD5s of the files the process wrote
                    for (const auto& e : s.filemods)
                        if (!e.md5.empty()) out.push_back(e.md5);
                if (key == "domain")
                    for (const auto& e : s.netconns) out.push_back(e.domain);
                if (key == "ipaddr")
                    for (const auto& e : s.netconns) out.push_back(dotted(e.remote_ip));
            }
            return out;
        };
    };
    const Resolver process_fields = resolver(false);
    const Resolver process_fields_joined = resolver(true);

    server.on("GET", "/api/v1/process", [world, process_fields, process_fields_joined](const RecordedRequest& r) {
        std::vector<json> docs;
        for (std::size_t i = 0; i < world->procs.size(); ++i)
            for (std::size_t s = 0; s < world->procs[i].segments.size(); ++s) docs.push_back(process_doc(*world, i, s));
        // 6.x: time windows and grouping (5.x servers ignore cb.* parameters).
        std::optional<TimePoint> bounds[4];
        static const char* const keys[4] = {"cb.min_last_update", "cb.max_last_update", "cb.min_last_server_update",
                                            "cb.max_last_server_update"};
        if (world->six_x) {
            for (int k = 0; k < 4; ++k) {
                if (auto v = r.param(keys[k])) {
                    bounds[k] = try_parse_cb_time(*v);
                    if (!bounds[k]) return error_reply(400, std::string("Invalid ") + keys[k] + ": " + *v);
                }
            }
            docs.erase(std::remove_if(docs.begin(), docs.end(),
                                      [&](const json& d) {
                                          const TimePoint lu = parse_cb_time(d["last_update"].get<std::string>());
                                          const TimePoint lsu = parse_cb_time(d["last_server_update"].get<std::string>());
                                          return (bounds[0] && lu < *bounds[0]) || (bounds[1] && lu > *bounds[1]) ||
                                                 (bounds[2] && lsu < *bounds[2]) || (bounds[3] && lsu > *bounds[3]);
                                      }),
                       docs.end());
        }
        const std::optional<std::string> group = world->six_x ? r.param("cb.group") : std::nullopt;
        const bool comprehensive = world->six_x && r.param("comprehensive_search").value_or("") == "true";
        return search(std::move(docs), r, comprehensive ? process_fields_joined : process_fields,
                      {"process_name", "cmdline", "hostname", "path", "username"},
                      "last_update desc", [group](std::vector<json>& hits) {
                          if (!group) return;
                          std::set<std::string> seen;
                          hits.erase(std::remove_if(hits.begin(), hits.end(),
                                                    [&](const json& d) {
                                                        const auto it = d.find(*group);
                                                        const std::string key = it == d.end() ? std::string() : it->dump();
                                                        return !seen.insert(key).second;
                                                    }),
                                     hits.end());
                      });
    });

    server.on("GET", "/api/v1/process/host/count", [world](const RecordedRequest& r) {
        const std::string md5 = r.param("md5").value_or("");
        std::set<int> hosts;
        long long count = 0;
        for (const auto& p : world->procs) {
            bool uses = p.md5 == md5;
            for (const auto& s : p.segments)
                for (const auto& m : s.modloads) uses = uses || m.md5 == md5;
            if (!uses) continue;
            ++count;
            hosts.insert(world->hosts[p.host].sensor_id);
        }
        return MockResponse::json({{"hostCount", hosts.size()}, {"globalCount", count}, {"numDocs", world->procs.size()}});
    });

    // Summary: /api/v1/process/<guid>/<segment>
    server.on("GET", "/api/v1/process/([^/]+)/(-?[0-9]+)", [world](const RecordedRequest& r) {
        const auto slash = r.path.rfind('/');
        const std::string guid = r.path.substr(16, slash - 16);
        const long long segment = std::stoll(r.path.substr(slash + 1));
        const auto it = world->by_guid.find(lower(guid));
        if (it == world->by_guid.end()) return error_reply(404, "No such process: " + guid);
        const Proc& p = world->procs[it->second];
        std::optional<std::size_t> seg;
        if (!(world->six_x && segment == 0)) {
            seg = find_segment(p, segment);
            if (!seg) return error_reply(404, "No such segment: " + guid + "/" + std::to_string(segment));
        }
        std::size_t max_children = 15;
        if (auto c = r.param("children")) {
            try {
                max_children = std::stoul(*c);
            } catch (const std::exception&) {
                return error_reply(400, "children must be a number");
            }
        }
        json process = p.segments.size() == 1 ? process_doc(*world, it->second, 0) : process_doc(*world, it->second, seg);
        if (!seg) {
            process["segment_id"] = 0;
            process["unique_id"] = unique_id(*world, p.guid, 0);
        }
        json children = json::array(), siblings = json::array(), parent = json::object();
        for (std::size_t c : p.children) {
            if (children.size() >= max_children) break;
            children.push_back(process_doc(*world, c, world->procs[c].segments.size() - 1));
        }
        // Children the sensor suppressed: only what the childproc event said about them.
        for (const auto& s : p.segments) {
            for (const auto& c : s.suppressed) {
                if (children.size() >= max_children) break;
                children.push_back({{"id", c.guid}, {"unique_id", unique_id(*world, c.guid, 1)}, {"process_name", basename_of(c.path)},
                                    {"path", c.path}, {"cmdline", c.cmdline}, {"username", c.username},
                                    {"process_pid", c.pid}, {"process_md5", c.md5}, {"start", solr_time(c.start)},
                                    {"end", solr_time(c.end)}, {"terminated", true}, {"is_suppressed", true}});
            }
        }
        if (p.parent) {
            parent = process_doc(*world, *p.parent, 0);
            for (std::size_t s : world->procs[*p.parent].children) {
                if (s == it->second) continue;
                if (siblings.size() >= 15) break;
                siblings.push_back(process_doc(*world, s, 0));
            }
        }
        return MockResponse::json({{"process", process}, {"parent", parent}, {"children", children}, {"siblings", siblings}});
    });

    // Segment list (6.x): /api/v1/process/<guid>/segment
    server.on("GET", "/api/v1/process/([^/]+)/segment", [world](const RecordedRequest& r) {
        const std::string guid = r.path.substr(16, r.path.size() - 16 - 8);
        const auto it = world->by_guid.find(lower(guid));
        if (!world->six_x) return error_reply(404, "No such endpoint: GET " + r.path);
        if (it == world->by_guid.end()) return error_reply(404, "No such process: " + guid);
        const Proc& p = world->procs[it->second];
        json segments = json::array();
        for (const auto& s : p.segments)
            segments.push_back({{"unique_id", unique_id(*world, p.guid, s.id)}, {"segment_id", s.id},
                                {"last_update", solr_time(s.last_update)}});
        return MockResponse::json({{"process", {{"id", p.guid}, {"segments", segments}}}});
    });

    // Events: /api/v<n>/process/<guid>/<segment>/event
    server.on("GET", "/api/v([1-9])/process/([^/]+)/(-?[0-9]+)/event", [world](const RecordedRequest& r) {
        const int api = r.path[6] - '0';
        if (api > world->max_event_api) return error_reply(404, "No such endpoint: GET " + r.path);
        const std::string rest = r.path.substr(std::string("/api/v1/process/").size());
        const auto slash = rest.find('/');
        const std::string guid = rest.substr(0, slash);
        const long long segment = std::stoll(rest.substr(slash + 1, rest.find('/', slash + 1) - slash - 1));
        const auto it = world->by_guid.find(lower(guid));
        if (it == world->by_guid.end()) return error_reply(404, "No such process: " + guid);
        const Proc& p = world->procs[it->second];
        std::vector<std::size_t> segments;
        if (world->six_x && segment == 0) {
            for (std::size_t s = 0; s < p.segments.size(); ++s) segments.push_back(s);
        } else if (auto s = find_segment(p, segment)) {
            segments.push_back(*s);
        } else {
            return error_reply(404, "No such segment: " + guid + "/" + std::to_string(segment));
        }
        return MockResponse::json(events_reply(*world, it->second, segments, api));
    });

    // Binaries.
    const Resolver binary_fields = [](const json& doc, const std::string& field) {
        return plain_values(doc, field == "observed_filename_facet" ? "observed_filename" : field);
    };
    server.on("GET", "/api/v1/binary", [world, binary_fields](const RecordedRequest& r) {
        std::vector<json> docs;
        for (const auto& [md5, b] : world->binaries) {
            json d = b.doc;
            d.erase("icon");
            docs.push_back(std::move(d));
        }
        return search(std::move(docs), r, binary_fields,
                      {"md5", "observed_filename", "original_filename", "product_name", "company_name"},
                      "server_added_timestamp desc", nullptr);
    });
    const auto find_binary = [world](const std::string& path, std::size_t prefix) -> const Bin* {
        std::string md5 = path.substr(prefix, 32);
        for (char& c : md5) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        const auto it = world->binaries.find(md5);
        return it == world->binaries.end() ? nullptr : &it->second;
    };
    server.on("GET", "/api/v1/binary/[0-9A-Fa-f]{32}/summary", [find_binary](const RecordedRequest& r) {
        const Bin* b = find_binary(r.path, 15);
        if (b == nullptr) return error_reply(404, "No such binary");
        return MockResponse::json(b->doc);
    });
    server.on("GET", "/api/v1/binary/[0-9A-Fa-f]{32}/icon", [find_binary](const RecordedRequest& r) {
        const Bin* b = find_binary(r.path, 15);
        if (b == nullptr) return error_reply(404, "No such binary");
        MockResponse reply;
        reply.headers.set("Content-Type", "image/png");
        reply.body = std::string("\x89PNG\r\n\x1a\n", 8) + "simulated icon of " + b->doc["md5"].get<std::string>();
        return reply;
    });
    server.on("GET", "/api/v1/binary/[0-9A-Fa-f]{32}", [find_binary](const RecordedRequest& r) {
        const Bin* b = find_binary(r.path, 15);
        if (b == nullptr || b->content.empty()) return error_reply(404, "The server does not hold this binary");
        MockResponse reply;
        reply.headers.set("Content-Type", "application/zip");
        reply.body = make_zip({{"filedata", b->content}, {"metadata", b->doc.dump(2)}}, b->deflate);
        return reply;
    });
}

namespace sim {

WorldSnapshot world_snapshot(const ResponseSimulatorOptions& options) {
    const World w = build_world(options);
    WorldSnapshot out;
    out.processes.reserve(w.procs.size());
    for (std::size_t i = 0; i < w.procs.size(); ++i) {
        const Proc& p = w.procs[i];
        WorldProcess wp;
        wp.doc = process_doc(w, i, std::size_t{0});
        wp.start_us = p.start;
        if (p.parent) {
            const Proc& parent = w.procs[*p.parent];
            wp.parent_start_us = parent.start;
            wp.parent_pid = parent.pid;
            wp.parent_md5 = parent.md5;
            wp.parent_path = parent.path;
        }
        out.processes.push_back(std::move(wp));
    }
    for (const auto& [md5, bin] : w.binaries) out.binaries.push_back(bin.doc);
    return out;
}

}  // namespace sim

}  // namespace cbapi::testing
