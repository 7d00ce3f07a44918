#pragma once
/// @file
/// The watchlist export file of cbapi-python's watchlist_exporter / watchlist_importer examples: a JSON document
/// that carries watchlists from one Cb Response server to another.
///
/// ```json
/// {"Author": "...", "ExportDate": "2017-08-10T12:00:00Z", "ExportDescription": "...",
///  "Watchlists": [{"Name": "...", "URL": "<search_query>", "Type": "events|modules",
///                  "SearchString": "<Watchlist::query()>", "Description": "..."}]}
/// ```

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cbapi/errors.hpp"
#include "cbapi/response/watchlist.hpp"
#include "cbapi/time.hpp"

namespace cbapi::response {

/// One watchlist of an export file.
struct WatchlistExportEntry {
    std::string name;           ///< "Name"
    std::string url;            ///< "URL": the raw search_query
    std::string type = "events";  ///< "Type": "events" or "modules"
    std::string search_string;  ///< "SearchString": the human-readable query (what an importer runs)
    std::string description = "Please fill in if you intend to share this.";  ///< "Description"

    /// The entry of a watchlist. @param watchlist the watchlist (loaded if partial) @return the entry
    static WatchlistExportEntry of(const Watchlist& watchlist) {
        WatchlistExportEntry e;
        e.name = watchlist.name();
        e.url = watchlist.search_query();
        e.type = watchlist.index_type();
        e.search_string = watchlist.query();
        return e;
    }

    /// Fills a new watchlist from the entry: name, index_type, and a search_query that keeps the URL's other
    /// parameters (sort, cb.fq.* facets; cbapi-python's importer drops them) with `q` = SearchString.
    /// @param watchlist a watchlist from `create<Watchlist>()`
    /// @throws ApiError for an invalid Type or an empty SearchString
    void apply_to(Watchlist& watchlist) const {
        watchlist.set_name(name).set_index_type(type);
        if (!url.empty()) watchlist.set_search_query(url);
        watchlist.set_query(search_string);
    }
};

/// An export file.
struct WatchlistExport {
    std::string author = "Fill in author";                 ///< "Author"
    std::string export_date;                               ///< "ExportDate", UTC `YYYY-MM-DDTHH:MM:SSZ`
    std::string description = "Fill in description";       ///< "ExportDescription"
    std::vector<WatchlistExportEntry> watchlists;          ///< "Watchlists"

    /// An empty export dated `when`. @param when the export time
    static WatchlistExport dated(TimePoint when) {
        WatchlistExport e;
        e.export_date = format_query_time(when);
        return e;
    }

    /// The file's JSON, keys in the exporter's order. @return the document
    nlohmann::ordered_json to_json() const {
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

    /// Reads an export file's JSON. Author, ExportDate, ExportDescription, URL, Type (default "events") and
    /// Description are optional; every entry needs a Name and a SearchString.
    /// @param doc the parsed file @return the export
    /// @throws ApiError naming what is missing or of the wrong type
    static WatchlistExport from_json(const nlohmann::json& doc) {
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

private:
    static std::string text(const nlohmann::json& obj, const char* key, const std::string& where) {
        const auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) return {};
        if (!it->is_string()) throw ApiError(where + ": \"" + key + "\" must be a string");
        return it->get<std::string>();
    }
};

}  // namespace cbapi::response
