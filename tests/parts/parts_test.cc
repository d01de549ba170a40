#include "parts/parts.h"

#include <gtest/gtest.h>

#include <map>

#include "object/mesh_io.h"
#include "object/procedural.h"
#include "test_util.h"

namespace dexvlg {
namespace {

TEST(SurfaceBoxTest, RecoversARotatedBox) {
  TriMesh box = Box(Vec3(-0.05, -0.02, -0.01), Vec3(0.05, 0.02, 0.01));
  const Mat3 R = ExpSO3(Vec3(0.3, -0.7, 0.4));
  for (Vec3& v : box.vertices) v = R * v + Vec3(0.1, 0.2, 0.3);
  const OrientedBox obb = SurfaceBox(box);
  EXPECT_NEAR((obb.half_extents - Vec3(0.05, 0.02, 0.01)).norm(), 0, 1e-9);
  EXPECT_NEAR((obb.centre - Vec3(0.1, 0.2, 0.3)).norm(), 0, 1e-9);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(std::abs(obb.axes.col(i).dot(R.col(i))), 1, 1e-9);
  EXPECT_NEAR(obb.axes.determinant(), 1, 1e-9);
}

TEST(CategoryTest, ProceduralPartsMatchTheirConstruction) {
  const std::map<std::string, std::map<std::string, PartCategory>> expected = {
      {"mug", {{"body", PartCategory::kShaft}, {"handle", PartCategory::kLShaped}}},
      {"bottle",
       {{"body", PartCategory::kShaft},
        {"neck", PartCategory::kShaft},
        {"cap", PartCategory::kDisk}}},
      {"hammer", {{"head", PartCategory::kShaft}, {"handle", PartCategory::kShaft}}},
      {"pan", {{"body", PartCategory::kDisk}, {"handle", PartCategory::kLShaped}}},
      {"box", {{"body", PartCategory::kShaft}, {"lid", PartCategory::kLid}}},
      {"bowl", {{"body", PartCategory::kDisk}}},
  };
  for (const auto& [name, parts] : expected) {
    // the rules must hold across sizes and proportions, not only for the defaults
    for (const char* params : {"", ":size=0.8", ":size=1.3,proportion=1.2"}) {
      auto object = MakeProcedural(name + params);
      ASSERT_TRUE(object.ok());
      for (const PartInfo& p : AnalyseParts(*object)) {
        EXPECT_EQ(CategoryName(p.category), CategoryName(parts.at(p.name)))
            << name << params << " " << p.name;
      }
    }
  }
}

TEST(CategoryTest, SharedScissorsHandleIsLShaped) {
  DEXVLG_REQUIRE_ASSETS(assets);
  auto scissors = LoadLabeledMesh(assets + "/objects_parts/grab_scissors_parts");
  ASSERT_TRUE(scissors.ok()) << scissors.error().message;
  for (const PartInfo& p : AnalyseParts(*scissors)) {
    if (p.name == "handle") {
      EXPECT_EQ(p.category, PartCategory::kLShaped);
    }
  }
}

}  // namespace
}  // namespace dexvlg
