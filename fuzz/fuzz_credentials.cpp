// The credential file (INI) reader: load_credentials over a file holding the input.
#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "cbapi/credentials.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cbapi::fuzz::quiet();
    static const std::string path = "/tmp/cbapi-fuzz-credentials-" + std::to_string(::getpid());
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    for (const char* profile : {"default", "production"}) {
        cbapi::CredentialOptions options;
        options.files = std::vector<std::filesystem::path>{path};
        options.profile = profile;
        options.use_environment = false;
        cbapi::fuzz::expect_clear_errors([&] {
            const auto creds = cbapi::load_credentials(cbapi::Product::response, options);
            cbapi::validate(creds);
        });
    }
    return 0;
}
