#include "cli/command.h"

#include <cmath>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>

namespace dexvlg::cli {

int Fail(const Error& e) {
  std::cerr << "dexvlg: error: " << e.message << "\n";
  return kExitInputError;
}

void AddObjectScale(CLI::App* command, ObjectScale* scale) {
  command
      ->add_option("--scale", scale->scale,
                   "Multiply the object's coordinates (e.g. 0.001 for a file in millimetres)")
      ->capture_default_str()
      ->check([](const std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        const bool ok = end != text.c_str() && *end == '\0' && v > 0 && std::isfinite(v);
        return ok ? "" : "expected a positive number, got \"" + text + "\"";
      });
  command->add_option_function<std::string>(
      "--size",
      [scale](const std::string& text) {
        const size_t colon = text.find(':');
        try {
          if (colon == std::string::npos) throw std::invalid_argument(text);
          scale->min_size = std::stod(text.substr(0, colon));
          scale->max_size = std::stod(text.substr(colon + 1));
        } catch (const std::exception&) {
          throw CLI::ValidationError("--size", "expected MIN:MAX in metres, got \"" + text + "\"");
        }
        if (dexvlg::Status s = scale->Validate(); !s) {
          throw CLI::ValidationError("--size", s.error().message);
        }
      },
      "Rescale so that the bounding-box diagonal lies in MIN:MAX metres (e.g. 0.1:0.3)");
}

int Commands::Run() const {
  try {
    for (const auto& [command, run] : runs_) {
      if (command->parsed()) return run();
    }
  } catch (const std::exception& e) {  // the one catch: a bug, reported instead of a crash
    std::cerr << "dexvlg: internal error: " << e.what() << "\n";
    return kExitInternalError;
  }
  return 0;
}

}  // namespace dexvlg::cli
