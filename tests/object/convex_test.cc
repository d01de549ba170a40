#include "object/convex.h"

#include <gtest/gtest.h>

#include <chrono>

#include "object/mesh_sdf.h"
#include "object/procedural.h"
#include "test_util.h"

namespace dexvlg {
namespace {

// A closed outward mesh is convex when no vertex lies outside any face plane.
bool IsConvex(const TriMesh& piece, double tol) {
  for (int f = 0; f < piece.num_faces(); ++f) {
    const Vec3 n = piece.FaceNormal(f).normalized();
    const Vec3& a = piece.vertices[piece.faces[f][0]];
    for (const Vec3& v : piece.vertices) {
      if (n.dot(v - a) > tol) return false;
    }
  }
  return true;
}

TEST(ConvexTest, MugPiecesAreConvexAndCoverTheSurface) {
  auto mug = MakeProcedural("mug");
  ASSERT_TRUE(mug.ok());
  const auto start = std::chrono::steady_clock::now();
  auto pieces = ConvexPieces(mug->mesh);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(pieces.ok()) << pieces.error().message;
  std::cout << "[note] " << pieces->size() << " pieces in " << secs << " s\n";
  EXPECT_GE(pieces->size(), 3u);  // a mug is not convex: the cavity and the handle need pieces
  EXPECT_LE(pieces->size(), 32u);
  std::vector<MeshSdf> sdfs;
  for (const TriMesh& p : *pieces) {
    EXPECT_TRUE(IsConvex(p, 1e-6));
    sdfs.emplace_back(p);
  }
  // nearly all of the surface lies on or in some piece (3 mm tolerance)
  const SurfaceSamples samples = SampleSurface(mug->mesh, 1000, 4);
  int covered = 0;
  for (const Vec3& s : samples.points) {
    double best = 1e9;
    for (const MeshSdf& sdf : sdfs) best = std::min(best, sdf.Query(s).distance);
    covered += best < 0.003;
  }
  EXPECT_GT(covered, 950);
  // the cavity stays mostly open: a point in the middle of the mug is not deep inside a piece
  double centre = 1e9;
  for (const MeshSdf& sdf : sdfs) centre = std::min(centre, sdf.Query(Vec3(0, 0, 0.06)).distance);
  EXPECT_GT(centre, -0.01);
}

TEST(ConvexTest, UsesTheSourcesOwnPieces) {
  DEXVLG_REQUIRE_ASSETS(assets);
  auto own = OwnPieces(assets + "/objects/ycb_025_mug/textured.obj");
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(own->size(), 16u);
  auto none = OwnPieces("/tmp/no_such_dir/mesh.obj");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace dexvlg
