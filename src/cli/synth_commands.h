// `dexvlg synth`.
#pragma once

#include <ostream>
#include <string>

#include "core/status.h"
#include "hand/hand_model.h"
#include "synth/synth.h"

namespace dexvlg::cli {

/// Loads OBJECT (prepared folder, mesh file, labelled folder or procedural spec; repaired when
/// not prepared), synthesises grasps with a progress bar on stderr, prints the summary and
/// writes `out` (HDF5, docs/grasp_file.md) when not empty.
Status RunSynth(const HandModel& hand, const std::string& source, const SynthOptions& options,
                const std::string& out, std::ostream& log);

}  // namespace dexvlg::cli
