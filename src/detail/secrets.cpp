// The process-wide list of secrets and the one redaction step (detail::redact_secrets) that every exception text and
// log line passes through.
#include "cbapi/detail/secrets.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "cbapi/detail/redact.hpp"
#include "cbapi/detail/url.hpp"
#include "cbapi/errors.hpp"

namespace cbapi::detail {
namespace {

struct Registry {
    std::mutex mutex;
    std::map<std::string, std::size_t> counts;
    // What redact_secrets reads: replaced (never changed) under the mutex, longest form first so that a longer form
    // is replaced before a shorter one inside it (the API key inside the whole token).
    std::shared_ptr<const std::vector<std::string>> snapshot = std::make_shared<const std::vector<std::string>>();

    void publish() {
        auto forms = std::make_shared<std::vector<std::string>>();
        forms->reserve(counts.size());
        for (const auto& entry : counts) forms->push_back(entry.first);
        std::stable_sort(forms->begin(), forms->end(),
                         [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
        snapshot = std::move(forms);
    }
};

Registry& registry() {
    static Registry* instance = new Registry();  // never destroyed: exceptions may be made during static destruction
    return *instance;
}

std::string json_escaped(std::string_view text, bool escape_slash) {
    std::string out;
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '/' && escape_slash) {
            out += "\\/";
        } else if (b < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[b >> 4];
            out += hex[b & 0xF];
        } else {
            out += c;
        }
    }
    return out;
}

std::string lower_hex_escapes(std::string text) {
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        if (text[i] != '%') continue;
        for (std::size_t k = i + 1; k <= i + 2; ++k)
            text[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[k])));
        i += 2;
    }
    return text;
}

}  // namespace

std::vector<std::string> secret_forms(std::string_view secret) {
    std::vector<std::string> forms;
    if (secret.size() < min_secret_length) return forms;
    const auto add = [&](std::string form) {
        if (form.size() >= min_secret_length && std::find(forms.begin(), forms.end(), form) == forms.end())
            forms.push_back(std::move(form));
    };
    add(std::string(secret));
    add(json_escaped(secret, false));
    add(json_escaped(secret, true));
    const std::string encoded = percent_encode(secret, {}, false);
    add(encoded);
    add(lower_hex_escapes(encoded));
    add(percent_encode(secret, "/", false));
    add(percent_encode(secret, {}, true));
    // A Cb Defense token is API_KEY/CONNECTOR_ID; the API key alone is the secret half.
    if (const auto slash = secret.find('/'); slash != std::string_view::npos && slash > 0) {
        for (auto& form : secret_forms(secret.substr(0, slash))) add(std::move(form));
    }
    return forms;
}

std::vector<std::string> url_passwords(std::string_view url) {
    const auto scheme = url.find("://");
    const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
    const auto end_of_authority = url.find_first_of("/?#", start);
    const std::string_view authority =
        url.substr(start, end_of_authority == std::string_view::npos ? std::string_view::npos : end_of_authority - start);
    const auto at = authority.rfind('@');
    if (at == std::string_view::npos) return {};
    const auto colon = authority.find(':');
    if (colon == std::string_view::npos || colon > at) return {};
    const std::string_view password = authority.substr(colon + 1, at - colon - 1);
    if (password.empty()) return {};
    std::vector<std::string> out{std::string(password)};
    const std::string decoded = percent_decode(password, false);
    if (decoded != password) out.push_back(decoded);
    return out;
}

SecretRegistration::SecretRegistration(const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets)
        for (auto& form : secret_forms(secret))
            if (std::find(forms_.begin(), forms_.end(), form) == forms_.end()) forms_.push_back(std::move(form));
    if (forms_.empty()) return;
    auto& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (const auto& form : forms_) ++r.counts[form];
    r.publish();
}

SecretRegistration::~SecretRegistration() { release(); }

SecretRegistration::SecretRegistration(SecretRegistration&& other) noexcept : forms_(std::move(other.forms_)) {
    other.forms_.clear();
}

SecretRegistration& SecretRegistration::operator=(SecretRegistration&& other) noexcept {
    if (this != &other) {
        release();
        forms_ = std::move(other.forms_);
        other.forms_.clear();
    }
    return *this;
}

void SecretRegistration::release() noexcept {
    if (forms_.empty()) return;
    auto& r = registry();
    try {
        std::lock_guard<std::mutex> lock(r.mutex);
        for (const auto& form : forms_) {
            const auto it = r.counts.find(form);
            if (it != r.counts.end() && --it->second == 0) r.counts.erase(it);
        }
        r.publish();
    } catch (...) {
        // Out of memory while publishing: the old list (a superset) stays in force, which only redacts more.
    }
    forms_.clear();
}

std::string redact_secrets(std::string_view text) {
    std::shared_ptr<const std::vector<std::string>> forms;
    {
        auto& r = registry();
        std::lock_guard<std::mutex> lock(r.mutex);
        forms = r.snapshot;
    }
    std::string out(text);
    for (const auto& form : *forms)
        if (out.find(form) != std::string::npos) out = redact(out, form);
    return out;
}

}  // namespace cbapi::detail
