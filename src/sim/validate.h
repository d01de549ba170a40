// Validating many grasps against one scene, resumably: the library half of `dexvlg validate`
// (the CLI, the Python bindings and anyone else call it), with the conversion of outcomes into a
// grasp file's sim_* results.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/sim.h"
#include "synth/grasp_file.h"

namespace dexvlg {

/// What ValidateGrasps did.
struct ValidationRun {
  std::vector<SimOutcome> outcomes;  ///< one per grasp, in order
  int resumed = 0;                   ///< grasps read back from the checkpoint, not simulated
};

/// Runs `scene`'s protocol on `count` grasps (pose rows of the scene's hand in its joint order,
/// object frame) with target part `target_part`, several at once (TBB). `checkpoint` ("" for
/// none) is a text file: a header line with the protocol parameters (SimParamsText) and the
/// count, then one JSON line per finished grasp, appended (and flushed) as they finish; a run
/// killed at any moment resumes from it and simulates only what is missing. A header that does
/// not match (other parameters, another count) discards the file. `progress(done, count)` after
/// every chunk of grasps. The caller removes the checkpoint once the results are stored.
Expected<ValidationRun> ValidateGrasps(const SimScene& scene, const std::vector<double>& pregrasp,
                                       const std::vector<double>& grasp,
                                       const std::vector<double>& squeeze, int count,
                                       int target_part, const std::string& checkpoint,
                                       const std::function<void(int, int)>& progress = {});

/// The outcomes as a grasp file's sim_* results (WriteValidation), with `params` (SimParamsText).
GraspValidation ToValidation(const std::vector<SimOutcome>& outcomes, const std::string& params);

}  // namespace dexvlg
