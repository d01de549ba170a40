#include "object/repair.h"

#include <gtest/gtest.h>

#include "object/mesh_io.h"
#include "object/mesh_sdf.h"
#include "object/procedural.h"
#include "test_util.h"

namespace dexvlg {
namespace {

// Every repaired vertex lies within `tolerance` of the original surface.
void ExpectNear(const TriMesh& repaired, const TriMesh& original, double tolerance) {
  const MeshSdf sdf(original);
  for (int i = 0; i < repaired.num_vertices(); i += 7) {
    EXPECT_LT(std::abs(sdf.Query(repaired.vertices[i]).distance), tolerance);
  }
}

TEST(RepairTest, ClosesSmallHoles) {
  auto bottle = MakeProcedural("bottle");
  ASSERT_TRUE(bottle.ok());
  const TriMesh body = bottle->Part(0);
  TriMesh holed = body;
  for (int k = 0; k < 3; ++k) holed.faces.erase(holed.faces.begin() + 100 + 40 * k);  // 3 holes
  ASSERT_FALSE(Edges(holed).watertight());
  auto repaired = RepairWatertight(holed);
  ASSERT_TRUE(repaired.ok()) << repaired.error().message;
  EXPECT_TRUE(Edges(*repaired).watertight());
  EXPECT_NEAR(SignedVolume(*repaired), SignedVolume(body), 0.05 * SignedVolume(body));
  Vec3 lo, hi;
  body.Bounds(&lo, &hi);
  ExpectNear(*repaired, body, (hi - lo).norm() / 160);
}

TEST(RepairTest, KeepsAClosedObjectsShape) {
  auto bottle = MakeProcedural("bottle");
  ASSERT_TRUE(bottle.ok());
  auto repaired = RepairWatertight(bottle->mesh, {200, 0.0});
  ASSERT_TRUE(repaired.ok());
  EXPECT_TRUE(Edges(*repaired).watertight());
  // the bottle's parts overlap: compare with the body alone is unfair; use the union's volume bound
  double parts_volume = 0;
  for (int label = 0; label < 3; ++label) parts_volume += SignedVolume(bottle->Part(label));
  EXPECT_LT(SignedVolume(*repaired), parts_volume * 1.02);
  EXPECT_GT(SignedVolume(*repaired), parts_volume * 0.9);
}

TEST(RepairTest, SharedHammerBecomesWatertight) {
  DEXVLG_REQUIRE_ASSETS(assets);
  auto hammer = LoadMesh(assets + "/objects_parts/grab_hammer_parts/merged.obj");
  ASSERT_TRUE(hammer.ok());
  ASSERT_FALSE(Edges(*hammer).watertight());
  auto repaired = RepairWatertight(*hammer);
  ASSERT_TRUE(repaired.ok());
  EXPECT_TRUE(Edges(*repaired).watertight());
  Vec3 lo, hi;
  hammer->Bounds(&lo, &hi);
  ExpectNear(*repaired, *hammer, 2 * (hi - lo).norm() / 160);
}

}  // namespace
}  // namespace dexvlg
