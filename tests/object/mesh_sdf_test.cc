#include "object/mesh_sdf.h"

#include <gtest/gtest.h>

#include <random>

#include "object/procedural.h"

namespace dexvlg {
namespace {

// Generalised winding number (sum of signed solid angles, Van Oosterom & Strackee): ~1 inside a
// closed outward mesh, ~0 outside. An inside test independent of pseudo-normals.
double WindingNumber(const TriMesh& mesh, const Vec3& p) {
  double total = 0;
  for (const auto& f : mesh.faces) {
    const Vec3 a = mesh.vertices[f[0]] - p, b = mesh.vertices[f[1]] - p,
               c = mesh.vertices[f[2]] - p;
    const double la = a.norm(), lb = b.norm(), lc = c.norm();
    const double num = a.dot(b.cross(c));
    const double den = la * lb * lc + a.dot(b) * lc + b.dot(c) * la + c.dot(a) * lb;
    total += 2 * std::atan2(num, den);
  }
  return total / (4 * 3.14159265358979323846);
}

double BruteDistance(const TriMesh& mesh, const Vec3& p) {
  // closest distance by sampling each triangle densely is not exact; use the same exact
  // point-triangle routine through a one-triangle-at-a-time MeshSdf instead
  double best = std::numeric_limits<double>::infinity();
  for (const auto& f : mesh.faces) {
    TriMesh tri;
    tri.vertices = {mesh.vertices[f[0]], mesh.vertices[f[1]], mesh.vertices[f[2]]};
    tri.faces = {{0, 1, 2}};
    best = std::min(best, std::abs(MeshSdf(tri).Query(p).distance));
  }
  return best;
}

TEST(MeshSdfTest, BoxMeshEqualsAnalyticBoxDistance) {
  const Vec3 h(0.03, 0.02, 0.05);
  const MeshSdf sdf(Box(-h, h));
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> u(-0.1, 0.1);
  for (int i = 0; i < 2000; ++i) {
    const Vec3 p(u(rng), u(rng), u(rng));
    const Vec3 q = p.cwiseAbs() - h;
    const double exact = q.cwiseMax(0.0).norm() + std::min(q.maxCoeff(), 0.0);
    EXPECT_NEAR(sdf.Query(p).distance, exact, 1e-12) << p.transpose();
  }
}

TEST(MeshSdfTest, MugPartsMatchBruteForceAndWindingNumbers) {
  auto mug = MakeProcedural("mug:resolution=24");
  ASSERT_TRUE(mug.ok());
  for (int label = 0; label < 2; ++label) {
    const TriMesh part = mug->Part(label);
    const MeshSdf sdf(part);
    std::mt19937 rng(7 + label);
    std::uniform_real_distribution<double> u(-0.08, 0.12);
    int inside = 0;
    for (int i = 0; i < 300; ++i) {
      const Vec3 p(u(rng), u(rng), 0.5 * u(rng) + 0.04);
      const SurfaceHit hit = sdf.Query(p);
      EXPECT_NEAR(std::abs(hit.distance), BruteDistance(part, p), 1e-12);
      const bool wn_inside = WindingNumber(part, p) > 0.5;
      if (std::abs(hit.distance) > 1e-9) {
        EXPECT_EQ(hit.distance < 0, wn_inside) << p.transpose();
      }
      inside += wn_inside;
    }
    EXPECT_GT(inside, 0) << "the random probes should hit the inside of part " << label;
  }
}

TEST(MeshSdfTest, GradientMatchesFiniteDifferences) {
  auto bottle = MakeProcedural("bottle:resolution=32");
  ASSERT_TRUE(bottle.ok());
  const MeshSdf sdf(bottle->Part(0));
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-0.06, 0.06);
  const double eps = 1e-7;
  int checked = 0;
  for (int i = 0; i < 500; ++i) {
    const Vec3 p(u(rng), u(rng), 0.1 + 2 * u(rng));
    const SurfaceHit hit = sdf.Query(p);
    Vec3 fd;
    for (int k = 0; k < 3; ++k) {
      Vec3 d = Vec3::Zero();
      d[k] = eps;
      fd[k] = (sdf.Query(p + d).distance - sdf.Query(p - d).distance) / (2 * eps);
    }
    if (std::abs(fd.norm() - 1) > 1e-4) continue;  // on a medial surface: a kink
    EXPECT_NEAR((fd - hit.gradient).norm(), 0, 1e-5);
    ++checked;
  }
  EXPECT_GT(checked, 400);
}

TEST(MeshSdfTest, UnionOfPartsIsExactOutside) {
  auto mug = MakeProcedural("mug:resolution=24");
  ASSERT_TRUE(mug.ok());
  const UnionSdf sdf({mug->Part(0), mug->Part(1)});
  const MeshSdf body(mug->Part(0)), handle(mug->Part(1));
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-0.1, 0.12);
  for (int i = 0; i < 500; ++i) {
    const Vec3 p(u(rng), u(rng), u(rng) + 0.05);
    const double expected = std::min(body.Query(p).distance, handle.Query(p).distance);
    EXPECT_NEAR(sdf.Query(p).distance, expected, 1e-12);
  }
}

TEST(SamplingTest, SamplesLieOnTheSurfaceWithOutwardNormals) {
  auto box = MakeProcedural("box");
  ASSERT_TRUE(box.ok());
  const TriMesh body = box->Part(0);
  const MeshSdf sdf(body);
  const SurfaceSamples s = SampleSurface(body, 2000, 11);
  ASSERT_EQ(s.points.size(), 2000u);
  for (size_t i = 0; i < s.points.size(); ++i) {
    EXPECT_NEAR(sdf.Query(s.points[i]).distance, 0, 1e-12);
    EXPECT_GT(sdf.Query(s.points[i] + 1e-4 * s.normals[i]).distance, 0);
  }
  // area weighting: the share on the two big faces (z = const) matches their area share
  int top_bottom = 0;
  for (const Vec3& n : s.normals) top_bottom += std::abs(n.z()) > 0.99;
  const double share = 2 * 0.12 * 0.08 / body.SurfaceArea();
  EXPECT_NEAR(top_bottom / 2000.0, share, 0.04);
  // same seed, same samples
  EXPECT_EQ(SampleSurface(body, 50, 11).points[49], SampleSurface(body, 50, 11).points[49]);
}

TEST(SamplingTest, FarthestPointSubsetSpreadsOut) {
  auto mug = MakeProcedural("mug");
  ASSERT_TRUE(mug.ok());
  const SurfaceSamples dense = SampleSurface(mug->mesh, 4000, 2);
  const SurfaceSamples fps = FarthestPointSubset(dense, 100);
  const SurfaceSamples random = SampleSurface(mug->mesh, 100, 3);
  auto min_gap = [](const SurfaceSamples& s) {
    double gap = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < s.points.size(); ++i) {
      for (size_t j = i + 1; j < s.points.size(); ++j)
        gap = std::min(gap, (s.points[i] - s.points[j]).norm());
    }
    return gap;
  };
  ASSERT_EQ(fps.points.size(), 100u);
  EXPECT_GT(min_gap(fps), 3 * min_gap(random));
}

}  // namespace
}  // namespace dexvlg
