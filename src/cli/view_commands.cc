#include "cli/view_commands.h"

#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/hand_commands.h"
#include "core/atomic_file.h"
#include "synth/grasp_file.h"

namespace dexvlg::cli {

Status RunView(const ViewRequest& request, std::ostream& log) {
  if (Status s = request.options.Validate(); !s) return s;
  if (Status s = CheckOutputPath(request.out); !s) return s;
  std::string hand_source = request.hand;
  std::error_code ec;
  if (hand_source.empty() && std::filesystem::is_regular_file(request.input, ec)) {
    // a grasp file names its hand (a shard or anything else: ReadViewContent says what it is)
    if (auto set = ReadGraspFile(request.input); set && set->hand_source != "<builtin>")
      hand_source = set->hand_source;
  }
  auto hand = ResolveHand(hand_source);
  if (!hand) return hand.error();
  auto content = ReadViewContent(request.input, *hand, request.options);
  if (!content) return content.error();
  auto page = ViewerPage(*hand, *content, request.options);
  if (!page) return page.error();
  if (Status s = WriteTextAtomically(request.out, *page); !s) return s;
  int grasps = 0;
  for (const ViewItem& item : content->items) grasps += static_cast<int>(item.grasps.size());
  log << "wrote " << request.out << ": " << content->items.size() << " item(s), " << grasps
      << " grasp(s), " << page->size() / 1024 << " KiB; open it in a browser\n";
  return {};
}

void AddViewCommand(Commands& commands) {
  CLI::App& app = commands.app();
  struct State {
    dexvlg::cli::ViewRequest view_request;
  };
  const auto opt = std::make_shared<State>();
  auto* view = app.add_subcommand(
      "view",
      "Write a web page (three.js, opens from disk) showing grasps on their object, with part "
      "colours, the scene's cloud, a pregrasp/grasp/squeeze slider, captions and simulation "
      "results (docs/view.md)");
  view->add_option("input", opt->view_request.input,
                   "A grasp file (.h5), a dataset shard (.h5), a dataset folder or an eval "
                   "report folder")
      ->required();
  view->add_option("--out", opt->view_request.out, "The page to write (.html)")->required();
  view->add_option("--hand", opt->view_request.hand,
                   "Hand; default: the grasp file's, else built-in");
  view->add_option("--object", opt->view_request.options.object,
                   "Grasp files: the object, if its recorded source moved");
  view->add_option("--max-grasps", opt->view_request.options.max_grasps, "Most grasps per item")
      ->capture_default_str();
  view->add_option("--max-items", opt->view_request.options.max_items, "Most items (pages)")
      ->capture_default_str();
  view->add_option("--steps", opt->view_request.options.steps,
                   "Hand frames from pregrasp to grasp and from grasp to squeeze")
      ->capture_default_str();
  view->add_option("--three", opt->view_request.options.three_dir,
                   "The npm 'three' package folder (default: $DEXVLG_THREE_DIR, else the "
                   "project's web/node_modules/three)");
  commands.On(view, [opt] {
    if (dexvlg::Status s = dexvlg::cli::RunView(opt->view_request, std::cout); !s)
      return Fail(s.error());
    return 0;
  });
}

}  // namespace dexvlg::cli
