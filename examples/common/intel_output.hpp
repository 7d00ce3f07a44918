#pragma once
// Helpers shared by the Cb Response threat-intelligence examples (watchlists, feeds, alerts, banning): name lists,
// y/n prompts, looking an object up by id or name, and printing actions.

#include <cctype>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cbapi/errors.hpp"
#include "cbapi/response.hpp"

namespace cbapi::examples {

/// "a, b,c" → {"a", "b", "c"} (blank names dropped).
inline std::vector<std::string> split_names(const std::string& csv) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= csv.size()) {
        const auto comma = csv.find(',', start);
        std::string name = csv.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto first = name.find_first_not_of(" \t");
        const auto last = name.find_last_not_of(" \t");
        if (first != std::string::npos) out.push_back(name.substr(first, last - first + 1));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

/// Whether `name` is selected: every name when `wanted` is empty, else an exact match.
inline bool selected(const std::vector<std::string>& wanted, const std::string& name) {
    if (wanted.empty()) return true;
    for (const auto& w : wanted)
        if (w == name) return true;
    return false;
}

/// Asks "<question> y/n: " until the answer is y, n or empty (= yes).
/// @throws ApiError when the input ends before an answer
inline bool ask_yes_no(const std::string& question, std::istream& in = std::cin, std::ostream& out = std::cout) {
    for (;;) {
        out << question << " y/n: " << std::flush;
        std::string answer;
        if (!std::getline(in, answer)) throw ApiError("No answer to \"" + question + "\" (end of input)");
        if (answer.empty() || answer == "y" || answer == "Y") return true;
        if (answer == "n" || answer == "N") return false;
        out << "Please enter y or n.\n";
    }
}

/// The objects of type M with this id (loaded; none when the server has no such id), or else whose `field` equals
/// `name` (case-insensitive, as cbapi-python's `get_object_by_name_or_id`).
template <typename M>
std::vector<M> find_by_id_or_name(const response::CbResponseAPI& cb, const std::optional<long long>& id,
                                  const std::string& name, const std::string& field = "name") {
    if (id) {
        try {
            return {cb.fetch<M>(*id)};
        } catch (const ObjectNotFoundError&) {
            return {};
        }
    }
    const auto query = cb.select<M>().where(field + ":" + name);
    return std::vector<M>(query.begin(), query.end());
}

/// "ID of 5" or "name X": what a lookup searched for, for messages.
inline std::string lookup_text(const std::optional<long long>& id, const std::string& name) {
    return id ? fmt::format("ID of {}", *id) : "name " + name;
}

/// The one object with this id or name (`kind`: "watchlist", "feed"); when there is none or several, says so on
/// stderr and returns nullopt.
template <typename M>
std::optional<M> find_one(const response::CbResponseAPI& cb, const std::optional<long long>& id,
                          const std::string& name, const std::string& kind) {
    auto found = find_by_id_or_name<M>(cb, id, name);
    if (found.empty()) {
        std::cerr << "Could not find " << kind << " with " << lookup_text(id, name) << "\n";
        return std::nullopt;
    }
    if (found.size() > 1) {
        std::cerr << "Multiple " << kind << "s match the name " << name << ", giving up.\n";
        return std::nullopt;
    }
    return std::move(found.front());
}

/// The objects to delete: the one with this id, or every one with this name; when there is none, or several
/// without `force`, says so on stderr and returns nullopt.
template <typename M>
std::optional<std::vector<M>> find_to_delete(const response::CbResponseAPI& cb, const std::optional<long long>& id,
                                             const std::string& name, bool force, const std::string& kind) {
    auto found = find_by_id_or_name<M>(cb, id, name);
    if (found.empty()) {
        std::cerr << "Could not find " << kind << " with " << lookup_text(id, name) << "\n";
        return std::nullopt;
    }
    if (found.size() > 1 && !force) {
        std::cerr << fmt::format("{} {}s match the name {} and --force not specified. No action taken.\n",
                                 found.size(), kind, name);
        return std::nullopt;
    }
    return found;
}

/// Prints the actions of a watchlist or feed: "  - <type>: <action_data>".
template <typename Actions>
void print_actions(const Actions& actions) {
    for (const auto& action : actions) std::cout << fmt::format("  - {}: {}\n", action.type(), action.action_data());
}

/// The `list-actions` subcommand: prints "Actions in <Kind> <name>:" and the actions of the one object with this id
/// or name (`kind`: "watchlist", "feed"). @return the exit code: 1 when there is none or several (said on stderr)
template <typename M>
int print_actions_of(const response::CbResponseAPI& cb, const std::optional<long long>& id, const std::string& name,
                     const std::string& kind) {
    const auto found = find_one<M>(cb, id, name, kind);
    if (!found) return 1;
    std::string title = kind;
    title.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(title.front())));
    std::cout << "Actions in " << title << " " << found->name() << ":\n";
    print_actions(found->actions());
    return 0;
}

/// The `delete` subcommand: deletes the object with this id, or every one with this name (several only with
/// `force`), printing "Deleted <kind> id <id> with name <name>" for each.
/// @return the exit code: 1 when nothing was deleted (said on stderr)
template <typename M>
int delete_by_id_or_name(const response::CbResponseAPI& cb, const std::optional<long long>& id,
                         const std::string& name, bool force, const std::string& kind) {
    auto found = find_to_delete<M>(cb, id, name, force, kind);
    if (!found) return 1;
    for (M& m : *found) {
        m.remove();
        std::cout << fmt::format("Deleted {} id {} with name {}\n", kind, m.id(), m.name());
    }
    return 0;
}

}  // namespace cbapi::examples
