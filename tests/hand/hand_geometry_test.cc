// Distance queries against brute force and finite differences.
#include "hand/hand_geometry.h"

#include <gtest/gtest.h>

#include "hand/hand_loader.h"
#include "test_util.h"

namespace dexvlg {
namespace {

using RowMat3 = Eigen::Matrix<double, 3, 3, Eigen::RowMajor>;

CollisionGeom MakeGeom(GeomType type, Vec3 size) {
  CollisionGeom g;
  g.type = type;
  g.size = size;
  return g;
}

// Independent inside tests for the exact primitives.
bool Inside(const CollisionGeom& g, const Vec3& p) {
  switch (g.type) {
    case GeomType::kSphere:
      return p.norm() < g.size[0];
    case GeomType::kCapsule:
      return (p - Vec3(0, 0, std::clamp(p.z(), -g.size[1], g.size[1]))).norm() < g.size[0];
    case GeomType::kBox:
    case GeomType::kMesh:
      return (p.cwiseAbs() - g.size).maxCoeff() < 0;
    case GeomType::kCylinder:
      return std::hypot(p.x(), p.y()) < g.size[0] && std::abs(p.z()) < g.size[1];
    case GeomType::kEllipsoid:
      return p.cwiseQuotient(g.size).norm() < 1;
  }
  return false;
}

// The box [-h, h]^3 as a convex-hull mesh geom (12 triangles), so the hull path can be compared
// with the analytic box.
CollisionGeom CubeMesh(const Vec3& h) {
  CollisionGeom g = MakeGeom(GeomType::kMesh, h);
  for (int i = 0; i < 8; ++i) {
    g.hull_vertices.emplace_back(i & 1 ? h.x() : -h.x(), i & 2 ? h.y() : -h.y(),
                                 i & 4 ? h.z() : -h.z());
  }
  const int quads[6][4] = {{0, 2, 3, 1}, {4, 5, 7, 6}, {0, 1, 5, 4},
                           {2, 6, 7, 3}, {0, 4, 6, 2}, {1, 3, 7, 5}};
  for (const auto& q : quads) {
    for (const auto& tri :
         {std::array<int, 3>{q[0], q[1], q[2]}, std::array<int, 3>{q[0], q[2], q[3]}}) {
      const Vec3 a = g.hull_vertices[tri[0]], b = g.hull_vertices[tri[1]],
                 c = g.hull_vertices[tri[2]];
      Vec3 n = (b - a).cross(c - a).normalized();
      std::array<int, 3> t = tri;
      if (n.dot(a) < 0) {
        n = -n;
        std::swap(t[1], t[2]);
      }
      g.hull_faces.push_back(t);
      g.hull_planes.emplace_back(n.x(), n.y(), n.z(), n.dot(a));
    }
  }
  return g;
}

TEST(GeomDistanceTest, ExactPrimitivesMatchBruteForce) {
  const std::vector<CollisionGeom> geoms = {
      MakeGeom(GeomType::kSphere, Vec3(0.012, 0, 0)),
      MakeGeom(GeomType::kCapsule, Vec3(0.009, 0.02, 0)),
      MakeGeom(GeomType::kBox, Vec3(0.03, 0.01, 0.045)),
      MakeGeom(GeomType::kCylinder, Vec3(0.01, 0.015, 0)),
      CubeMesh(Vec3(0.02, 0.015, 0.01)),
  };
  std::mt19937 rng(17);
  for (const CollisionGeom& g : geoms) {
    const double spacing = 0.0005;
    const std::vector<Vec3> surface = GeomSurfaceSamples(g, spacing);
    ASSERT_GT(surface.size(), 100u);
    // samples lie on the surface
    for (size_t i = 0; i < surface.size(); i += 7) {
      EXPECT_NEAR(GeomSignedDistance(g, surface[i], nullptr), 0, 1e-12);
    }
    std::uniform_real_distribution<double> u(-0.06, 0.06);
    for (int t = 0; t < 300; ++t) {
      const Vec3 p(u(rng), u(rng), u(rng));
      double brute = std::numeric_limits<double>::infinity();
      for (const Vec3& s : surface) brute = std::min(brute, (p - s).norm());
      const double d = GeomSignedDistance(g, p, nullptr);
      EXPECT_EQ(d < 0, Inside(g, p)) << "type " << int(g.type) << " at " << p.transpose();
      // the exact distance is below the nearest sample and within the sample spacing of it
      EXPECT_LE(std::abs(d), brute + 1e-12);
      EXPECT_GE(std::abs(d), brute - spacing);
    }
  }
}

TEST(GeomDistanceTest, HullMeshEqualsAnalyticBox) {
  const Vec3 h(0.02, 0.015, 0.01);
  const CollisionGeom box = MakeGeom(GeomType::kBox, h), mesh = CubeMesh(h);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-0.05, 0.05);
  for (int t = 0; t < 500; ++t) {
    const Vec3 p(u(rng), u(rng), u(rng));
    Vec3 gb, gm;
    EXPECT_NEAR(GeomSignedDistance(box, p, &gb), GeomSignedDistance(mesh, p, &gm), 1e-12);
    EXPECT_NEAR((gb - gm).norm(), 0, 1e-9);
  }
}

TEST(GeomDistanceTest, GradientsMatchFiniteDifferences) {
  const std::vector<CollisionGeom> geoms = {MakeGeom(GeomType::kSphere, Vec3(0.012, 0, 0)),
                                            MakeGeom(GeomType::kCapsule, Vec3(0.009, 0.02, 0)),
                                            MakeGeom(GeomType::kBox, Vec3(0.03, 0.01, 0.045)),
                                            MakeGeom(GeomType::kCylinder, Vec3(0.01, 0.015, 0)),
                                            MakeGeom(GeomType::kEllipsoid, Vec3(0.02, 0.01, 0.03)),
                                            CubeMesh(Vec3(0.02, 0.015, 0.01))};
  std::mt19937 rng(23);
  std::uniform_real_distribution<double> u(-0.06, 0.06);
  const double eps = 1e-7;
  int checked = 0;
  for (const CollisionGeom& g : geoms) {
    for (int t = 0; t < 200; ++t) {
      const Vec3 p(u(rng), u(rng), u(rng));
      Vec3 grad;
      GeomSignedDistance(g, p, &grad);
      Vec3 fd;
      for (int i = 0; i < 3; ++i) {
        Vec3 dp = Vec3::Zero();
        dp[i] = eps;
        fd[i] = (GeomSignedDistance(g, p + dp, nullptr) - GeomSignedDistance(g, p - dp, nullptr)) /
                (2 * eps);
      }
      // skip points within eps of a medial surface, where the distance has a kink
      if (std::abs(fd.norm() - 1) > 1e-4 && g.type != GeomType::kEllipsoid) continue;
      EXPECT_NEAR((grad - fd).norm(), 0, 1e-5) << "type " << int(g.type);
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

// Distance from world point p to geom gi in pose b, with no culling: the brute-force reference.
double GeomWorldDistance(const HandModel& hand, const KinematicsData& data, int b, int gi,
                         const Vec3& p) {
  const CollisionGeom& g = hand.geoms[gi];
  const Eigen::Map<const RowMat3> R(data.R(b, g.link));
  const Vec3 p_L = R.transpose() * (p - Eigen::Map<const Vec3>(data.p(b, g.link)));
  return GeomSignedDistance(g, g.R_LG.transpose() * (p_L - g.p_LG), nullptr);
}

struct Posed {
  const HandModel& hand = DefaultHand();
  std::vector<double> poses;
  KinematicsData data;
  explicit Posed(int count, unsigned seed)
      : poses(testing::RandomPoses(hand, count, seed)), data(hand, count) {
    ForwardKinematics(hand, poses.data(), 0, count, data);
  }
};

TEST(HandDistanceTest, MatchesBruteForceOverAllGeoms) {
  Posed posed(20, 4);
  const HandModel& hand = posed.hand;
  std::mt19937 rng(8);
  std::normal_distribution<double> n(0, 0.03);
  for (int b = 0; b < 20; ++b) {
    for (int t = 0; t < 100; ++t) {
      // probe near a random link origin so many queries are close to or inside the hand
      const int l = t % hand.num_links();
      const Vec3 p = Eigen::Map<const Vec3>(posed.data.p(b, l)) + Vec3(n(rng), n(rng), n(rng));
      double brute = std::numeric_limits<double>::infinity();
      for (int gi = 0; gi < static_cast<int>(hand.geoms.size()); ++gi) {
        brute = std::min(brute, GeomWorldDistance(hand, posed.data, b, gi, p));
      }
      EXPECT_NEAR(HandSignedDistance(hand, posed.data, b, p).distance, brute, 1e-12);
      // with a cutoff, distances below it are unchanged
      const HandDistance cut = HandSignedDistance(hand, posed.data, b, p, 0.01);
      if (brute < 0.01)
        EXPECT_NEAR(cut.distance, brute, 1e-12);
      else
        EXPECT_GE(cut.distance, 0.01 - 1e-12);
    }
  }
}

TEST(HandDistanceTest, PoseGradientMatchesFiniteDifferences) {
  Posed posed(10, 6);
  const HandModel& hand = posed.hand;
  std::vector<double> grad(hand.dof());
  KinematicsData plus(hand, 1), minus(hand, 1);
  std::mt19937 rng(2);
  std::normal_distribution<double> n(0, 0.015);
  const double eps = 1e-7;
  int checked = 0;
  for (int b = 0; b < 10; ++b) {
    const double* x = &posed.poses[static_cast<size_t>(b) * hand.pose_size()];
    for (int t = 0; t < 30; ++t) {
      const int l = 1 + t % (hand.num_links() - 1);
      const Vec3 p = Eigen::Map<const Vec3>(posed.data.p(b, l)) + Vec3(n(rng), n(rng), n(rng));
      const HandDistance d = HandSignedDistance(hand, posed.data, b, p);
      HandDistancePoseGradient(hand, posed.data, b, p, d, grad.data());
      for (int col = 0; col < hand.dof(); ++col) {
        const auto [xp, xm] = testing::PerturbedPoses(hand, x, col, eps);
        ForwardKinematics(hand, xp.data(), 0, 1, plus);
        ForwardKinematics(hand, xm.data(), 0, 1, minus);
        const HandDistance dp = HandSignedDistance(hand, plus, 0, p);
        const HandDistance dm = HandSignedDistance(hand, minus, 0, p);
        if (dp.geom != d.geom || dm.geom != d.geom) continue;  // closest geom switched: a kink
        EXPECT_NEAR(grad[col], (dp.distance - dm.distance) / (2 * eps), 2e-6) << "column " << col;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 5000);
}

TEST(SelfCollisionTest, MatchesBruteForceAndFiniteDifferences) {
  Posed posed(30, 12);
  const HandModel& hand = posed.hand;
  ASSERT_FALSE(hand.self_pairs.empty());
  std::vector<double> grad(hand.dof());
  KinematicsData plus(hand, 1), minus(hand, 1);
  int penetrating = 0, checked = 0;
  for (int b = 0; b < 30; ++b) {
    const SelfDistance s = SelfCollisionDistance(hand, posed.data, b, grad.data());
    // brute force: every surface sample of each pair against every geom of the other link
    double brute = std::numeric_limits<double>::infinity();
    for (const auto& [la, lb] : hand.self_pairs) {
      for (const auto& [from, to] : {std::pair{la, lb}, std::pair{lb, la}}) {
        for (int i = hand.surface_range[from].first; i < hand.surface_range[from].second; ++i) {
          double p[3];
          PointPosition(posed.data, b, hand.surface_points[i], p);
          for (int gi : hand.links[to].geoms) {
            brute =
                std::min(brute, GeomWorldDistance(hand, posed.data, b, gi, Vec3(p[0], p[1], p[2])));
          }
        }
      }
    }
    EXPECT_NEAR(s.distance, brute, 1e-12);
    penetrating += s.distance < 0;
    // with a cutoff (pair culling by bounding spheres): exact below it, >= it otherwise
    for (double cutoff : {0.0, 0.004}) {
      std::vector<double> grad_cut(hand.dof());
      const SelfDistance c = SelfCollisionDistance(hand, posed.data, b, grad_cut.data(), cutoff);
      if (brute < cutoff) {
        EXPECT_NEAR(c.distance, brute, 1e-12);
        for (int k = 0; k < hand.dof(); ++k) EXPECT_NEAR(grad_cut[k], grad[k], 1e-12);
      } else {
        EXPECT_GE(c.distance, cutoff);
      }
    }
    // root columns vanish: moving the whole hand does not change self distances
    for (int c = 0; c < 6; ++c) EXPECT_NEAR(grad[c], 0, 1e-12);
    const double* x = &posed.poses[static_cast<size_t>(b) * hand.pose_size()];
    const double eps = 1e-7;
    for (int j = 0; j < hand.nq(); ++j) {
      std::vector<double> xp(x, x + hand.pose_size()), xm = xp;
      xp[7 + j] += eps;
      xm[7 + j] -= eps;
      ForwardKinematics(hand, xp.data(), 0, 1, plus);
      ForwardKinematics(hand, xm.data(), 0, 1, minus);
      const SelfDistance sp = SelfCollisionDistance(hand, plus, 0, nullptr);
      const SelfDistance sm = SelfCollisionDistance(hand, minus, 0, nullptr);
      if (sp.point != s.point || sm.point != s.point || sp.link_b != s.link_b ||
          sm.link_b != s.link_b)
        continue;
      EXPECT_NEAR(grad[6 + j], (sp.distance - sm.distance) / (2 * eps), 2e-6) << "joint " << j;
      ++checked;
    }
  }
  EXPECT_GT(penetrating, 0) << "random configurations should include self-penetrating ones";
  EXPECT_GT(checked, 300);
}

TEST(SelfCollisionTest, OpenHandIsClearAndFistPenetrates) {
  const HandModel& hand = DefaultHand();
  KinematicsData data(hand, 1);
  const double identity[4] = {1, 0, 0, 0};
  const auto open = PoseRow(hand, Vec3::Zero(), identity, hand.RestJoints());
  ForwardKinematics(hand, open.data(), 0, 1, data);
  EXPECT_GE(SelfCollisionDistance(hand, data, 0, nullptr).distance, kSelfPairRestClearance);
  // thumb swung fully across the closed fingers
  std::vector<double> q(hand.nq(), 0.0);
  for (int j = 0; j < hand.nq(); ++j) q[j] = hand.joints[j].upper;
  const auto fist = PoseRow(hand, Vec3::Zero(), identity, q);
  ForwardKinematics(hand, fist.data(), 0, 1, data);
  EXPECT_LT(SelfCollisionDistance(hand, data, 0, nullptr).distance, -0.001);
}

}  // namespace
}  // namespace dexvlg

namespace dexvlg {
namespace {

TEST(HandSurfaceTest, TessellationLiesOnTheDistanceZeroSet) {
  const HandModel& hand = DefaultHand();
  KinematicsData data(hand, 1);
  const std::vector<double> poses = testing::RandomPoses(hand, 1, 77);
  ForwardKinematics(hand, poses.data(), 0, 1, data);
  std::vector<int> links;
  const TriMesh surface = HandSurface(hand, data, 0, &links, 24);
  ASSERT_EQ(links.size(), surface.faces.size());
  EXPECT_GT(SignedVolume(surface), 0);
  int on_surface = 0;
  for (const Vec3& v : surface.vertices) {
    // a vertex of one geom may be inside another geom of the hand, never outside all of them
    const double d = HandSignedDistance(hand, data, 0, v).distance;
    EXPECT_LT(d, 1e-9);
    on_surface += std::abs(d) < 1e-9;
  }
  EXPECT_GT(on_surface, surface.num_vertices() / 2);
}

}  // namespace
}  // namespace dexvlg
