// End-to-end dataset generation (docs/dataset.md): prepare -> parts -> synth -> validate ->
// caption -> scenes -> store, one shard per object, resumable, shardable across MPI ranks.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/status.h"
#include "dataset/scene.h"
#include "dataset/store.h"
#include "object/object_source.h"
#include "sim/sim.h"

namespace dexvlg {

struct GenerateOptions {
  std::vector<std::string> objects;  ///< object sources (mesh files, folders, procedural specs)
  std::string out;                   ///< dataset folder
  std::string hand;                  ///< hand MJCF or spec ("" = the built-in Shadow Hand)
  std::vector<std::string> modes = {"wrap", "pinch"};
  int count = 16;    ///< accepted (synthesised) grasps per part and mode
  int attempts = 0;  ///< synthesis attempts per part and mode (0: the synthesis default)
  int scenes = 2;    ///< resting poses (scenes) per object
  int settle = 2;    ///< rounds of settling each synthesised grasp in simulation (0: off;
                     ///< sim/settle.h)
  unsigned seed = 0;
  /// Friction coefficient of the synthesis' force-closure LP (EnergyWeights::fc_friction; 0:
  /// normal forces only).
  double fc_friction = 0;
  /// The synthesis' palm contacts: "auto", "touch" or "gap" (PalmMode, docs/synth.md).
  std::string palm = "auto";
  /// Where grasps are synthesised: "scene" (each scene's table in the synthesis) or "free"
  /// (the paper's order: once around the free object per part and mode, each grasp then
  /// assigned to the scene whose table it clears most; docs/dataset.md).
  std::string synth_table = "scene";
  bool pictures = true;      ///< dataset/pictures/<shard>.png of each object's first scene
  ObjectScale object_scale;  ///< every object scaled on loading (`--scale`, `--size`)
  std::vector<std::string> part_names;  ///< when given: every object's part names, in label
                                        ///< order (an object with another part count fails)
  SceneOptions scene;
  SimParams sim;
  /// An error naming the first bad value (counts, scenes, views, points, image size, field of
  /// view, settle rounds, modes, scale, simulation parameters); Generate checks it first.
  Status Validate() const;
};

/// Every option that shapes a shard's content as one line (stored in each shard's
/// `generate_params` attribute; a resume with other parameters is refused). The object list,
/// output folder and pictures are not part of it.
std::string GenerateParamsText(const GenerateOptions& options);

/// Object sources from a folder (every sub-folder's mesh file, or mesh files in it), a text
/// file (one source per line, # comments) or a comma-separated list ("mug:size=1.1,proportion=0.9"
/// stays one spec). In lists, "FAMILY*N" stands for N seeded procedural instances
/// (FAMILY:seed=0 ... N-1) and "procedural*N" for N of every family.
Expected<std::vector<std::string>> ListObjects(const std::string& spec);

/// The shard file name (without folder) of an object source: stable across runs.
std::string ShardName(const std::string& source);

/// One object's line of the summary: its shard's counts and what this run did with it.
struct GenerateRow {
  ShardSummary shard;  ///< file, object, counts, bytes, seconds (object = source on failure)
  std::string status;  ///< "done", "already done", "failed: ..."
};

/// Runs every object assigned to `rank` of `ranks` (object i goes to rank i % ranks), skipping
/// objects whose shard is already finished. `progress(done, total, object)` after each object.
std::vector<GenerateRow> Generate(
    const GenerateOptions& options, int rank, int ranks, std::ostream& log,
    const std::function<void(int, int, const std::string&)>& progress = {});

}  // namespace dexvlg
