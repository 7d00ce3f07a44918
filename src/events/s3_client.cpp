#include "events/s3_client.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include <openssl/sha.h>
#include <pugixml.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/events/forwarder_s3.hpp"

namespace cbapi::events {

S3Error::S3Error(const std::string& message, int status, std::string code, std::string s3_message,
                 std::string method, std::string uri)
    : HttpError(message, status, std::move(method), std::move(uri), {}),
      code_(std::move(code)),
      s3_message_(std::move(s3_message)) {}

}  // namespace cbapi::events

namespace cbapi::events::detail {

namespace {

constexpr std::string_view empty_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

bool is_unreserved(unsigned char c) noexcept {
    return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

// At most `limit` bytes of a server's text, on one line, for an error message.
std::string excerpt(std::string_view text, std::size_t limit = 300) {
    std::string out;
    for (const char c : text.substr(0, limit)) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
    if (text.size() > limit) out += "...";
    return out;
}

std::string strip_trailing_slashes(std::string text) {
    while (!text.empty() && text.back() == '/') text.pop_back();
    return text;
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4U]);
            out.push_back(hex[c & 0x0FU]);
        }
    }
    return out;
}

std::string canonical_query(std::vector<std::pair<std::string, std::string>> parameters) {
    for (auto& [name, value] : parameters) {
        name = uri_encode(name, false);
        value = uri_encode(value, false);
    }
    std::sort(parameters.begin(), parameters.end());
    std::string out;
    for (const auto& [name, value] : parameters) {
        if (!out.empty()) out.push_back('&');
        out += name;
        out.push_back('=');
        out += value;
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(digest.size() * 2);
    for (const unsigned char b : digest) {
        out.push_back(hex[b >> 4U]);
        out.push_back(hex[b & 0x0FU]);
    }
    return out;
}

void validate(const S3Settings& settings) {
    const auto& b = settings.bucket;
    if (b.size() < 3 || b.size() > 63 ||
        !std::all_of(b.begin(), b.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'; }))
        throw std::invalid_argument("S3 bucket name \"" + excerpt(b, 80) +
                                    "\" is invalid: it must be 3-63 characters of a-z, 0-9, '.' and '-'");
    const auto& r = settings.region;
    if (r.empty() || !std::all_of(r.begin(), r.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        }))
        throw std::invalid_argument("AWS region \"" + excerpt(r, 80) + "\" is invalid: expected e.g. us-east-1");
    const auto& e = settings.endpoint;
    if (!e.empty()) {
        if (e.find('@') != std::string::npos)
            throw std::invalid_argument("S3 endpoint must not contain user information ('@'); give the key pair "
                                        "as credentials");
        const bool scheme_ok = e.rfind("http://", 0) == 0 || e.rfind("https://", 0) == 0;
        const auto host_start = scheme_ok ? e.find("://") + 3 : 0;
        const auto path = scheme_ok ? e.find_first_of("/?#", host_start) : std::string::npos;
        const bool has_path = path != std::string::npos && e.find_first_not_of('/', path) != std::string::npos;
        if (!scheme_ok || path == host_start || e.size() <= host_start || has_path)
            throw std::invalid_argument("S3 endpoint \"" + excerpt(e, 120) +
                                        "\" is invalid: expected http(s)://host[:port] without a path");
    }
    if (settings.access_key_id.empty() || settings.secret_access_key.empty())
        throw std::invalid_argument("S3 access key id and secret access key are required");
}

bool is_transient(int status, std::string_view code) noexcept {
    if (code == "SlowDown" || code == "InternalError" || code == "ServiceUnavailable" || code == "RequestTimeout" ||
        code == "RequestTimeTooSkewed")
        return true;
    return status == 408 || status == 429 || status >= 500 || status == 0;
}

S3Client::S3Client(S3Settings settings, std::shared_ptr<Transport> transport)
    : settings_(std::move(settings)), transport_(std::move(transport)) {
    validate(settings_);
    if (!transport_) throw std::invalid_argument("S3Client needs a transport");
    if (!settings_.endpoint.empty()) {
        base_url_ = strip_trailing_slashes(settings_.endpoint);
        path_prefix_ = "/" + settings_.bucket;
    } else {
        const std::string host =
            settings_.region == "us-east-1" ? "s3.amazonaws.com" : "s3." + settings_.region + ".amazonaws.com";
        if (settings_.bucket.find('.') != std::string::npos) {
            // A dotted bucket name does not match the *.s3 wildcard certificate: path style on the regional host.
            base_url_ = "https://" + host;
            path_prefix_ = "/" + settings_.bucket;
        } else {
            base_url_ = "https://" + settings_.bucket + "." + host;
        }
    }
}

Request S3Client::make_request(HttpMethod method, std::string_view key,
                               std::vector<std::pair<std::string, std::string>> query, std::string body) const {
    // "." and ".." segments would be removed by URL normalisation (libcurl's and the server's) and sign differently.
    std::size_t start = 0;
    while (start <= key.size()) {
        auto end = key.find('/', start);
        if (end == std::string_view::npos) end = key.size();
        const auto segment = key.substr(start, end - start);
        if (segment == "." || segment == "..")
            throw std::invalid_argument("S3 key " + location(key) + " has a '.' or '..' path segment (unsupported)");
        start = end + 1;
    }
    Request request;
    request.method = method;
    std::string path = path_prefix_ + "/" + uri_encode(key, true);
    request.url = base_url_ + path;
    const std::string q = canonical_query(std::move(query));
    if (!q.empty()) request.url += "?" + q;
    request.headers.add("x-amz-content-sha256", body.empty() ? std::string(empty_sha256) : sha256_hex(body));
    // Named here, so that it is signed like every header given (libcurl would otherwise add a form content type).
    if (!body.empty()) request.headers.add("Content-Type", "application/octet-stream");
    if (!settings_.session_token.empty()) request.headers.add("x-amz-security-token", settings_.session_token);
    request.body = std::move(body);
    request.aws_sigv4 = AwsSigV4Auth{"aws:amz:" + settings_.region + ":s3", settings_.access_key_id,
                                     settings_.secret_access_key};
    return request;
}

std::string S3Client::location(std::string_view key) const {
    return "s3://" + settings_.bucket + "/" + std::string(key);
}

Response S3Client::send(const Request& request, std::string_view operation, std::string_view key) {
    Response response = transport_->send(request);
    if (response.status >= 200 && response.status < 300) return response;
    std::string code;
    std::string message;
    pugi::xml_document doc;
    if (!response.body.empty() && doc.load_buffer(response.body.data(), response.body.size())) {
        const pugi::xml_node error = doc.child("Error");
        code = error.child_value("Code");
        message = error.child_value("Message");
    }
    std::string text = "S3 " + std::string(operation) + " of " + location(key) + " failed: HTTP " +
                       std::to_string(response.status);
    if (!code.empty()) text += " " + excerpt(code, 80);
    if (!message.empty()) text += ": " + excerpt(message);
    if (code.empty() && message.empty() && response.status == 404) text += " (no such bucket or key)";
    if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch")
        text += " (check the access key id and secret access key)";
    else if (code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect")
        text += " (check the region: " + settings_.region + ")";
    throw S3Error(text, response.status, code, message, std::string(to_string(request.method)), request.url);
}

S3ListPage S3Client::list_objects_v2(std::string_view prefix, std::string_view start_after,
                                     std::string_view continuation_token, unsigned max_keys) {
    std::vector<std::pair<std::string, std::string>> query{{"list-type", "2"}};
    if (!prefix.empty()) query.emplace_back("prefix", std::string(prefix));
    if (!start_after.empty()) query.emplace_back("start-after", std::string(start_after));
    if (!continuation_token.empty()) query.emplace_back("continuation-token", std::string(continuation_token));
    if (max_keys > 0) query.emplace_back("max-keys", std::to_string(max_keys));
    Request request = make_request(HttpMethod::get, {}, std::move(query));
    request.max_body_bytes = 64ULL * 1024 * 1024;  // a 1000-key page is ~300 KB
    const Response response = send(request, "ListObjectsV2", prefix);

    pugi::xml_document doc;
    const pugi::xml_parse_result parsed = doc.load_buffer(response.body.data(), response.body.size());
    const pugi::xml_node result = doc.child("ListBucketResult");
    if (!parsed || !result)
        throw ServerError(response.status,
                          "S3 ListObjectsV2 of " + location(prefix) + " returned no ListBucketResult" +
                              (parsed ? std::string() : std::string(" (XML error: ") + parsed.description() + ")"),
                          "GET", request.url);
    S3ListPage page;
    page.truncated = std::string_view(result.child_value("IsTruncated")) == "true";
    page.next_continuation_token = result.child_value("NextContinuationToken");
    for (const pugi::xml_node item : result.children("Contents")) {
        S3Object object;
        object.key = item.child_value("Key");
        object.last_modified = item.child_value("LastModified");
        const std::string size = item.child_value("Size");
        try {
            std::size_t used = 0;
            object.size = std::stoull(size, &used);
            if (used != size.size()) throw std::invalid_argument("trailing characters");
        } catch (const std::exception&) {
            throw ServerError(response.status,
                              "S3 ListObjectsV2 of " + location(prefix) + " listed " + location(object.key) +
                                  " with an invalid Size \"" + excerpt(size, 40) + "\"",
                              "GET", request.url);
        }
        if (object.key.empty())
            throw ServerError(response.status, "S3 ListObjectsV2 of " + location(prefix) + " listed an empty key",
                              "GET", request.url);
        page.objects.push_back(std::move(object));
    }
    if (page.truncated && page.next_continuation_token.empty())
        throw ServerError(response.status,
                          "S3 ListObjectsV2 of " + location(prefix) +
                              " says the listing is truncated but gives no NextContinuationToken",
                          "GET", request.url);
    return page;
}

std::string S3Client::get_object(std::string_view key, std::uint64_t max_bytes) {
    Request request = make_request(HttpMethod::get, key);
    request.max_body_bytes = max_bytes;
    Response response = send(request, "GetObject", key);
    return std::move(response.body);
}

void S3Client::put_object(std::string_view key, std::string body) {
    send(make_request(HttpMethod::put, key, {}, std::move(body)), "PutObject", key);
}

void S3Client::create_bucket() {
    send(make_request(HttpMethod::put, {}), "CreateBucket", {});
}

}  // namespace cbapi::events::detail
