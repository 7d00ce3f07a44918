#pragma once
/// @file
/// Cb Response binaries: Binary and its query.

#include <cctype>
#include <string>
#include <utility>

#include "cbapi/detail/url.hpp"
#include "cbapi/model.hpp"
#include "cbapi/query.hpp"
#include "cbapi/response/model_support.hpp"
#include "cbapi/response/query.hpp"

namespace cbapi::response {

/// A binary, identified by its upper-case MD5: `/api/v1/binary/<MD5>/summary`.
class Binary : public Model {
public:
    inline static const ModelInfo model_info =
        ModelInfo("Binary", "/api/v1/binary").key("md5").instance_url([](const std::string& md5) {
            std::string upper = md5;
            for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            return "/api/v1/binary/" + cbapi::detail::encode_path_segment(upper) + "/summary";
        });
    static constexpr bool creatable = false;
    using query_type = Query<Binary>;
    Binary(cbapi::detail::ApiHandle api, nlohmann::json doc, bool full)
        : Model(model_info, std::move(api), std::move(doc), full) {}

    std::string md5() const { return id(); }
};

}  // namespace cbapi::response
