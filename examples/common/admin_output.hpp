#pragma once
// Output and input helpers of the Cb Response administration examples: a model printed the way cbapi-python's
// `print(model)` does, and reading a password from the terminal without echo.

#include <iostream>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <termios.h>
#include <unistd.h>

#include "cbapi/model.hpp"

namespace cbapi::examples {

/// Prints a model like cbapi-python's `str(model)`: "<Type> object, bound to <url>.", a rule, then one line per
/// field in name order with the value cut to 50 characters.
inline void print_model(std::ostream& out, const Model& model, const std::string& server_url) {
    out << model.model_info().type_name << " object, bound to " << server_url << ".\n";
    if (!model.is_full()) out << " Partially initialized. Use .refresh() to load all attributes\n";
    out << std::string(79, '-') << "\n\n";
    for (const auto& [key, value] : model.document().items()) {
        std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        if (text.size() > 50) text = text.substr(0, 47) + "...";
        out << fmt::format("    {:>20}: {}\n", key, text);
    }
}

/// Reads a line from standard input, with the terminal's echo off when it is a terminal; the prompt goes to
/// standard error.
inline std::string read_password(const std::string& prompt) {
    std::cerr << prompt << std::flush;
    termios saved{};
    const bool tty = ::isatty(STDIN_FILENO) != 0 && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << "\n";
    }
    return line;
}

}  // namespace cbapi::examples
