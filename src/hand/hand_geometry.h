// Distance queries against the hand's collision primitives, with gradients for the optimiser.
#pragma once

#include <limits>
#include <vector>

#include "core/tri_mesh.h"
#include "hand/hand_model.h"
#include "hand/kinematics.h"

namespace dexvlg {

/// Signed distance (m) from p_G (geom frame) to the geom's surface: negative inside. Exact for
/// sphere, capsule, box, cylinder and convex-hull meshes; a first-order approximation for
/// ellipsoids. `grad_G` (may be null) receives the unit gradient in the geom frame.
double GeomSignedDistance(const CollisionGeom& geom, const Vec3& p_G, Vec3* grad_G);

/// Points covering the geom's surface at about `spacing` metres apart, geom frame, deterministic.
std::vector<Vec3> GeomSurfaceSamples(const CollisionGeom& geom, double spacing);

/// Result of a signed-distance query against the hand.
struct HandDistance {
  double distance = std::numeric_limits<double>::infinity();  ///< m, negative inside the hand
  int link = -1;                                              ///< closest link (-1: none)
  int geom = -1;                                              ///< closest geom
  Vec3 grad_O = Vec3::Zero();  ///< d distance / d p_O, unit, object frame
};

/// Signed distance from p_L (link frame) to link `link`'s geoms: min over the geoms, skipping
/// those whose bounding sphere lies at or beyond `cutoff` (the result is then `cutoff`). `grad_L`
/// (link frame) and `geom` (-1 when every geom was skipped) may be null.
double LinkLocalDistance(const HandModel& model, int link, const Vec3& p_L, Vec3* grad_L,
                         int* geom = nullptr,
                         double cutoff = std::numeric_limits<double>::infinity());

/// Signed distance from world point p_O to link `link` in pose b (min over its geoms).
HandDistance LinkSignedDistance(const HandModel& model, const KinematicsData& data, int b, int link,
                                const Vec3& p_O);

/// Signed distance from world point p_O to the whole hand in pose b (min over all geoms). Geoms
/// farther than `cutoff` are skipped by a bounding-sphere test (the result is then >= cutoff).
HandDistance HandSignedDistance(const HandModel& model, const KinematicsData& data, int b,
                                const Vec3& p_O,
                                double cutoff = std::numeric_limits<double>::infinity());

/// Gradient (dof) of `d`'s distance with respect to the hand pose [t, ω, q] at fixed p_O:
/// moving the closest link by v at p_O changes the distance by -grad_O . v.
void HandDistancePoseGradient(const HandModel& model, const KinematicsData& data, int b,
                              const Vec3& p_O, const HandDistance& d, double* grad);

/// The closest approach between the hand's self-collision pairs in pose b.
struct SelfDistance {
  double distance = std::numeric_limits<double>::infinity();  ///< m, negative when penetrating
  int link_a = -1;  ///< link whose surface point is closest to link_b's geometry
  int link_b = -1;
  int point = -1;  ///< index into model.surface_points
};

/// Closest approach between links la and lb in pose b (surface samples of each against the other).
SelfDistance LinkPairDistance(const HandModel& model, const KinematicsData& data, int b, int la,
                              int lb);

/// Smallest signed distance from the surface samples of one link of each self-collision pair to
/// the other link's geometry (both ways). `grad` (dof, may be null) receives its gradient with
/// respect to the hand pose (only the joints matter; the root columns are zero).
/// With a finite `cutoff`, pairs whose geoms' bounding spheres are all farther apart than
/// `cutoff` are skipped and the result is only exact below `cutoff` (distance >= cutoff,
/// point -1, zero gradient otherwise): the optimiser passes 0, it only needs penetration.
SelfDistance SelfCollisionDistance(const HandModel& model, const KinematicsData& data, int b,
                                   double* grad,
                                   double cutoff = std::numeric_limits<double>::infinity());

}  // namespace dexvlg

namespace dexvlg {

/// Triangle surface of a collision geom in its own frame (`segments` around round shapes), for
/// pictures; convex-hull meshes return their hull.
TriMesh GeomSurface(const CollisionGeom& geom, int segments = 24);

/// The hand's collision surface in pose b, object frame; `face_links` (may be null) receives
/// the link of every face.
TriMesh HandSurface(const HandModel& model, const KinematicsData& data, int b,
                    std::vector<int>* face_links, int segments = 24);

}  // namespace dexvlg
