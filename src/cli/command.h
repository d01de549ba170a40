// How the dexvlg commands register: each command file adds its subcommands with their options
// and the function that runs them; main parses and runs the one given.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "object/object_source.h"

namespace dexvlg::cli {

inline constexpr int kExitInputError = 1;
inline constexpr int kExitInternalError = 3;
inline constexpr const char* kHandHelp =
    "Hand spec (.json), MJCF (.xml) or URDF (.urdf); default: built-in";

/// Prints "dexvlg: error: ..." and gives the input-error exit status.
int Fail(const Error& e);

/// --scale S and --size MIN:MAX on a command that takes an object.
void AddObjectScale(CLI::App* command, ObjectScale* scale);

/// The commands of one dexvlg binary.
class Commands {
 public:
  explicit Commands(CLI::App& app) : app_(app) {}
  CLI::App& app() { return app_; }
  /// `run` runs `command` (a leaf subcommand) when it is the one given; it returns the exit
  /// status. The options it reads must outlive parsing: keep them in a shared state the
  /// function owns.
  void On(CLI::App* command, std::function<int()> run) {
    runs_.emplace_back(command, std::move(run));
  }
  /// Runs the command that was parsed: its exit status; an exception is a bug, reported.
  int Run() const;

 private:
  CLI::App& app_;
  std::vector<std::pair<CLI::App*, std::function<int()>>> runs_;
};

// One registration per area (the files of the same names).
void AddDemoCommand(Commands& commands);
void AddHandCommands(Commands& commands);
void AddObjectCommands(Commands& commands);
void AddSynthCommand(Commands& commands);
void AddValidateCommands(Commands& commands);  ///< validate, import
void AddDatasetCommands(Commands& commands);   ///< generate, dataset info|verify|export
void AddModelCommands(Commands& commands);     ///< train, predict, eval, serve
void AddViewCommand(Commands& commands);

}  // namespace dexvlg::cli
