// The web viewer (docs/view.md): one self-contained HTML page (three.js inlined from the npm
// package that scripts/setup.sh installs) showing objects with their part colours, a scene's
// point cloud, and the hand at pregrasp -> grasp -> squeeze on a slider, grasp by grasp, with
// the caption and the simulation result. `dexvlg view` writes it for a grasp file, a dataset or
// an eval report; `dexvlg serve` answers POST /view with it for predicted grasps.
#pragma once

#include <string>
#include <vector>

#include "core/rotation.h"
#include "core/status.h"
#include "hand/hand_model.h"
#include "object/mesh.h"

namespace dexvlg {

/// One grasp as the viewer shows it; pose rows in the item's frame, joints in the hand's order.
struct ViewGrasp {
  std::vector<double> pregrasp, grasp, squeeze;
  std::string caption;  ///< the instruction or caption
  std::string result;   ///< in words: "held", a failure reason, "not simulated"
  int held = -1;        ///< 1 held, 0 failed, -1 not simulated
};

/// One page of the viewer: an object (or only a cloud) and its grasps, in one frame.
struct ViewItem {
  std::string title;
  int object = -1;                ///< index into ViewContent::objects; -1: none
  Mat3 R = Mat3::Identity();      ///< object frame -> item frame
  Vec3 t = Vec3::Zero();          ///<
  bool table = false;             ///< draw the table top (z = 0)
  std::vector<float> points;      ///< N x 3 point cloud, item frame (may be empty)
  std::vector<uint8_t> colors;    ///< N x 3 RGB (empty: grey)
  std::vector<ViewGrasp> grasps;  ///<
};

struct ViewContent {
  std::string title;
  std::vector<LabeledMesh> objects;
  std::vector<ViewItem> items;
};

struct ViewOptions {
  int max_grasps = 64;      ///< per item (evenly spread over the item's grasps)
  int max_items = 48;       ///< pages of the viewer
  int steps = 5;            ///< hand frames between pregrasp and grasp, and grasp and squeeze
  std::string three_dir;    ///< the three.js npm package ("" = ThreeDir())
  std::string object;       ///< grasp files: the object to load instead of the recorded one
  Status Validate() const;  ///< counts in range
};

/// Where three.js is looked for by default: $DEXVLG_THREE_DIR, else the project's
/// web/node_modules/three (installed by scripts/setup.sh).
std::string ThreeDir();

/// What `path` holds, ready to show: a grasp file (its object from the recorded source, its
/// validation results when it has them), a dataset folder (per object every grasp in the object
/// frame, then each scene on its table with a view's cloud and the grasps made for it), or an
/// eval report folder (per object and instruction the scene view's cloud and the predicted
/// grasps with their outcomes). Errors name the path and what is wrong with it.
Expected<ViewContent> ReadViewContent(const std::string& path, const HandModel& hand,
                                      const ViewOptions& options);

/// The viewer page for `content`. Errors when three.js is missing (naming where it was looked
/// for and how to install it) or a grasp row does not fit the hand.
Expected<std::string> ViewerPage(const HandModel& hand, const ViewContent& content,
                                 const ViewOptions& options);

}  // namespace dexvlg
