#pragma once
// MD5 of a file, for the examples that check what they downloaded against the MD5 the server names a binary by
// (dump_all_binaries): OpenSSL's libcrypto (the program links OpenSSL::Crypto). Not for anything that needs a secure
// hash.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <openssl/evp.h>

#include "cbapi/errors.hpp"

namespace cbapi::examples {

/// The MD5 of a file's content, upper-case hex. @throws ApiError when it cannot be read or hashed
inline std::string md5_of_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ApiError("Cannot read " + path.string());
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1) throw ApiError("Cannot compute an MD5");
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
        if (EVP_DigestUpdate(ctx.get(), buffer, static_cast<std::size_t>(in.gcount())) != 1)
            throw ApiError("Cannot compute an MD5");
    if (in.bad()) throw ApiError("Cannot read " + path.string());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) throw ApiError("Cannot compute an MD5");
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0x0F];
    }
    return out;
}

}  // namespace cbapi::examples
