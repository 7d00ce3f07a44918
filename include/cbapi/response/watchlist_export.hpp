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

#include "cbapi/fwd.hpp"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
    static WatchlistExportEntry of(const Watchlist& watchlist);

    /// Fills a new watchlist from the entry: name, index_type, and a search_query that keeps the URL's other
    /// parameters (sort, cb.fq.* facets; cbapi-python's importer drops them) with `q` = SearchString.
    /// @param watchlist a watchlist from `create<Watchlist>()`
    /// @throws ApiError for an invalid Type or an empty SearchString
    void apply_to(Watchlist& watchlist) const;
};

/// An export file.
struct WatchlistExport {
    std::string author = "Fill in author";                 ///< "Author"
    std::string export_date;                               ///< "ExportDate", UTC `YYYY-MM-DDTHH:MM:SSZ`
    std::string description = "Fill in description";       ///< "ExportDescription"
    std::vector<WatchlistExportEntry> watchlists;          ///< "Watchlists"

    /// An empty export dated `when`. @param when the export time
    static WatchlistExport dated(TimePoint when);

    /// The file's JSON, keys in the exporter's order. @return the document
    nlohmann::ordered_json to_json() const;

    /// Reads an export file's JSON. Author, ExportDate, ExportDescription, URL, Type (default "events") and
    /// Description are optional; every entry needs a Name and a SearchString.
    /// @param doc the parsed file @return the export
    /// @throws ApiError naming what is missing or of the wrong type
    static WatchlistExport from_json(const nlohmann::json& doc);
};

}  // namespace cbapi::response
