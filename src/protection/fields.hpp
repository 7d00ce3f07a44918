#pragma once
// Private: the definitions that go with CBAPI_PROTECTION_GETTER_DECL / CBAPI_PROTECTION_FIELD_DECL
// (include/cbapi/protection/model_base.hpp), one line per field in src/protection/models.cpp.

#include <optional>
#include <utility>

/// Defines `Class::accessor()`: the field `json_name` read as std::optional<Type> (Model::get).
#define CBAPI_PROTECTION_GETTER_DEF(Class, Type, accessor, json_name) \
    std::optional<Type> Class::accessor() const { return get<Type>(json_name); }

/// Defines `Class::accessor()` (as CBAPI_PROTECTION_GETTER_DEF) and `Class::set_<accessor>(Type)`, which marks the
/// field changed (MutableModel::set) and returns the model.
#define CBAPI_PROTECTION_FIELD_DEF(Class, Type, accessor, json_name) \
    CBAPI_PROTECTION_GETTER_DEF(Class, Type, accessor, json_name)    \
    Class& Class::set_##accessor(Type value) {                       \
        set(json_name, std::move(value));                            \
        return *this;                                                \
    }
