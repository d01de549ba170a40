// Pictures of synthesised grasps: the hand posed on the object, one view per grasp, tiled.
#pragma once

#include <vector>

#include "hand/hand_model.h"
#include "object/mesh.h"
#include "render/render.h"
#include "synth/synth.h"

namespace dexvlg {

/// The hand's colour in pictures: grey when not simulated, green when the grasp held, red when
/// it failed (the web viewer's colours).
inline Vec3 HandColor(int held = -1) {
  return held < 0 ? Vec3(0.55, 0.55, 0.58) : held ? Vec3(0.30, 0.69, 0.31) : Vec3(0.88, 0.35, 0.31);
}

/// One view of the hand at pose row `pose` on `object`: the target part in its part colour, the
/// rest of the object pale, the hand in `hand_color`; seen from beside the palm so the fingers
/// show.
Image GraspView(const HandModel& hand, const LabeledMesh& object, int target_part,
                const std::vector<double>& pose, int width, int height,
                const Vec3& hand_color = HandColor());

/// Up to `count` grasps (evenly spread over `grasps`), `columns` per row.
Image ContactSheet(const HandModel& hand, const LabeledMesh& object, int target_part,
                   const std::vector<Grasp>& grasps, int count, int columns, int view_width,
                   int view_height);

}  // namespace dexvlg
