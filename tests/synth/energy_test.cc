#include "synth/energy.h"

#include <gtest/gtest.h>

#include "alloc_counter.h"
#include "hand/hand_loader.h"
#include "object/procedural.h"
#include "object/repair.h"
#include "parts/prepare.h"
#include "synth/synth.h"
#include "test_util.h"

namespace dexvlg {
namespace {

struct MugFixture {
  HandModel hand = DefaultHand();
  LabeledMesh mug;
  MeshSdf exact;
  SdfGrid field;
  EnergyObject object;
};

const MugFixture& MugFixtureData() {
  static const MugFixture* setup = [] {
    auto* s = new MugFixture;
    auto raw = MakeProcedural("mug");
    auto closed = RepairWatertight(raw->mesh);
    s->mug = LabeledMesh{"mug", closed.value(), {}, raw->part_names};
    s->mug.face_labels = TransferLabels(raw.value(), s->mug.mesh);
    s->exact = MeshSdf(s->mug.mesh);
    s->field = SdfGrid(s->exact, 0.003, 0.03);
    s->object.field = &s->field;
    const SurfaceSamples samples = SampleSurface(s->mug.mesh, 600, 1);
    s->object.pen_points = samples.points;
    for (size_t i = 0; i < samples.points.size(); ++i) {
      if (s->mug.face_labels[samples.faces[i]] != 1)
        s->object.off_part.push_back(samples.points[i]);
    }
    s->object.centre = Vec3(0.06, 0, 0.045);
    return s;
  }();
  return *setup;
}

/// Each term's analytic pose gradient against central differences (normals and LP magnitudes
/// held, as in a step), at initial poses pushed towards the mug so every term is active.
TEST(EnergyTest, EveryTermsGradientMatchesFiniteDifferences) {
  const MugFixture& s = MugFixtureData();
  const HandModel& hand = s.hand;
  const int dof = hand.dof();
  for (const char* term :
       {"fc", "fc_friction", "bar", "dis", "limit", "pen", "spen", "dir", "table"}) {
    EnergyWeights w;
    w.fc = w.bar = w.dis = w.limit = w.pen = w.spen = w.dir = 0;
    if (std::string(term) == "fc") w.fc = 1;
    if (std::string(term) == "fc_friction") {  // forces in friction cones, held like f
      w.fc = 1;
      w.fc_friction = 0.5;
    }
    if (std::string(term) == "bar") w.bar = 1;
    if (std::string(term) == "dis") w.dis = 1;
    if (std::string(term) == "limit") w.limit = 1;
    if (std::string(term) == "pen" || std::string(term) == "table") w.pen = 1;
    if (std::string(term) == "spen") w.spen = 1;
    if (std::string(term) == "dir") w.dir = 1;
    w.tau_fc = 10;  // use LP magnitudes
    double worst = 0;
    int active = 0, kinks = 0;
    for (int attempt = 0; attempt < 6; ++attempt) {
      std::vector<double> x = InitialPose(hand, s.mug, 1, GraspMode::kWrap, 5, attempt);
      // closer to the handle (up to 3 cm): penetration, barrier
      const Vec3 towards = (s.object.centre - Vec3(x[0], x[1], x[2])).normalized();
      for (int a = 0; a < 3; ++a) x[a] += 0.01 * (attempt % 4) * towards[a];
      if (std::string(term) == "limit") x[7 + attempt] = hand.joints[attempt].upper + 0.05;
      KinematicsData data(hand, 1);
      if (std::string(term) == "bar" && attempt >= 3) {  // a fingertip 5 mm from the body
        ForwardKinematics(hand, x.data(), 0, 1, data);
        double tip[3], normal[3];
        ContactFrames(hand, data, 0, &hand.wrap[attempt - 2], 1, tip, normal, nullptr);
        const Vec3 shift = s.object.off_part[37 * attempt] + Vec3(0.004, 0.003, 0.002) - Vec3(tip);
        for (int a = 0; a < 3; ++a) x[a] += shift[a];
      }
      EnergyObject object = s.object;
      if (std::string(term) == "table") {  // a tilted table through the hand's root
        const Vec3 n = Vec3(0.2, 0.1, 1).normalized();
        object.table = TablePlane{n, n.dot(Vec3(x[0], x[1], x[2]))};
      }
      EnergyWorkspace ws(hand, hand.wrap);
      std::vector<double> grad(dof), dummy(dof);
      ForwardKinematics(hand, x.data(), 0, 1, data);
      const EnergyTerms e = Energy(hand, object, w, data, 0, x.data(), true, ws, grad.data());
      if (e.total > 1e-9) ++active;
      auto central = [&](int c, double eps) {
        auto [plus, minus] = testing::PerturbedPoses(hand, x.data(), c, eps);
        ForwardKinematics(hand, plus.data(), 0, 1, data);
        const double ep = Energy(hand, object, w, data, 0, plus.data(), false, ws, nullptr).total;
        ForwardKinematics(hand, minus.data(), 0, 1, data);
        const double em = Energy(hand, object, w, data, 0, minus.data(), false, ws, nullptr).total;
        return (ep - em) / (2 * eps);
      };
      bool kinked = false;
      for (int c = 0; c < dof; ++c) {
        auto error = [&](double fd) {
          return std::abs(fd - grad[c]) / std::max(1.0, std::abs(fd));
        };
        double err = error(central(c, 1e-6));
        // The terms are piecewise smooth (max(0, .) per sample, min over links): a kink inside
        // [x - eps, x + eps] (E_pen: one of ~3000 hand samples within 1e-6 m of the surface)
        // averages two branches. A 100x smaller interval must then agree.
        if (err >= 2e-3) {
          kinked = true;
          err = error(central(c, 1e-8));
        }
        worst = std::max(worst, err);
      }
      kinks += kinked;
    }
    EXPECT_GT(active, 0) << term << " was never active: the test would prove nothing";
    EXPECT_LT(worst, 2e-3) << term;
    EXPECT_LE(kinks, 2) << term << ": poses with a kink: more than chance explains";
  }
}

TEST(EnergyTest, AStepDoesNotAllocate) {
  const MugFixture& s = MugFixtureData();
  const HandModel& hand = s.hand;
  KinematicsData data(hand, 1);
  EnergyWorkspace ws(hand, hand.wrap);
  std::vector<double> grad(hand.dof());
  std::vector<std::vector<double>> poses;
  for (int attempt = 0; attempt < 8; ++attempt) {
    poses.push_back(InitialPose(hand, s.mug, 1, GraspMode::kWrap, 9, attempt));
    const Vec3 towards =
        (s.object.centre - Vec3(poses.back()[0], poses.back()[1], poses.back()[2]));
    for (int a = 0; a < 3; ++a) poses.back()[a] += 0.8 * towards[a];  // deep in: every term works
  }
  testing::StartCountingAllocations();  // the counter itself works
  const std::vector<int> probe(10);
  ASSERT_GT(testing::StopCountingAllocations(), 0);
  double sink = 0;
  testing::StartCountingAllocations();
  for (const auto& x : poses) {
    ForwardKinematics(hand, x.data(), 0, 1, data);
    sink += Energy(hand, s.object, EnergyWeights{}, data, 0, x.data(), true, ws, grad.data()).pen;
  }
  EXPECT_EQ(testing::StopCountingAllocations(), 0);
  EXPECT_GT(sink, 0) << "the poses should penetrate, so E_pen's gradient path ran";
}

}  // namespace
}  // namespace dexvlg
