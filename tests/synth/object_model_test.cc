#include "synth/object_model.h"

#include <gtest/gtest.h>
#include <tbb/parallel_for.h>

#include <atomic>

#include "hand/hand_loader.h"
#include "parts/prepare.h"
#include "synth/synth.h"

namespace dexvlg {
namespace {

SynthOptions HandleOptions(unsigned seed) {
  SynthOptions o;
  o.part = "handle";
  o.count = 2;
  o.max_attempts = 32;
  o.batch = 16;
  o.steps = 120;
  o.seed = seed;
  return o;
}

// One model serves several runs with the same result as building everything per run, when its
// samples are seeded as the one-off run seeds them.
TEST(ObjectModel, SynthesisOnTheModelEqualsTheOneOffRun) {
  const LabeledMesh mug = LoadClosedObject("mug").value();
  const SynthOptions options = HandleOptions(4);
  ObjectModelOptions mo;
  mo.sample_seed = options.seed + 1;
  const ObjectModelPtr model = ObjectModel::Build(mug, mo).value();
  const SynthResult once = Synthesize(DefaultHand(), mug, options).value();
  ASSERT_GE(once.grasps.size(), 1u) << "nothing to compare";
  for (int run = 0; run < 2; ++run) {  // the second run reuses the first's part grid
    const SynthResult shared = Synthesize(DefaultHand(), *model, options).value();
    ASSERT_EQ(shared.summary.attempts, once.summary.attempts);
    ASSERT_EQ(shared.grasps.size(), once.grasps.size());
    for (size_t i = 0; i < once.grasps.size(); ++i) {
      EXPECT_EQ(shared.grasps[i].grasp, once.grasps[i].grasp);
      EXPECT_EQ(shared.grasps[i].squeeze, once.grasps[i].squeeze);
      EXPECT_EQ(shared.grasps[i].pregrasp, once.grasps[i].pregrasp);
    }
    EXPECT_EQ(shared.summary.rejected, once.summary.rejected);
  }
}

TEST(ObjectModel, PartsAreBuiltOnceAndAgreeWithTheirDescription) {
  const LabeledMesh mug = LoadClosedObject("mug").value();
  const ObjectModelPtr model = ObjectModel::Build(mug).value();
  ASSERT_EQ(model->object().part_names.size(), 2u);
  const int handle = model->object().PartLabel("handle");
  ASSERT_GE(handle, 0);
  EXPECT_EQ(model->object().PartLabel("spout"), -1);
  // many threads ask at once: one part model, built once
  std::atomic<const PartModel*> first{nullptr};
  std::atomic<int> differ{0};
  tbb::parallel_for(0, 64, [&](int) {
    const PartModel* p = &model->Part(handle);
    const PartModel* expected = nullptr;
    if (!first.compare_exchange_strong(expected, p) && expected != p) ++differ;
  });
  EXPECT_EQ(differ.load(), 0);
  const PartModel& part = model->Part(handle);
  const PartModel described = DescribePart(mug, handle);
  EXPECT_EQ(part.info.category, described.info.category);
  EXPECT_EQ(part.points.size(), described.points.size());
  EXPECT_TRUE(part.outward.isApprox(described.outward));
  EXPECT_FALSE(part.points.empty());
  EXPECT_FALSE(part.off_part.empty());
  EXPECT_GT(part.field.nodes(), 0);
  // the part grid is zero on the handle and positive away from it
  EXPECT_LT(std::abs(part.field.Distance(part.points.front(), nullptr)), 0.004);
  EXPECT_GT(model->field().Distance(part.points.front() + 0.05 * part.outward, nullptr), 0.02);
  EXPECT_FALSE(model->Pieces().empty());
  EXPECT_EQ(&model->Pieces(), &model->Pieces());
  EXPECT_EQ(model->dense().points.size(), 8192u);
  // an object's own pieces (a prepared folder's) are used as given
  const ObjectModelPtr own =
      ObjectModel::Build(mug, {}, {Box(Vec3(-0.05, -0.05, 0), Vec3(0.05, 0.05, 0.1))}).value();
  ASSERT_EQ(own->Pieces().size(), 1u);
  EXPECT_EQ(own->Pieces()[0].num_faces(), 12);
  EXPECT_EQ(model->pen_points().size(), 384u);
}

TEST(ObjectModel, BadObjectsAndOptionsAreRefusedWithTheirName) {
  const LabeledMesh mug = LoadClosedObject("mug").value();
  ObjectModelOptions bad;
  bad.sdf_spacing = 0;
  auto r = ObjectModel::Build(mug, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("sdf_spacing 0"), std::string::npos) << r.error().message;

  LabeledMesh wrong = mug;
  wrong.face_labels[3] = 7;
  r = ObjectModel::Build(wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("face label 7"), std::string::npos) << r.error().message;

  LabeledMesh empty;
  empty.name = "nothing";
  empty.part_names = {"body"};
  r = ObjectModel::Build(empty);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nothing: the mesh has no faces"), std::string::npos);

  LabeledMesh huge = mug;
  for (Vec3& v : huge.mesh.vertices) v *= 20;
  r = ObjectModel::Build(huge);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("--scale"), std::string::npos) << r.error().message;

  // a model's grids serve only the spacing they were built with
  const ObjectModelPtr model = ObjectModel::Build(mug).value();
  SynthOptions options = HandleOptions(0);
  options.sdf_spacing = 0.002;
  auto s = Synthesize(DefaultHand(), *model, options);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("spacing"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace dexvlg
