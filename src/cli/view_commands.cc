#include "cli/view_commands.h"

#include <filesystem>

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

}  // namespace dexvlg::cli
