#include "parts/segment.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "object/object_source.h"
#include "object/procedural.h"
#include "object/repair.h"
#include "parts/prepare.h"
#include "test_util.h"

namespace dexvlg {
namespace {

/// The repaired (fused, closed) surface of a labelled object with its true labels transferred:
/// segmentation works on what `object prepare` produces, where parts are no longer separate
/// components.
LabeledMesh Fused(const LabeledMesh& object) {
  auto closed = RepairWatertight(object.mesh);
  EXPECT_TRUE(closed) << closed.error().message;
  LabeledMesh out{object.name, std::move(closed.value()), {}, object.part_names};
  out.face_labels = TransferLabels(object, out.mesh);
  return out;
}

void ExpectRecovered(const LabeledMesh& truth, const std::string& what) {
  auto segmented = SegmentParts(truth.mesh, truth.name);
  ASSERT_TRUE(segmented) << segmented.error().message;
  const int parts = static_cast<int>(segmented->part_names.size());
  const int expected = static_cast<int>(truth.part_names.size());
  EXPECT_EQ(parts, expected) << what;
  const std::vector<double> iou =
      PartIoU(truth.face_labels, expected, segmented->face_labels, parts);
  for (int p = 0; p < expected; ++p) {
    EXPECT_GE(iou[p], 0.8) << what << ": part " << truth.part_names[p];
    std::printf("%-32s %-8s IoU %.3f\n", what.c_str(), truth.part_names[p].c_str(), iou[p]);
  }
}

TEST(SegmentTest, RecoversEveryProceduralObject) {
  // every family but jar, kettle, saucepan and wine_bottle, whose lid, spout, handle and neck the
  // geometry-only segmenter does not yet find (docs/parts.md gives their IoUs); procedural
  // objects carry exact labels, so generate never segments them
  for (const std::string& name : ProceduralNames()) {
    if (name == "jar" || name == "kettle" || name == "saucepan" || name == "wine_bottle") continue;
    for (const char* params : {"", ":size=1.3,proportion=1.2", ":size=0.8,proportion=0.85"}) {
      auto object = MakeProcedural(name + params);
      ASSERT_TRUE(object) << object.error().message;
      ExpectRecovered(Fused(object.value()), name + params);
    }
  }
}

TEST(SegmentTest, RecoversHeadAndHandleOfTheSharedHammer) {
  DEXVLG_REQUIRE_ASSETS(assets);
  auto hammer = LoadObject(assets + "/objects_parts/grab_hammer_parts");
  ASSERT_TRUE(hammer) << hammer.error().message;
  ExpectRecovered(Fused(hammer.value()), "grab hammer");
}

TEST(SegmentTest, HandlesOfUnlabelledScansAreNamedHandle) {
  // the YCB mug's handle reads as L-shaped; the pitcher's is too thick for that and was left
  // "part_2": an elongated part standing out sideways from the body and running along it
  DEXVLG_REQUIRE_ASSETS(assets);
  for (const char* name : {"ycb_025_mug", "ycb_019_pitcher_base"}) {
    auto closed = LoadClosedObject(assets + "/objects/" + name);
    ASSERT_TRUE(closed) << closed.error().message;
    EXPECT_EQ(closed->part_names, (std::vector<std::string>{"body", "handle"})) << name;
  }
}

TEST(SegmentTest, IsIndependentOfPoseAndUnit) {
  auto mug = MakeProcedural("mug");
  ASSERT_TRUE(mug);
  const LabeledMesh truth = Fused(mug.value());
  LabeledMesh moved = truth;
  const Mat3 R = ExpSO3(Vec3(0.4, 1.1, -0.3));
  for (Vec3& v : moved.mesh.vertices) v = 1000.0 * (R * v) + Vec3(3, -2, 1);  // millimetres
  ExpectRecovered(moved, "mug rotated, in mm");
}

TEST(SegmentTest, ASinglePrimitiveIsOnePart) {
  for (const TriMesh& mesh : {Box(Vec3(0, 0, 0), Vec3(0.1, 0.06, 0.03)),
                              Revolve({{0, 0}, {0.03, 0}, {0.03, 0.12}, {0, 0.12}}, 48)}) {
    auto segmented = SegmentParts(mesh, "primitive");
    ASSERT_TRUE(segmented) << segmented.error().message;
    EXPECT_EQ(segmented->part_names, std::vector<std::string>{"body"});
  }
}

TEST(SegmentTest, RejectsMeshesWithoutVolume) {
  TriMesh flat;
  flat.vertices = {Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(0, 1, 0)};
  flat.faces = {{0, 1, 2}};
  auto segmented = SegmentParts(flat, "flat.obj");
  ASSERT_FALSE(segmented);
  EXPECT_NE(segmented.error().message.find("flat.obj"), std::string::npos);
  EXPECT_FALSE(SegmentParts(TriMesh{}, "empty.obj"));
}

}  // namespace
}  // namespace dexvlg
