// The watchlist export file (include/cbapi/response/watchlist_export.hpp).

#include "cbapi/response/watchlist_export.hpp"

#include <cstddef>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

namespace {

// An optional text member of `obj`: empty when absent or null. `where` names the object in the error.
std::string text(const nlohmann::json& obj, const char* key, const std::string& where) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_string()) throw ApiError(where + ": \"" + key + "\" must be a string");
    return it->get<std::string>();
}

}  // namespace

WatchlistExportEntry WatchlistExportEntry::of(const Watchlist& watchlist) {
    WatchlistExportEntry e;
    e.name = watchlist.name();
    e.url = watchlist.search_query();
    e.type = watchlist.index_type();
    e.search_string = watchlist.query();
    return e;
}

// The URL first (its sort and facets), then the query replaces its q.
void WatchlistExportEntry::apply_to(Watchlist& watchlist) const {
    watchlist.set_name(name).set_index_type(type);
    if (!url.empty()) watchlist.set_search_query(url);
    watchlist.set_query(search_string);
}

WatchlistExport WatchlistExport::dated(TimePoint when) {
    WatchlistExport e;
    e.export_date = format_query_time(when);
    return e;
}

nlohmann::ordered_json WatchlistExport::to_json() const {
    nlohmann::ordered_json doc;
    doc["Author"] = author;
    doc["ExportDate"] = export_date;
    doc["ExportDescription"] = description;
    doc["Watchlists"] = nlohmann::ordered_json::array();
    for (const auto& w : watchlists) {
        nlohmann::ordered_json entry;
        entry["Name"] = w.name;
        entry["URL"] = w.url;
        entry["Type"] = w.type;
        entry["SearchString"] = w.search_string;
        entry["Description"] = w.description;
        doc["Watchlists"].push_back(std::move(entry));
    }
    return doc;
}

WatchlistExport WatchlistExport::from_json(const nlohmann::json& doc) {
    if (!doc.is_object()) throw ApiError("A watchlist export must be a JSON object");
    WatchlistExport out;
    out.author = text(doc, "Author", "the export");
    out.export_date = text(doc, "ExportDate", "the export");
    out.description = text(doc, "ExportDescription", "the export");
    const auto list = doc.find("Watchlists");
    if (list == doc.end() || !list->is_array()) throw ApiError("A watchlist export needs a \"Watchlists\" array");
    std::size_t n = 0;
    for (const auto& item : *list) {
        ++n;
        const std::string where = "watchlist " + std::to_string(n) + " of the export";
        if (!item.is_object()) throw ApiError(where + " is not a JSON object");
        WatchlistExportEntry e;
        e.name = text(item, "Name", where);
        e.url = text(item, "URL", where);
        e.search_string = text(item, "SearchString", where);
        const std::string type = text(item, "Type", where);
        if (!type.empty()) e.type = type;
        e.description = text(item, "Description", where);
        if (e.name.empty()) throw ApiError(where + " has no \"Name\"");
        if (e.search_string.empty()) throw ApiError(where + " (" + e.name + ") has no \"SearchString\"");
        if (e.type != "events" && e.type != "modules")
            throw ApiError(where + " (" + e.name + ") has Type '" + e.type + "' (expected events or modules)");
        out.watchlists.push_back(std::move(e));
    }
    return out;
}

}  // namespace cbapi::response
