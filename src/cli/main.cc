// The dexvlg command line: each command file registers its commands (cli/command.h); main
// parses the arguments and runs the one given.
#include <CLI/CLI.hpp>

#include <string>

#include "cli/command.h"
#include "cli/dataset_commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "dexvlg: part-aware, language-conditioned dexterous grasping (DexVLG / DexGraspNet 3.0).\n"
      "Hands are MJCF files plus an optional hand spec; with no --hand the built-in 22-joint\n"
      "Shadow Hand is used. Run `dexvlg <command> --help` for details."};
  app.set_version_flag("--version", std::string("dexvlg ") + DEXVLG_VERSION +
                                        " (generate: " + dexvlg::cli::ScaleOut() + ")");
  app.require_subcommand(1);
  dexvlg::cli::Commands commands(app);
  dexvlg::cli::AddDemoCommand(commands);
  dexvlg::cli::AddHandCommands(commands);
  dexvlg::cli::AddObjectCommands(commands);
  dexvlg::cli::AddSynthCommand(commands);
  dexvlg::cli::AddValidateCommands(commands);
  dexvlg::cli::AddDatasetCommands(commands);
  dexvlg::cli::AddModelCommands(commands);
  dexvlg::cli::AddViewCommand(commands);
  CLI11_PARSE(app, argc, argv);
  return commands.Run();
}
