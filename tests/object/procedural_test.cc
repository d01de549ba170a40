#include "object/procedural.h"

#include <gtest/gtest.h>

namespace dexvlg {
namespace {

TEST(ProceduralTest, EveryPartIsClosedAndOutward) {
  for (const std::string& name : ProceduralNames()) {
    SCOPED_TRACE(name);
    auto object = MakeProcedural(name);
    ASSERT_TRUE(object.ok()) << object.error().message;
    EXPECT_EQ(object->name, name);
    ASSERT_EQ(object->face_labels.size(), object->mesh.faces.size());
    EXPECT_TRUE(ValidateMesh(object->mesh, name).ok());
    for (int label = 0; label < static_cast<int>(object->part_names.size()); ++label) {
      const TriMesh part = object->Part(label);
      ASSERT_GT(part.num_faces(), 0) << object->part_names[label];
      EXPECT_TRUE(Edges(part).watertight()) << object->part_names[label];
      EXPECT_GT(SignedVolume(part), 0) << object->part_names[label];
    }
    EXPECT_TRUE(Edges(object->mesh).watertight());
    // stands on the table plane, about centred on the z axis
    Vec3 lo, hi;
    object->mesh.Bounds(&lo, &hi);
    EXPECT_NEAR(lo.z(), 0, 1e-12);
    EXPECT_GT((hi - lo).norm(), 0.1);
    EXPECT_LT((hi - lo).norm(), 0.6);
  }
}

TEST(ProceduralTest, ParametersScaleTheShape) {
  auto small = MakeProcedural("mug");
  auto big = MakeProcedural("mug:size=2");
  auto tall = MakeProcedural("mug:proportion=1.5,resolution=16");
  ASSERT_TRUE(small.ok() && big.ok() && tall.ok());
  Vec3 lo1, hi1, lo2, hi2, lo3, hi3;
  small->mesh.Bounds(&lo1, &hi1);
  big->mesh.Bounds(&lo2, &hi2);
  tall->mesh.Bounds(&lo3, &hi3);
  EXPECT_NEAR((hi2 - lo2).x(), 2 * (hi1 - lo1).x(), 1e-9);
  EXPECT_NEAR((hi3 - lo3).z(), 1.5 * (hi1 - lo1).z(), 1e-9);
  EXPECT_LT(tall->mesh.num_faces(), small->mesh.num_faces());
}

TEST(ProceduralTest, PrimitivesHaveExactVolumes) {
  EXPECT_NEAR(SignedVolume(Box(Vec3(0, 0, 0), Vec3(1, 2, 3))), 6.0, 1e-12);
  // a revolved cylinder with many segments approaches pi r^2 h from below
  const double v = SignedVolume(Revolve({{0, 0}, {1, 0}, {1, 2}, {0, 2}}, 512));
  EXPECT_NEAR(v, 3.14159265358979 * 2, 1e-3);
  EXPECT_LT(v, 3.14159265358979 * 2);
}

TEST(ProceduralTest, BadSpecsAreErrors) {
  for (const char* spec :
       {"teapot", "mug:size", "mug:size=abc", "mug:colour=3", "mug:size=-1", "bowl:resolution=2"}) {
    auto object = MakeProcedural(std::string(spec));
    ASSERT_FALSE(object.ok()) << spec;
    EXPECT_FALSE(object.error().message.empty());
  }
}

}  // namespace
}  // namespace dexvlg
