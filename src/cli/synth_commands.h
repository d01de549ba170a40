// `dexvlg synth`.
#pragma once

#include <ostream>
#include <string>

#include "core/status.h"
#include "hand/hand_model.h"
#include "object/object_source.h"
#include "synth/synth.h"

namespace dexvlg::cli {

/// Where `dexvlg synth` writes; empty paths are skipped.
struct SynthOutputs {
  std::string grasps;  ///< HDF5 grasp file (docs/grasp_file.md)
  std::string sheet;   ///< PNG contact sheet
  std::string rows;    ///< CSV of 29-value grasp rows with joint names
};

/// Loads OBJECT (prepared folder, mesh file, labelled folder or procedural spec; repaired when
/// not prepared), synthesises grasps with a progress bar on stderr, prints the summary and
/// writes the outputs. Every accepted grasp is settled (sim/settle.h, default protocol, up to
/// `settle` rounds; 0: not settled).
Status RunSynth(const HandModel& hand, const std::string& source, const SynthOptions& options,
                const SynthOutputs& out, std::ostream& log, int settle = 2,
                const ObjectScale& scale = {});

}  // namespace dexvlg::cli
