// Table-top RGB-D scenes (DESIGN.md §3 "Scenes", docs/dataset.md): an object at a resting pose
// on a table, 8 RealSense D415-like cameras around it, Embree colour and depth with the D415's
// depth noise, back-projected to single-view coloured point clouds with per-point part labels.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hand/hand_model.h"
#include "object/mesh.h"
#include "object/object_source.h"
#include "render/render.h"
#include "sim/sim.h"

namespace dexvlg {

/// Everything that shapes a scene; defaults after the D415 (1280 x 720 depth, about 65 x 40
/// degrees field of view, 55 mm stereo baseline).
struct SceneOptions {
  int cameras = 8;             ///< around the object, evenly in azimuth
  int width = 1280;            ///< pixels
  int height = 720;            ///< pixels
  double fov_y_deg = 39.4;     ///< vertical field of view (65 degrees horizontal at 16:9)
  double elevation_deg = 40;   ///< cameras look down at this angle
  double min_distance = 0.45;  ///< m, camera to object centre (at least; farther for big objects)
  double baseline = 0.055;     ///< m, stereo baseline of the depth noise model
  double subpixel = 0.08;      ///< disparity noise (pixels, 1 sigma)
  double depth_unit = 0.0001;  ///< m, depth quantisation
  int points = 10000;          ///< per view after downsampling
  double crop_margin = 0.02;   ///< m: keep table points within the object's footprint + this
};

/// One camera's view.
struct SceneView {
  Camera camera;
  double fx = 0, fy = 0, cx = 0, cy = 0;  ///< pinhole intrinsics (pixels)
  Mat3 R_wc = Mat3::Identity();           ///< camera -> world rotation (x right, y down, z fwd)
  Vec3 t_wc = Vec3::Zero();               ///< camera centre in the world
  std::vector<float> points;              ///< N x 3, world (table) frame, m
  std::vector<uint8_t> colors;            ///< N x 3 RGB
  std::vector<int8_t> labels;             ///< N: part label, -1 for the table
  RgbdFrame frame;                        ///< the rendered frame (kept only when asked)
};

/// An object resting on the table (top at z = 0) seen from every camera.
struct Scene {
  Placement placement;  ///< object frame -> table frame
  std::vector<SceneView> views;
};

/// Renders the scene. `appearance` is the mesh drawn (the raw scan with its texture when there
/// is one) with one colour per face; part labels come from the nearest face of `object`, in the
/// object frame. `keep_frames` keeps each view's rendered frame (for pictures).
Scene MakeScene(const LabeledMesh& object, const TriMesh& appearance,
                const std::vector<Vec3>& appearance_colors, const Placement& placement,
                const SceneOptions& options, unsigned seed, bool keep_frames = false);

/// A pose row moved by a placement (root translated and rotated; joints unchanged).
std::vector<double> PlacePose(const std::vector<double>& row, const Placement& placement);

/// Whether the hand at `row` (table frame) stays above the table top (z >= -tolerance) at every
/// surface sample.
bool HandAboveTable(const HandModel& hand, const std::vector<double>& row, double tolerance = 0.0);

/// A colour chosen by a name's hash (stable across runs; hue, grey level and strength vary, from
/// muted to vivid): how objects without a texture are drawn, one colour per object source, never
/// in part colours (a model would read the labels off the points).
Vec3 PlainColor(const std::string& name);

/// What a camera sees of an object: the raw scan with its texture or vertex colours when it has
/// them, else the closed mesh in one PlainColor of the source (never part colours).
struct Appearance {
  TriMesh mesh;
  std::vector<Vec3> colors;  ///< one per face
};
Appearance ObjectAppearance(const std::string& source, const LabeledMesh& object,
                            const ObjectScale& scale);

/// A picture of a scene's views: colour on top, depth (near = bright) below, tiled.
Image ScenePicture(const Scene& scene, int columns);

}  // namespace dexvlg
