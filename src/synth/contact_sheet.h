// Pictures of synthesised grasps: the hand posed on the object, one view per grasp, tiled.
#pragma once

#include <vector>

#include "hand/hand_model.h"
#include "object/mesh.h"
#include "render/render.h"
#include "synth/synth.h"

namespace dexvlg {

/// One view of the hand at pose row `pose` on `object`: the target part in its part colour, the
/// rest of the object pale, the hand grey; seen from beside the palm so the fingers show.
Image GraspView(const HandModel& hand, const LabeledMesh& object, int target_part,
                const std::vector<double>& pose, int width, int height);

/// Up to `count` grasps (evenly spread over `grasps`), `columns` per row.
Image ContactSheet(const HandModel& hand, const LabeledMesh& object, int target_part,
                   const std::vector<Grasp>& grasps, int count, int columns, int view_width,
                   int view_height);

}  // namespace dexvlg
