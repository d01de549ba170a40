// Physics validation in MuJoCo (DESIGN.md §3, docs/sim.md): the DexGraspBench protocol (six
// external-force directions) plus the DexVLG checks (penetration, self-penetration, part
// alignment), and captions from the contacts made.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "hand/hand_model.h"
#include "object/mesh.h"
#include "object/mesh_sdf.h"

namespace dexvlg::sim_detail {
struct Model;  // MuJoCo's compiled scene and the ids dexvlg drives it by (sim.cc)
struct Data;   // MuJoCo's per-thread state (sim.cc)
}  // namespace dexvlg::sim_detail

namespace dexvlg {

/// Every parameter of the protocol (docs/sim.md gives each value's source). The defaults are
/// DexGraspBench's (JYChen18/DexGraspBench, main: config/task/eval.yaml, src/util/hand_util.py,
/// src/task/eval_func/fc_mocap.py, assets/hand/shadow/right_hand.xml); the DexVLG checks
/// (penetration, self-penetration, part alignment) are reported beside them.
struct SimParams {
  // the object
  double object_mass = 0.1;  ///< kg
  double friction = 0.6;     ///< tangential, every geom
  double torsional = 0.02;   ///< torsional friction (condim 4, elliptic cones)
  // the contact solver
  double impratio = 10;       ///< frictional-to-normal impedance ratio (stiff friction)
  int noslip_iterations = 2;  ///< MuJoCo's no-slip post-solver passes (0: off)
  double timestep = 0.004;    ///< s
  bool implicit = true;  ///< MuJoCo 2.2.2's `implicit` integrator (DexGraspBench: implicitfast,
                         ///< which 2.2.2 lacks; both integrate damping implicitly); false: Euler
  std::array<double, 2> hand_solref{0.005, 1};           ///< every hand geom
  std::array<double, 3> hand_solimp{0.5, 0.99, 0.0001};  ///< every hand geom
  // the hand: a free root welded to a mocap body, position actuators
  std::array<double, 5> weld_solimp{0.9, 0.95, 0.001, 0.5, 2};  ///< root-to-mocap weld
  double kp = 5.0;              ///< actuator position gain (N m / rad)
  double force_limit = 3.0;     ///< actuator force range +- (N m)
  double joint_damping = 0.05;  ///< N m s / rad
  double armature = 0.0002;     ///< kg m^2
  double frictionloss = 0.01;   ///< N m
  bool couplings = true;        ///< the hand's tendon couplings drive their joints together
                                ///< (Shadow: J1 + J2 of a finger on one actuator)
  // the motion: reset at the pregrasp, pregrasp -> grasp, grasp -> squeeze
  int waypoints = 10;  ///< interpolated targets per motion (palm and fingers together)
  int substeps = 10;   ///< simulation steps per waypoint
  double max_pregrasp_penetration = 0.01;  ///< m: a pregrasp deeper in collision fails
  // the six external forces
  double force_per_kg = 10;       ///< external force = force_per_kg x mass (N), gravity off
  double force_time = 2.0;        ///< s per direction
  int force_checks = 10;          ///< the object's pose is judged this often per direction
  double max_translation = 0.05;  ///< m from the pose at reset: fail at or beyond
  double max_rotation_deg = 15;   ///< degrees from the pose at reset: fail at or beyond
  // the DexVLG checks, reported beside success
  double max_penetration = 0.003;       ///< m, hand-object, exact, at the placed grasp pose
  double max_self_penetration = 0.003;  ///< m, hand-hand (MuJoCo contacts at the grasp pose)
  // speed without changing the outcome
  double box_cell = 0.02;     ///< m: hand boxes are tiled into cells this size (0: not tiled)
  bool early_exit = true;     ///< stop at the first failing direction (the rest: not run)
  double settle_time = 0.2;   ///< s: a direction holds once the object has stayed settled this
                              ///< long under the force (0: always the full force_time)
  double settle_margin = 4;   ///< settled: moving on at settle_margin x its present speeds for
                              ///< the rest of force_time, the object would stay within limits
  bool reuse_closing = true;  ///< each direction restores the saved post-squeeze state instead
                              ///< of closing the hand again (same result: deterministic)
  // variants, never the default
  bool pin_object_while_closing = false;  ///< LENIENT: object pinned during approach and squeeze
  bool table = false;  ///< table-top lift variant: gravity on, the object on a table, the hand
                       ///< lifts it instead of the six force directions (result in held[4])
  double lift_height = 0.10;  ///< m, table variant
  double lift_time = 1.0;     ///< s to lift, then the same time holding it up
  /// An error naming the first bad value: every number finite and >= 0; mass, timestep (at
  /// most 0.05 s), kp, force limit, force time, limits and step counts > 0. SimScene::Build
  /// checks it.
  Status Validate() const;
};

/// The parameters as one line "name=value,...", every field (stored with results, compared on
/// resume).
std::string SimParamsText(const SimParams& params);
/// Parses SimParamsText's line (names it does not know, or bad values: an error).
Expected<SimParams> ParseSimParams(const std::string& text);

/// The six force directions, in order: +x, -x, +y, -y, +z, -z (object frame).
inline constexpr int kDirections = 6;
const char* DirectionName(int direction);

/// What one grasp did in simulation.
struct SimOutcome {
  bool success = false;  ///< the DexGraspBench protocol: a clear pregrasp and all six held
  bool valid = false;    ///< success and the DexVLG checks: penetration, self-penetration,
                         ///< some contact, part alignment (what a dataset keeps)
  std::string reason;    ///< "" when valid, else the first failed check
  std::array<int, kDirections> held{};                            ///< 1 held, 0 failed, -1 not run
  std::array<double, kDirections> translation{}, rotation_deg{};  ///< at the end (or failure)
  double closing_translation = 0;   ///< m the object moved while the hand closed (no force yet)
  double closing_rotation_deg = 0;  ///< degrees it turned while the hand closed
  double pregrasp_penetration = 0;  ///< m, deepest MuJoCo contact at the pregrasp (reset)
  double penetration = 0;           ///< m, exact hand-object depth at the placed grasp pose
  double self_penetration = 0;      ///< m, deepest hand-hand MuJoCo contact at the grasp pose
  bool part_aligned = false;        ///< every hand-object contact is nearest the target part
  std::vector<int> contact_links;   ///< hand links touching the object after the squeeze
  std::string caption;              ///< "Grasp the {part} of the {object} object, with ..."
};

/// A grasp re-expressed where the object comes to rest in the closed hand (SimScene::Settle).
struct SettledGrasp {
  std::string reason;                            ///< "" when settled, else why not
  std::vector<double> pregrasp, grasp, squeeze;  ///< pose rows in the object frame
  double moved = 0;                              ///< m the object moved while the hand closed
  double turned_deg = 0;                         ///< degrees it turned
  std::vector<int> contact_links;                ///< hand links on the object at rest
};

/// Per-thread simulation state (MuJoCo's data and a saved copy), made by SimScene::MakeWorker.
class SimWorker {
 public:
  SimWorker();
  SimWorker(SimWorker&&) noexcept;
  SimWorker& operator=(SimWorker&&) noexcept;
  ~SimWorker();

 private:
  friend class SimScene;
  std::unique_ptr<sim_detail::Data> data_;
};

/// A hand and one object compiled once into a MuJoCo model (the hand written from the
/// HandModel, its root a free body welded to a mocap body, one position actuator per joint or
/// per tendon coupling; the object a free body of convex pieces with the mass and inertia of its
/// closed surface), reused across grasps by resetting state. The scene keeps its own copies of
/// the hand and the object: the arguments of Build need not outlive it.
class SimScene {
 public:
  static Expected<SimScene> Build(const HandModel& hand, const LabeledMesh& object,
                                  const std::vector<TriMesh>& pieces, const SimParams& params);
  SimScene(SimScene&&) noexcept;
  SimScene& operator=(SimScene&&) noexcept;
  ~SimScene();

  SimWorker MakeWorker() const;
  /// Runs the protocol for one grasp (pose rows of the hand in the object frame; rows of
  /// another length than the hand's pose size fail with that reason, nothing simulated).
  SimOutcome Run(const std::vector<double>& pregrasp, const std::vector<double>& grasp,
                 const std::vector<double>& squeeze, int target_part, SimWorker& worker) const;
  /// Runs only the force phase with the hand parked far from the object: how far an
  /// unheld object moves in each direction (the protocol's force really acts).
  std::array<double, kDirections> UnheldTranslation(SimWorker& worker) const;
  /// Closes the hand on the free object (the protocol's pregrasp -> grasp -> squeeze, then
  /// `hold` s more at the squeeze) and re-expresses the grasp where the object came to rest in
  /// the hand: the grasp row is the hand's root and joints at rest relative to the object, the
  /// squeeze keeps its joint targets (so the same forces hold the object), the pregrasp is the
  /// first clear opening of the new grasp. Replayed, the fingers reach the object where it
  /// balances instead of pushing it there. `gentle` > 1 starts at the grasp itself and squeezes
  /// that many times slower (a first guess of where the object balances). Fails when the pregrasp
  /// is in collision, the hand lost the object or the object does not come to rest.
  SettledGrasp Settle(const std::vector<double>& pregrasp, const std::vector<double>& grasp,
                      const std::vector<double>& squeeze, SimWorker& worker, int gentle = 1,
                      double hold = 0.2) const;

  const std::string& mjcf() const { return mjcf_; }
  const HandModel& hand() const { return *hand_; }
  const LabeledMesh& object() const { return *object_; }
  const SimParams& params() const { return params_; }

 private:
  SimScene();
  /// "" when all three rows have the hand's pose size, else what is wrong.
  std::string RowSizes(const std::vector<double>& a, const std::vector<double>& b,
                       const std::vector<double>& c) const;
  // the scene owns copies of what it simulates: nothing a caller passed must outlive the call
  std::shared_ptr<const HandModel> hand_;
  std::shared_ptr<const LabeledMesh> object_;
  SimParams params_;
  std::string mjcf_;
  std::unique_ptr<sim_detail::Model> mj_;
  std::unique_ptr<MeshSdf> sdf_;  ///< nearest part of a contact point, exact penetration
  std::vector<Vec3> samples_;     ///< object surface samples (exact penetration into the hand)
};

/// A rigid placement of an object: x_scene = R x_object + t.
struct Placement {
  Mat3 R = Mat3::Identity();
  Vec3 t = Vec3::Zero();
};

/// Stable resting poses of `object` on a table whose top is z = 0: the object (free body of
/// `pieces`, `params.object_mass`, `params.friction`) is dropped in MuJoCo with gravity from
/// seeded random orientations and left to settle; poses resting on the same side (the table's
/// normal within 15 degrees in the object frame) count once. Each is centred on x = y = 0.
/// Returns up to `count` poses (at least one), the first the most often found.
Expected<std::vector<Placement>> RestingPoses(const LabeledMesh& object,
                                              const std::vector<TriMesh>& pieces, int count,
                                              unsigned seed, const SimParams& params = {});

/// "Grasp the {part} of the {object} object, with contacts on {fingers}".
std::string Caption(const HandModel& hand, const std::string& part, const std::string& object,
                    const std::vector<int>& contact_links);

}  // namespace dexvlg
