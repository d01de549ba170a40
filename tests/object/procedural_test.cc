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

TEST(ProceduralTest, AtLeastTenFamiliesEachWithNamedParts) {
  EXPECT_GE(ProceduralNames().size(), 10u);
  for (const std::string& name : ProceduralNames()) {
    const LabeledMesh object = MakeProcedural(name).value();
    for (const std::string& part : object.part_names) EXPECT_FALSE(part.empty()) << name;
  }
  EXPECT_EQ(MakeProcedural("kettle").value().part_names,
            (std::vector<std::string>{"body", "handle", "spout"}));
  EXPECT_EQ(MakeProcedural("knife").value().part_names,
            (std::vector<std::string>{"handle", "blade"}));
}

TEST(ProceduralTest, SeedsDrawRepeatableInstances) {
  auto diag = [](const LabeledMesh& m) {  // bounding-box extent
    Vec3 lo = m.mesh.vertices.at(0), hi = lo;
    for (const Vec3& v : m.mesh.vertices) {
      lo = lo.cwiseMin(v);
      hi = hi.cwiseMax(v);
    }
    return Vec3(hi - lo);
  };
  for (const std::string& name : ProceduralNames()) {
    SCOPED_TRACE(name);
    const LabeledMesh a = MakeProcedural(name + ":seed=17").value();
    const LabeledMesh again = MakeProcedural(name + ":seed=17").value();
    const LabeledMesh b = MakeProcedural(name + ":seed=18").value();
    ASSERT_EQ(a.mesh.vertices.size(), again.mesh.vertices.size());
    for (size_t i = 0; i < a.mesh.vertices.size(); ++i)
      ASSERT_EQ(a.mesh.vertices[i], again.mesh.vertices[i]);  // the same on every call
    EXPECT_GT((diag(a) - diag(b)).norm(), 1e-4);              // another seed, another shape
    EXPECT_TRUE(Edges(a.mesh).watertight());
  }
  // drawn parameters stay in their documented ranges, over many seeds
  for (unsigned seed = 0; seed < 200; ++seed) {
    const ProceduralParams p = SeededParams("mug", seed);
    EXPECT_GE(p.size, 0.8);
    EXPECT_LE(p.size, 1.25);
    EXPECT_GE(p.proportion, 0.75);
    EXPECT_LE(p.proportion, 1.3);
    for (double v : p.shape) EXPECT_TRUE(v >= 0 && v <= 1);
  }
  // a size given beside the seed wins
  const LabeledMesh sized = MakeProcedural("mug:seed=5,size=2").value();
  const ProceduralParams drawn = SeededParams("mug", 5);
  ProceduralParams explicit_size = drawn;
  explicit_size.size = 2;
  EXPECT_TRUE(diag(sized).isApprox(diag(MakeProcedural("mug", explicit_size).value())));
  EXPECT_FALSE(MakeProcedural("mug:seed=-1").ok());
  EXPECT_FALSE(MakeProcedural("mug:seed=1.5").ok());
}

TEST(ProceduralTest, FamilyCountsExpandToSeededInstances) {
  EXPECT_TRUE(ExpandProceduralCount("mug").value().empty());
  EXPECT_EQ(ExpandProceduralCount("mug*3").value(),
            (std::vector<std::string>{"mug:seed=0", "mug:seed=1", "mug:seed=2"}));
  EXPECT_EQ(ExpandProceduralCount("procedural*2").value().size(), 2 * ProceduralNames().size());
  for (const char* bad : {"teapot*3", "mug*0", "mug*x", "mug*"}) {
    auto r = ExpandProceduralCount(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find(bad), std::string::npos);
  }
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
