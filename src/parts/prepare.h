// `object prepare`: everything later stages need about an object, in one versioned folder.
//
// Folder layout (format "dexvlg-object", version 1; docs/object_format.md):
//   object.json            name, source, scale, bounds, parts (category, box), files, version
//   visual.obj             the input mesh (scaled), vertex colours kept: for rendering
//   watertight.obj         closed, manifold, outward surface: for distances and simulation
//   watertight_labels.txt  one part label per watertight face
//   samples.ply            surface samples (ASCII PLY: x y z nx ny nz label)
//   collision/piece_NN.obj convex collision pieces (the source's own, else HACD)
//   collision/piece_NN.obj convex collision pieces (the source's own, else HACD)
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "object/mesh.h"
#include "object/mesh_sdf.h"
#include "object/object_source.h"
#include "parts/parts.h"
#include "parts/segment.h"

namespace dexvlg {

inline constexpr const char* kObjectFormat = "dexvlg-object";
inline constexpr int kObjectVersion = 1;

/// Options of PrepareObject.
struct PrepareOptions {
  double min_diagonal = 0;  ///< with max_diagonal > 0: rescale so the bounding-box diagonal
  double max_diagonal = 0;  ///< lies in [min, max] m (the paper uses 0.2-0.5); 0: keep metric
  int resolution = 160;     ///< repair voxels along the diagonal
  double adaptivity = 0.3;  ///< repair mesh simplification on flat regions (0: none, 1: most)
  int samples = 2048;       ///< farthest-point surface samples
  unsigned seed = 0;        ///< sampling seed
  int max_pieces = 32;      ///< cap on HACD convex pieces (a source's own pieces are kept)
  /// geometric segmentation (parts/segment.h): "auto" segments inputs without part labels (a
  /// single part), "on" always (replacing labels), "off" never
  std::string segment = "auto";
  std::string name;                     ///< overrides the object's name when not empty
  std::vector<std::string> part_names;  ///< overrides the part names (one per part) when given
};

/// A prepared object in memory.
struct PreparedObject {
  std::string name;
  std::string source;
  double scale = 1.0;      ///< applied to the input coordinates
  TriMesh visual;          ///< the input, scaled
  LabeledMesh watertight;  ///< repaired surface with per-face labels
  SurfaceSamples samples;
  std::vector<int> sample_labels;
  std::vector<TriMesh> pieces;  ///< convex collision pieces, scaled
  std::string pieces_source;    ///< "own" (shipped with the source) or "hacd"
};

/// Scales, repairs, transfers part labels (nearest input face) or segments the repaired surface,
/// applies name overrides, and samples an object.
Expected<PreparedObject> PrepareObject(const LabeledMesh& object, const std::string& source,
                                       const PrepareOptions& options = {});

/// Labels for `target`'s faces: each takes the label of the `source` face nearest its centroid.
std::vector<int> TransferLabels(const LabeledMesh& source, const TriMesh& target);

/// Parts as JSON text (name, label, category, faces, area, box; one line): the "parts" of
/// object.json and of `object info --json`.
std::string PartsJsonText(const std::vector<PartInfo>& parts);

/// Writes the folder (created if needed); files are written to temporaries and renamed, so a
/// killed run never leaves a half-written object.json.
Status WritePrepared(const PreparedObject& object, const std::string& dir);

/// Reads a prepared folder back as a labelled watertight mesh (object.json version checked).
Expected<LabeledMesh> LoadPrepared(const std::string& dir);

/// Reads everything a prepared folder holds: the labelled watertight surface, the visual mesh,
/// the surface samples with their labels and the convex collision pieces (object.json version
/// checked; every file's problem is named). Samples carry no face index (-1).
Expected<PreparedObject> ReadPrepared(const std::string& dir);

/// LoadAnyObject, then, unless it is a prepared folder (already closed), repaired to one closed
/// surface with its labels transferred, as `object prepare` does.
/// `scale` applies as in LoadObject (to a prepared folder's closed surface too).
Expected<LabeledMesh> LoadClosedObject(const std::string& source, const ObjectScale& scale = {});

/// LoadObject (mesh file, part-labelled folder, procedural spec) plus prepared folders.
Expected<LabeledMesh> LoadAnyObject(const std::string& source, const ObjectScale& scale = {});

}  // namespace dexvlg
