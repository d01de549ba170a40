// The evaluation's metrics on hand-built outcomes, its intervals, and the retrieval baseline.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "eval/eval.h"
#include "model/evaluate.h"
#include "model/retrieval.h"
#include "model/toy_data.h"

namespace dexvlg {
namespace {

namespace fs = std::filesystem;

TEST(EvalTest, SucPtaPgaFollowTheirDefinitions) {
  JudgedInstruction j;
  auto add = [&](bool held, bool on_part, bool below_table = false) {
    JudgedGrasp g;
    g.held = held;
    g.on_part = on_part;
    g.below_table = below_table;
    j.grasps.push_back(g);
  };
  add(true, false);         // holds, but touches the wrong part: Suc only
  add(true, true);          // holds on the instructed part: Suc, PTA and PGA
  add(false, true);         // touches the part, then drops it: PTA only
  add(false, false);        // neither
  add(true, true, true);    // holds on the part, the hand through the table: not above it
  add(false, false, true);  // fails, below the table
  EXPECT_EQ(j.Count(), 6);
  EXPECT_EQ(j.Held(), 3);
  EXPECT_EQ(j.OnPart(), 3);
  EXPECT_EQ(j.HeldOnPart(), 2);
  EXPECT_EQ(j.HeldAboveTable(), 2);
}

TEST(EvalTest, WilsonIntervals) {
  const Rate none = WilsonRate(0, 0);
  EXPECT_EQ(none.total, 0);
  EXPECT_EQ(none.value, 0);
  const Rate half = WilsonRate(5, 10);
  EXPECT_DOUBLE_EQ(half.value, 0.5);
  EXPECT_NEAR(half.low, 1 - half.high, 1e-12);  // symmetric at one half
  EXPECT_NEAR(half.low, 0.2366, 1e-3);          // the textbook value for 5 of 10
  const Rate all = WilsonRate(10, 10);
  EXPECT_DOUBLE_EQ(all.high, 1.0);
  EXPECT_NEAR(all.low, 0.7225, 1e-3);
  EXPECT_LT(WilsonRate(50, 100).high - WilsonRate(50, 100).low, half.high - half.low);
}

TEST(EvalTest, ReportCountsEveryGraspOnce) {
  std::vector<EvalRecord> records(3);
  for (EvalRecord& r : records) {
    r.object = "mug";
    r.family = "mug";
    r.part = "handle";
    r.mode = "wrap";
    r.phrasing = "template";
    r.count = 4;
  }
  records[0].method = records[1].method = "model";
  records[1].phrasing = "paraphrase";
  records[2].method = "no-language";
  records[0].held = 3;
  records[0].on_part = 2;
  records[0].held_on_part = 1;
  records[2].held = 4;
  const nlohmann::json j = nlohmann::json::parse(ReportJson(records));
  EXPECT_EQ(j["records"].size(), 3u);
  EXPECT_EQ(j["summary"]["model/template"]["grasps"], 4);
  EXPECT_DOUBLE_EQ(j["summary"]["model/template"]["suc"]["value"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(j["summary"]["model/template"]["pta"]["value"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["summary"]["model/template"]["pga"]["value"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(j["summary"]["no-language"]["suc"]["value"].get<double>(), 1.0);
  records[0].held_above_table = 1;
  records[2].held_above_table = -1;  // a result file from before it was counted
  const nlohmann::json j2 = nlohmann::json::parse(ReportJson(records));
  EXPECT_DOUBLE_EQ(j2["summary"]["model/template"]["suc_above_table"]["value"].get<double>(), 0.25);
  EXPECT_FALSE(j2["summary"]["no-language"].contains("suc_above_table"));
  const std::string md = ReportMarkdown(records, "t");
  EXPECT_NE(md.find("| model (template) | 4 | 75.0"), std::string::npos) << md;
  EXPECT_NE(md.find("| 0.0 | 25.0 ["), std::string::npos) << md;  // below table, above-table Suc
  EXPECT_NE(md.find("| 0.0 | - |"), std::string::npos) << md;     // not counted: a dash
}

TEST(RetrievalTest, ReturnsTrainingGraspsOfTheInstructedPart) {
  const std::string dir = testing::WriteToyDataset(testing::ProcessTemp("dexvlg_retrieval"), 5);
  Expected<TrainingSet> set = TrainingSet::FromShards(ListShards(dir));
  ASSERT_TRUE(set.ok()) << set.error().message;
  const Retrieval retrieval(*set);
  for (const std::string part : {"handle", "body"}) {
    const PredictedGrasps p = retrieval.Retrieve(*set->samples[0].cloud, part, 0, 7);
    ASSERT_EQ(p.count, 7);
    const TrainingSample& s = set->samples[retrieval.last()];
    EXPECT_EQ(s.part, part);
    // the same cloud: no shift, so every returned grasp is one of the sample's, row for row
    for (int g = 0; g < p.count; ++g) {
      bool found = false;
      for (int i = 0; i < s.count() && !found; ++i)
        found =
            std::equal(p.grasp.begin() + g * p.pose_size, p.grasp.begin() + (g + 1) * p.pose_size,
                       s.grasp.begin() + i * s.pose_size);
      EXPECT_TRUE(found) << part << " grasp " << g;
    }
  }
}

}  // namespace
}  // namespace dexvlg
