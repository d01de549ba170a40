// Part-aware grasp synthesis (DESIGN.md §3): initial palm poses from the target part's box and
// category, batched gradient optimisation of the DexGraspNet 3.0 energy, filters.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "hand/hand_model.h"
#include "object/mesh.h"
#include "synth/energy.h"
#include "synth/object_model.h"

namespace dexvlg {

enum class GraspMode { kWrap, kPinch };

/// Where the palm's contacts go (docs/synth.md "The palm"): kGap keeps them EnergyWeights::
/// palm_gap off the surface at weight EnergyWeights::palm; kTouch pulls them onto it
/// (SynthOptions::touch_palm, gap 0); kAuto touches on the parts PalmTouches picks, except
/// one lying on the synthesis' table (centre less than 4 cm above it: approached from above).
enum class PalmMode { kAuto, kTouch, kGap };
const char* PalmModeName(PalmMode mode);
/// "auto", "touch" or "gap"; false for another name.
bool ParsePalmMode(const std::string& name, PalmMode* mode);

/// A long, thick shaft (a can, a bottle, a cup's or mug's body): half extents h0 >= 1.4 h1 and
/// h1 >= 2.5 cm. On such a part the force-closure LP leans on the palm, and a palm left
/// palm_gap off lets the closing fingers push the free object out of the hand; with the palm
/// on the surface they press it into the palm (measured in docs/synth.md).
bool PalmTouches(const PartInfo& part);
inline constexpr double kPalmTouchElongation = 1.4, kPalmTouchMinHalfWidth = 0.025;

/// Parameters of Synthesize (docs/synth.md).
struct SynthOptions {
  std::string part;  ///< target part name
  GraspMode mode = GraspMode::kWrap;
  int count = 16;        ///< accepted grasps wanted
  int max_attempts = 0;  ///< 0: 16 x count
  unsigned seed = 0;
  int steps = 200;                                ///< optimiser steps per attempt
  int batch = 64;                                 ///< attempts optimised together
  double lr_t = 0.006, lr_r = 0.03, lr_q = 0.05;  ///< Adam step sizes (m, rad, rad)
  EnergyWeights weights;
  double sdf_spacing = 0.004;  ///< object field grid spacing (m)
  int surface_stride = 3;      ///< optimiser uses every n-th hand surface sample (filters: all)
  // filters
  double max_penetration = 0.003;       ///< m, hand into object and object into hand
  double max_self_penetration = 0.003;  ///< m
  double max_contact_distance = 0.005;  ///< m, every mode contact from the surface
  double max_residual = 0.5;            ///< LP force-closure residual P
  /// A table under the object (scene synthesis): a point x is below it when
  /// table->normal . x < table->offset (object frame). Initial poses then approach from above and
  /// grasps whose hand (grasp or pregrasp) reaches below it are rejected ("below the table").
  std::optional<TablePlane> table;
  double squeeze_angle = 1.5;      ///< rad: each contact's finger closes this far for the squeeze
                                   ///< (docs/synth.md)
  double squeeze_force = 0;        ///< N: when > 0, the squeeze is the joint offset
                                   ///< J^T (F f_i c_i) / squeeze_stiffness instead
  double squeeze_stiffness = 5.0;  ///< N m / rad: the actuators' kp (SimParams::kp)
  /// Keep the joints of each tendon coupling with equal coefficients equal (Shadow's J1 = J2)
  /// while optimising, as BODex's grasps have them.
  bool couple_joints = false;
  PalmMode palm = PalmMode::kAuto;
  double touch_palm = 5.0;  ///< w_palm where the palm touches (its gap is then 0)
  /// An error naming the first value out of its range (Synthesize checks it first).
  Status Validate() const;
};

/// One accepted grasp: pose rows [t, quat wxyz, q] in the object frame.
struct Grasp {
  std::vector<double> pregrasp, grasp, squeeze;
  EnergyTerms energy;
  std::vector<Vec3> contact_points;    ///< mode contacts (object frame)
  std::vector<int> contact_parts;      ///< part label of the surface nearest each contact
  std::vector<double> contact_forces;  ///< LP magnitudes
  double penetration = 0, self_penetration = 0;
  int attempt = 0;  ///< attempt index (seeded: reproducible alone)
};

/// What a run did.
struct SynthSummary {
  int attempts = 0, accepted = 0;
  std::map<std::string, int> rejected;  ///< reason -> count
  double seconds = 0;
  double setup_seconds = 0;  ///< object fields and samples, before the first attempt
  long long steps = 0;       ///< optimiser steps over all attempts
  bool palm_touch = false;   ///< the palm was pulled onto the part (PalmMode)
  double mean_energy_start = 0, mean_energy_end = 0;
};

struct SynthResult {
  std::vector<Grasp> grasps;
  std::vector<int> contacts;  ///< the mode's contact candidate indices
  int target_label = 0;
  SynthSummary summary;
};

/// A step after the filters that may move an accepted grasp (its pregrasp, grasp and squeeze
/// rows) or reject it: returns "" to keep it (then its contacts are recomputed and the
/// penetration filter runs again), else the rejection reason. Called from several threads at
/// once (the caller keeps per-thread state).
using GraspRefiner = std::function<std::string(Grasp& grasp)>;

/// Bounding-box diagonals (m) of the objects synthesis takes: a hand grasps nothing smaller,
/// and a larger object (DexGraspNet's normalised meshes are 2.3 m) would take minutes of grid
/// building for nothing.
inline constexpr double kMinGraspableSize = 0.01, kMaxGraspableSize = 1.5;

/// An error that gives the object's size and the fix (`--scale`, `--size MIN:MAX`) when its
/// bounding-box diagonal is outside [kMinGraspableSize, kMaxGraspableSize].
Status CheckGraspableSize(const TriMesh& mesh, const std::string& label);

/// Contact candidate indices of a mode.
const std::vector<int>& ModeContacts(const HandModel& hand, GraspMode mode);
const char* ModeName(GraspMode mode);

/// Synthesises grasps of `object` (a closed mesh with part labels, e.g. a prepared object) on
/// part `options.part`. `progress(done, total)` is called after each batch (may be empty);
/// `refine` (may be empty) runs on every grasp the filters accept, e.g. sim's settling.
/// Builds the object's model (ObjectModel, with options.sdf_spacing and surface samples seeded
/// by options.seed + 1) for this one call: callers that synthesise an object more than once
/// build the model once and use the overload below.
Expected<SynthResult> Synthesize(const HandModel& hand, const LabeledMesh& object,
                                 const SynthOptions& options,
                                 const std::function<void(int, int)>& progress = {},
                                 const GraspRefiner& refine = {});
/// The same on a built object model (its grid spacing must be options.sdf_spacing); nothing of
/// the object is rebuilt but the target part's grid on its first use.
Expected<SynthResult> Synthesize(const HandModel& hand, const ObjectModel& object,
                                 const SynthOptions& options,
                                 const std::function<void(int, int)>& progress = {},
                                 const GraspRefiner& refine = {});

/// Per-thread buffers of OptimisePose (allocate once per thread, reuse for every pose).
struct OptimiserWorkspace {
  OptimiserWorkspace() = default;
  OptimiserWorkspace(const HandModel& hand, const std::vector<int>& contacts);
  KinematicsData data;
  EnergyWorkspace ws;
  std::vector<double> grad, m, v, delta;  ///< gradient, Adam moments, step (dof each)
};

/// The synthesis optimiser on one pose row `x` (in place): `steps` Adam steps of the energy of
/// `coarse` (the hand whose surface samples the energy sees) against `object`, step sizes
/// `lr_t`/`lr_r`/`lr_q` of `options` decaying linearly to 10%, joints clamped to their limits.
/// Returns the energy before the first step and after the last. Leaves w.data holding x's
/// kinematics and w.ws its energy.
std::pair<EnergyTerms, EnergyTerms> OptimisePose(const HandModel& hand, const HandModel& coarse,
                                                 const EnergyObject& object,
                                                 const SynthOptions& options, int steps, double* x,
                                                 OptimiserWorkspace& w);

/// Sets the joints of every tendon coupling with equal coefficients to their mean (within all
/// their limits): `q` holds the hand's nq joint values.
void CoupleJoints(const HandModel& hand, double* q);

/// The palm normal (towards what the hand grasps) in the root frame: the mean normal of the wrap
/// set's palm (root-link) contacts; -y when there are none.
Vec3 PalmNormal(const HandModel& hand);

/// `pose` with its joints moved `open` (0..1) of the way to the rest pose and its root backed
/// `back` metres along the palm normal: how pregrasps are made.
std::vector<double> OpenedPose(const HandModel& hand, const std::vector<double>& pose, double open,
                               double back);

/// The hand with every `stride`-th surface sample of each link: what the optimiser's penetration
/// and self-collision terms see (SynthOptions::surface_stride).
HandModel CoarseSurface(const HandModel& hand, int stride);

/// Initial pose row of attempt `attempt` (deterministic in seed and attempt). On a table the
/// hand comes from above: straight down (tilted up to 0.5 rad) onto a part lower than 4 cm,
/// mirrored from below for a taller one.
std::vector<double> InitialPose(const HandModel& hand, const LabeledMesh& object, int part,
                                GraspMode mode, unsigned seed, int attempt,
                                const TablePlane* table = nullptr);
std::vector<double> InitialPose(const HandModel& hand, const ObjectModel& object, int part,
                                GraspMode mode, unsigned seed, int attempt,
                                const TablePlane* table = nullptr);

/// The lowest hand surface sample along `normal` (its height above the plane through the
/// origin) for a pose row: how far the hand stays above a table.
double LowestAlong(const HandModel& hand, const double* pose, const Vec3& normal);

}  // namespace dexvlg
