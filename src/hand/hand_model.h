// The immutable hand model: kinematic tree, joints, collision primitives and the hand spec.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "core/rotation.h"

namespace dexvlg {

/// Joint kinds a hand may use. Ball and free joints inside the hand are rejected at load time.
enum class JointType { kHinge, kSlide };

/// One joint. Joint i moves link `link` relative to its parent; q index == joint index.
struct Joint {
  std::string name;
  JointType type = JointType::kHinge;
  int link = -1;                ///< index of the link this joint moves
  Vec3 axis_L = Vec3::UnitZ();  ///< unit axis, link frame
  Vec3 pos_L = Vec3::Zero();    ///< anchor point, link frame (m)
  bool limited = false;         ///< false: range is (-inf, inf)
  double lower = 0, upper = 0;  ///< joint range (rad or m)
  double ref = 0;               ///< joint value at which the link sits at its model pose
};

/// Collision primitive shapes (MuJoCo's geom types that a hand uses).
enum class GeomType { kSphere, kCapsule, kBox, kCylinder, kEllipsoid, kMesh };

/// A collision primitive fixed to a link. `size` follows MuJoCo: sphere (r), capsule (r, half
/// length of the segment along z), box (half extents), cylinder (r, half height), ellipsoid
/// (radii). Meshes are represented by their convex hull (as MuJoCo collides them).
struct CollisionGeom {
  std::string name;
  GeomType type = GeomType::kSphere;
  int link = -1;
  Mat3 R_LG = Mat3::Identity();  ///< geom frame in the link frame
  Vec3 p_LG = Vec3::Zero();
  Vec3 size = Vec3::Zero();
  std::vector<Vec3> hull_vertices;             ///< kMesh: hull vertices, geom frame
  std::vector<std::array<int, 3>> hull_faces;  ///< kMesh: outward-oriented triangles
  std::vector<Eigen::Vector4d> hull_planes;    ///< kMesh: (n, d), n.x <= d inside
  double bounding_radius = 0;                  ///< max distance of the surface from p_LG
};

/// One rigid link of the hand (an MJCF body of the root's subtree).
struct Link {
  std::string name;
  int parent = -1;               ///< parent link, -1 for the root
  Mat3 R_PL = Mat3::Identity();  ///< model pose in the parent link frame
  Vec3 p_PL = Vec3::Zero();
  int first_joint = 0;  ///< joints [first_joint, first_joint + num_joints) move this link
  int num_joints = 0;
  std::vector<int> geoms;         ///< collision geoms on this link
  double radius = 0;              ///< bounding sphere of the geoms about the link origin (m)
  std::vector<int> chain_joints;  ///< every joint that moves this link, root to leaf
};

/// A linear joint coupling from the MJCF (a fixed tendon, e.g. Shadow's J0 = J1 + J2, or a joint
/// equality constraint). Recorded for actuation and simulation; FK treats joints as independent.
struct JointCoupling {
  std::string name;
  std::string kind;  ///< "tendon" or "equality"
  std::vector<int> joints;
  std::vector<double> coefs;
};

/// One actuator of the hand: the joints it drives with their coefficients (a tendon coupling:
/// its control is sum coef_j q_j and its force acts on each joint times coef_j).
using ActuatorChannel = std::vector<std::pair<int, double>>;

/// A point on a link where the hand may touch an object, with the outward contact normal.
struct ContactCandidate {
  std::string name;
  int link = -1;
  Vec3 p_L = Vec3::Zero();   ///< link frame (m)
  Vec3 n_L = Vec3::UnitZ();  ///< unit outward normal, link frame
};

/// A point rigidly attached to a link.
struct LinkPoint {
  int link = -1;
  Vec3 p_L = Vec3::Zero();
};

/// The hand: built once by LoadHand / DefaultHand, then shared read-only by all threads.
struct HandModel {
  std::string name;
  std::string mjcf_path;    ///< where it was loaded from ("<builtin>" for the default hand)
  std::string spec_path;    ///< spec file, "<builtin>" or "<derived>"
  std::vector<Link> links;  ///< topological order: parent index < child index; links[0] is the root
  /// The root link's pose in its MJCF's world frame (bodies above it at their reference pose):
  /// tools that pose the whole MJCF model (DexGraspBench attaches the file's worldbody to a free
  /// joint) place the root there. Identity when the root sits at the file's origin.
  Mat3 model_R_root = Mat3::Identity();
  Vec3 model_p_root = Vec3::Zero();
  std::vector<Joint> joints;
  std::vector<CollisionGeom> geoms;
  std::vector<JointCoupling> couplings;
  std::vector<ContactCandidate> contacts;
  std::vector<int> wrap;   ///< contact indices of the wrap set (5 fingertips + 2 palm points)
  std::vector<int> pinch;  ///< contact indices of the pinch set (thumb, index, middle, palm)
  std::vector<LinkPoint> surface_points;           ///< samples of each link's collision surface
  std::vector<std::pair<int, int>> surface_range;  ///< per link: [begin, end) into surface_points
  std::vector<std::pair<int, int>> self_pairs;     ///< link pairs checked for self-collision

  int num_links() const { return static_cast<int>(links.size()); }
  int nq() const { return static_cast<int>(joints.size()); }
  /// Length of one pose row [t(3), quat wxyz(4), q(nq)]: 29 for a 22-joint hand.
  int pose_size() const { return 7 + nq(); }
  /// Columns of a point Jacobian: [translation(3), rotation(3), joints(nq)].
  int dof() const { return 6 + nq(); }
  int LinkIndex(const std::string& link_name) const;    ///< -1 when absent
  int JointIndex(const std::string& joint_name) const;  ///< -1 when absent
  int ContactIndex(const std::string& contact_name) const;
  /// Mid-range joint vector (0 for unlimited joints), clamped into the limits.
  std::vector<double> MidJoints() const;
  /// Joint vector at the model pose (every joint at its `ref`, clamped into the limits).
  std::vector<double> RestJoints() const;
  /// The hand's actuators: one per tendon coupling (when `couplings`) and one per joint no such
  /// tendon drives (Shadow: 18, J1 + J2 of each finger on one).
  std::vector<ActuatorChannel> Channels(bool couplings = true) const;
};

/// The finger a link belongs to ("thumb", "index", "middle", "ring", "little", "palm" or the
/// first link of its chain), from its and its chain's link names: the one finger naming of
/// captions and of the spec derivation.
std::string FingerOfLink(const HandModel& hand, int link);

}  // namespace dexvlg
