// Ranking by physics: the cloud's signed distance, and refinement that lowers the energy,
// keeps the pregrasp and squeeze with the grasp and ranks by energy.
#include "model/refine.h"

#include <gtest/gtest.h>

#include "dataset/store.h"
#include "model/toy_data.h"

namespace dexvlg {
namespace {

struct ToyView {
  Cloud cloud;
  Placement placement;
  ShardGrasps grasps;
};

const ToyView& View() {
  static const ToyView view = [] {
    const std::string dir = testing::WriteToyDataset(testing::ProcessTemp("refine_toy"), 3, 1);
    ShardReader shard = ShardReader::Open(ListShards(dir).at(0)).value();
    const Scene scene = shard.SceneAt(0).value();
    ToyView v{ViewCloud(scene.views[0]), scene.placement, shard.Grasps().value()};
    std::filesystem::remove_all(dir);
    return v;
  }();
  return view;
}

TEST(RefineTest, TheCloudsFieldIsNegativeJustInsideAndPositiveJustOutside) {
  auto object = CloudObject::Build(View().cloud, RefineOptions{});
  ASSERT_TRUE(object.ok()) << object.error().message;
  const auto& points = object->points();
  ASSERT_GT(points.size(), 32u);
  int inside = 0, outside = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    EXPECT_GT(points[i].z(), 0.0) << "table points are not the object";
    EXPECT_NEAR(object->normals()[i].norm(), 1.0, 1e-9);
    const SdfGrid& field = *object->energy().field;
    inside += field.Distance(points[i] - 0.004 * object->normals()[i], nullptr) < 0;
    outside += field.Distance(points[i] + 0.008 * object->normals()[i], nullptr) > 0;
  }
  const int n = static_cast<int>(points.size());
  EXPECT_GT(inside, 0.8 * n);
  EXPECT_GT(outside, 0.8 * n);
  EXPECT_TRUE(object->energy().table);
}

TEST(RefineTest, TooFewObjectPointsIsAnError) {
  Cloud flat;
  for (int i = 0; i < 500; ++i) {
    flat.xyz.insert(flat.xyz.end(), {0.001f * (i % 20), 0.001f * (i / 20), 0.0f});
  }
  auto object = CloudObject::Build(flat, RefineOptions{});
  ASSERT_FALSE(object.ok());
  EXPECT_NE(object.error().message.find("above the table"), std::string::npos);
  RefineOptions bad;
  bad.steps = -1;
  EXPECT_FALSE(CloudObject::Build(View().cloud, bad).ok());
}

TEST(RefineTest, RefinementLowersTheEnergyAndRanksByIt) {
  const HandModel& hand = DefaultHand();
  const ToyView& v = View();
  auto object = CloudObject::Build(v.cloud, RefineOptions{});
  ASSERT_TRUE(object.ok()) << object.error().message;
  const int ps = hand.pose_size(), n = std::min(4, v.grasps.count());
  PredictedGrasps in;  // the toy grasps on the table, lifted 3 cm off
  in.count = n;
  in.pose_size = ps;
  for (int g = 0; g < n; ++g) {
    for (const auto& [from, to] : {std::pair{&v.grasps.pregrasp, &in.pregrasp},
                                   {&v.grasps.grasp, &in.grasp},
                                   {&v.grasps.squeeze, &in.squeeze}}) {
      std::vector<double> row(from->begin() + g * ps, from->begin() + (g + 1) * ps);
      row = PlacePose(row, v.placement);
      row[2] += 0.03;
      to->insert(to->end(), row.begin(), row.end());
    }
  }
  RefineOptions o;
  o.steps = 60;
  const RankedGrasps ranked = RefineAndRank(hand, *object, GraspMode::kWrap, in, o);
  ASSERT_EQ(ranked.grasps.count, n);
  for (int g = 0; g < n; ++g) {
    EXPECT_LT(ranked.energy_after[g], ranked.energy_before[g]) << g;
    // the pregrasp keeps its offset from the grasp: the same rigid motion moved both
    auto root = [&](const std::vector<double>& rows) {
      return Vec3(rows[g * ps], rows[g * ps + 1], rows[g * ps + 2]);
    };
    EXPECT_NEAR((root(ranked.grasps.pregrasp) - root(ranked.grasps.grasp)).norm(),
                (root(in.pregrasp) - root(in.grasp)).norm(), 1e-6);
  }
  for (int k = 1; k < n; ++k)
    EXPECT_LE(ranked.energy_after[ranked.order[k - 1]], ranked.energy_after[ranked.order[k]]);
  // without steps the samples stay as they are and are ranked by their own energy
  o.steps = 0;
  const RankedGrasps as_is = RefineAndRank(hand, *object, GraspMode::kWrap, in, o);
  EXPECT_EQ(as_is.grasps.grasp, in.grasp);
  EXPECT_EQ(as_is.energy_before, as_is.energy_after);
}

}  // namespace
}  // namespace dexvlg
