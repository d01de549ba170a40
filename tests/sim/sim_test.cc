#include "sim/sim.h"

#include <gtest/gtest.h>

#include <memory>

#include <functional>
#include <iostream>
#include <map>

#include "core/rotation.h"
#include "core/tri_mesh.h"
#include "hand/hand_loader.h"
#include "hand/kinematics.h"
#include "object/convex.h"
#include "parts/prepare.h"
#include "sim/settle.h"
#include "synth/synth.h"

namespace dexvlg {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct Fixture {
  LabeledMesh object;
  std::vector<TriMesh> pieces;
  SynthResult grasps;
};

/// A procedural object, its collision pieces and a few synthesised grasps of `part`.
const Fixture& Prepared(const std::string& name, const std::string& part) {
  static std::map<std::string, Fixture> cache;
  auto it = cache.find(name + "/" + part);
  if (it == cache.end()) {
    Fixture f;
    f.object = LoadClosedObject(name).value();
    f.pieces = ShellPieces(f.object.mesh);
    SynthOptions options;
    options.part = part;
    options.count = 4;
    options.batch = 16;
    f.grasps = Synthesize(DefaultHand(), f.object, options).value();
    it = cache.emplace(name + "/" + part, std::move(f)).first;
  }
  return it->second;
}

/// Builds the fixture's scene with `params` and simulates one grasp.
SimOutcome Simulate(const Fixture& f, const Grasp& g, const SimParams& params = {}) {
  auto scene = SimScene::Build(DefaultHand(), f.object, f.pieces, params);
  EXPECT_TRUE(scene.ok());
  SimWorker w = scene->MakeWorker();
  return scene->Run(g.pregrasp, g.grasp, g.squeeze, f.grasps.target_label, w);
}

TEST(SimTest, TheForceMovesAnUnheldObjectInEveryDirection) {
  const Fixture& f = Prepared("box", "body");
  auto scene = SimScene::Build(DefaultHand(), f.object, f.pieces, SimParams{});
  ASSERT_TRUE(scene.ok()) << scene.error().message;
  SimWorker w = scene->MakeWorker();
  const auto moved = scene->UnheldTranslation(w);
  for (int d = 0; d < kDirections; ++d) {
    // 10 m/s^2 for 2 s: 20 m; anything above the 5 cm threshold proves the force acts
    EXPECT_GT(moved[d], 1.0) << DirectionName(d);
  }
}

TEST(SimTest, TheSceneOwnsWhatItSimulates) {
  // the hand and the object given to Build are gone before the scene runs: it keeps copies
  const Fixture& f = Prepared("box", "body");
  std::unique_ptr<SimScene> scene;
  {
    const HandModel hand = DefaultHand();
    const LabeledMesh object = f.object;
    auto built = SimScene::Build(hand, object, f.pieces, SimParams{});
    ASSERT_TRUE(built.ok()) << built.error().message;
    scene = std::make_unique<SimScene>(std::move(*built));
  }
  auto reference = SimScene::Build(DefaultHand(), f.object, f.pieces, SimParams{});
  ASSERT_TRUE(reference.ok());
  ASSERT_FALSE(f.grasps.grasps.empty());
  const Grasp& g = f.grasps.grasps.front();
  SimWorker a = scene->MakeWorker(), b = reference->MakeWorker();
  const SimOutcome mine = scene->Run(g.pregrasp, g.grasp, g.squeeze, 0, a);
  const SimOutcome theirs = reference->Run(g.pregrasp, g.grasp, g.squeeze, 0, b);
  EXPECT_EQ(mine.success, theirs.success);
  EXPECT_EQ(mine.reason, theirs.reason);
  EXPECT_EQ(mine.caption, theirs.caption);
  EXPECT_DOUBLE_EQ(mine.penetration, theirs.penetration);
}

TEST(SimTest, AHandTenCentimetresAwayFails) {
  const Fixture& f = Prepared("hammer", "handle");
  ASSERT_FALSE(f.grasps.grasps.empty());
  Grasp g = f.grasps.grasps.front();
  Vec3 lo, hi;
  f.object.mesh.Bounds(&lo, &hi);  // away from the object's centre, through the hand's root
  const Vec3 away =
      (Vec3(g.grasp[0], g.grasp[1], g.grasp[2]) - 0.5 * (lo + hi)).normalized() * 0.10;
  for (std::vector<double>* pose : {&g.pregrasp, &g.grasp, &g.squeeze}) {
    for (int a = 0; a < 3; ++a) (*pose)[a] += away[a];
  }
  const SimOutcome out = Simulate(f, g);
  EXPECT_FALSE(out.success);
  EXPECT_FALSE(out.valid);
  EXPECT_EQ(out.reason, "dropped along +x");
  EXPECT_TRUE(out.contact_links.empty());
  EXPECT_EQ(out.held[0], 0) << "the unheld object leaves along +x";
  // table-top lift variant: the hand lifts nothing, the object stays on the table
  SimParams table;
  table.table = true;
  const SimOutcome lifted = Simulate(f, g, table);
  EXPECT_FALSE(lifted.success);
  EXPECT_EQ(lifted.held[4], 0);
  EXPECT_GT(lifted.translation[4], 0.05) << "the object stayed below the lifted hand";
}

TEST(SimTest, ADeeplyPenetratingGraspIsRejected) {
  const Fixture& f = Prepared("hammer", "handle");
  ASSERT_FALSE(f.grasps.grasps.empty());
  Grasp g = f.grasps.grasps.front();
  // push the whole hand 1.5 cm into the handle, towards its axis
  const Vec3 in = -Vec3(g.grasp[0], g.grasp[1], 0).normalized() * 0.015;
  for (std::vector<double>* pose : {&g.grasp, &g.squeeze}) {
    for (int a = 0; a < 3; ++a) (*pose)[a] += in[a];
  }
  const SimOutcome out = Simulate(f, g);
  EXPECT_FALSE(out.valid);
  EXPECT_GE(out.penetration, 0.003) << "exact depth at the placed grasp pose";
}

TEST(SimTest, SceneIsReusedAndRunsAreRepeatable) {
  const Fixture& f = Prepared("hammer", "handle");
  auto scene = SimScene::Build(DefaultHand(), f.object, f.pieces, SimParams{});
  ASSERT_TRUE(scene.ok());
  SimWorker w = scene->MakeWorker();
  for (const Grasp& g : f.grasps.grasps) {
    const SimOutcome a = scene->Run(g.pregrasp, g.grasp, g.squeeze, f.grasps.target_label, w);
    const SimOutcome b = scene->Run(g.pregrasp, g.grasp, g.squeeze, f.grasps.target_label, w);
    EXPECT_EQ(a.success, b.success);
    EXPECT_EQ(a.reason, b.reason);
    EXPECT_EQ(a.translation, b.translation);  // bit for bit: the reset restores everything
    EXPECT_EQ(a.contact_links, b.contact_links);
  }
  // restoring the saved post-squeeze state for each direction equals closing the hand again
  SimParams every, plain;
  every.early_exit = plain.early_exit = false;
  plain.reuse_closing = false;
  auto reuse = SimScene::Build(DefaultHand(), f.object, f.pieces, every);
  auto again = SimScene::Build(DefaultHand(), f.object, f.pieces, plain);
  ASSERT_TRUE(reuse.ok() && again.ok());
  SimWorker wr = reuse->MakeWorker(), wa = again->MakeWorker();
  const Grasp& g = f.grasps.grasps.front();
  const SimOutcome a = reuse->Run(g.pregrasp, g.grasp, g.squeeze, f.grasps.target_label, wr);
  const SimOutcome b = again->Run(g.pregrasp, g.grasp, g.squeeze, f.grasps.target_label, wa);
  EXPECT_EQ(a.held, b.held);
  EXPECT_EQ(a.translation, b.translation);
  EXPECT_EQ(a.rotation_deg, b.rotation_deg);
  for (int d = 0; d < kDirections; ++d) EXPECT_NE(a.held[d], -1) << "all six ran";
}

TEST(SimTest, CollisionPiecesMatchTheSynthesisGeometry) {
  // the synthesis filters penetration on the exact mesh (< 3 mm); MuJoCo, colliding the shell
  // pieces, must see about the same depth at the grasp pose
  // (the object pinned where the synthesis placed it, so that the contacts after the squeeze
  // are the optimised geometry's, not wherever a free object was pushed)
  const Fixture& f = Prepared("hammer", "handle");
  SimParams pinned;
  pinned.pin_object_while_closing = true;
  auto scene = SimScene::Build(DefaultHand(), f.object, f.pieces, pinned);
  ASSERT_TRUE(scene.ok());
  SimWorker w = scene->MakeWorker();
  int touching = 0;
  for (const Grasp& g : f.grasps.grasps) {
    const SimOutcome out = scene->Run(g.pregrasp, g.grasp, g.squeeze, f.grasps.target_label, w);
    EXPECT_LT(out.penetration, 0.003 + 0.002) << "synthesis measured " << g.penetration;
    touching += !out.contact_links.empty();
  }
  EXPECT_EQ(touching, static_cast<int>(f.grasps.grasps.size()));
}

TEST(SimTest, SettledHammerHandleWrapsHoldWithTheObjectFree) {
  const LabeledMesh hammer = LoadClosedObject("hammer").value();
  const std::vector<TriMesh> pieces = ShellPieces(hammer.mesh);
  auto scene = SimScene::Build(DefaultHand(), hammer, pieces, SimParams{});
  ASSERT_TRUE(scene.ok());
  SynthOptions options;
  options.part = "handle";
  options.count = 8;
  options.batch = 32;
  // the synthesis as `synth` runs it: every accepted grasp settled in the default protocol
  const SynthResult r = Synthesize(DefaultHand(), hammer, options, {}, Settler(*scene)).value();
  ASSERT_EQ(r.grasps.size(), 8u);
  SimWorker w = scene->MakeWorker();
  int held = 0;
  for (const Grasp& g : r.grasps) {
    const SimOutcome out = scene->Run(g.pregrasp, g.grasp, g.squeeze, r.target_label, w);
    // settled: closing the hand again barely moves the object
    EXPECT_LT(out.closing_translation, 0.02);
    EXPECT_LT(out.closing_rotation_deg, 10);
    EXPECT_LT(out.penetration, 0.003);
    if (!out.success) continue;
    ++held;
    for (int d = 0; d < kDirections; ++d) {
      EXPECT_EQ(out.held[d], 1);
      EXPECT_LT(out.translation[d], 0.05);
      EXPECT_LT(out.rotation_deg[d], 15);
    }
    EXPECT_TRUE(out.part_aligned);
    EXPECT_NE(out.caption.find("Grasp the handle of the hammer object, with contacts on"),
              std::string::npos);
  }
  std::cout << "[note] " << held << " of " << r.grasps.size()
            << " settled hammer handle wraps hold under the default protocol (object free)\n";
  EXPECT_GE(held, 6) << "default protocol, object free";
}

TEST(SimTest, SettlingALostGraspSaysSo) {
  const Fixture& f = Prepared("mug", "body");
  ASSERT_FALSE(f.grasps.grasps.empty());
  auto scene = SimScene::Build(DefaultHand(), f.object, f.pieces, SimParams{});
  ASSERT_TRUE(scene.ok());
  SimWorker w = scene->MakeWorker();
  Grasp g = f.grasps.grasps[0];
  for (std::vector<double>* pose : {&g.pregrasp, &g.grasp, &g.squeeze}) (*pose)[1] += 0.10;
  const SettledGrasp s = scene->Settle(g.pregrasp, g.grasp, g.squeeze, w);
  EXPECT_EQ(s.reason, "lost the object while closing");
  EXPECT_TRUE(s.grasp.empty());
  const GraspRefiner settle = Settler(*scene);
  EXPECT_EQ(settle(g), "settle: lost the object while closing");
}

/// Small damped least-squares IK: moves the listed contact candidates of `hand` onto `targets`
/// with their outward normals along `normals`, from `pose` (root and joints free, joints kept
/// within their limits; the root too unless `fixed_root`). Returns the largest position error (m).
double SolveContacts(const HandModel& hand, const std::vector<int>& contacts,
                     const std::vector<Vec3>& targets, const std::vector<Vec3>& normals,
                     bool fixed_root, std::vector<double>* pose) {
  const int n = static_cast<int>(contacts.size()), dof = hand.dof();
  KinematicsData data(hand, 1);
  auto residual = [&](const std::vector<double>& x, Eigen::VectorXd* r) {
    ForwardKinematics(hand, x.data(), 0, 1, data);
    std::vector<double> p(3 * n), nn(3 * n);
    ContactFrames(hand, data, 0, contacts.data(), n, p.data(), nn.data(), nullptr);
    r->resize(6 * n);
    for (int i = 0; i < n; ++i) {
      for (int a = 0; a < 3; ++a) {
        (*r)[3 * i + a] = p[3 * i + a] - targets[i][a];
        (*r)[3 * n + 3 * i + a] = 0.02 * (nn[3 * i + a] - normals[i][a]);  // 1 rad ~ 2 cm
      }
    }
  };
  auto step = [&](const std::vector<double>& x, const Eigen::VectorXd& d) {
    std::vector<double> y = x;
    for (int a = 0; a < 3; ++a) y[a] += d[a];
    const Mat3 R = ExpSO3(Vec3(d[3], d[4], d[5])) * QuatToMatrix(&x[3]);
    MatrixToQuat(R, &y[3]);
    for (int j = 0; j < hand.nq(); ++j) {
      y[7 + j] = std::clamp(x[7 + j] + d[6 + j], hand.joints[j].lower, hand.joints[j].upper);
    }
    return y;
  };
  Eigen::VectorXd r, r2;
  for (int it = 0; it < 200; ++it) {
    residual(*pose, &r);
    Eigen::MatrixXd J(6 * n, dof);  // central differences through the pose update
    for (int c = 0; c < dof; ++c) {
      Eigen::VectorXd d = Eigen::VectorXd::Zero(dof);
      d[c] = 1e-6;
      residual(step(*pose, d), &r2);
      Eigen::VectorXd back;
      residual(step(*pose, -d), &back);
      J.col(c) = (r2 - back) / 2e-6;
    }
    if (fixed_root) J.leftCols(6).setZero();
    const Eigen::MatrixXd A = J.transpose() * J + 1e-4 * Eigen::MatrixXd::Identity(dof, dof);
    const Eigen::VectorXd d = -A.ldlt().solve(J.transpose() * r);
    *pose = step(*pose, d.cwiseMax(-0.05).cwiseMin(0.05));
  }
  residual(*pose, &r);
  double worst = 0;
  for (int i = 0; i < n; ++i) worst = std::max(worst, r.segment(3 * i, 3).norm());
  return worst;
}

/// A 6 x 4 x 6 cm box and a hand-built pinch on it: the thumb on the -y face, index and middle
/// fingertips opposite on +y (targets half a millimetre inside), the pregrasp opened halfway
/// and 2 cm back, the squeeze 5 mm further in.
struct BoxPinch {
  LabeledMesh box;
  std::vector<int> tips;  ///< thumb, index, middle contact candidates
  std::vector<Vec3> targets, normals;
  Grasp g;
  double error = 1e9;  ///< the IK's largest contact error (m)
};

const BoxPinch& HandBuiltBoxPinch() {
  static const BoxPinch p = [] {
    const HandModel& hand = DefaultHand();
    BoxPinch x;
    x.box = {"block", Box(Vec3(-0.03, -0.02, 0), Vec3(0.03, 0.02, 0.06)), {}, {"body"}};
    x.box.face_labels.assign(x.box.mesh.faces.size(), 0);
    x.tips.assign(hand.pinch.begin(), hand.pinch.begin() + 3);
    const double in = 0.0005;
    x.targets = {{0, -0.02 + in, 0.035}, {0.011, 0.02 - in, 0.035}, {-0.011, 0.02 - in, 0.035}};
    x.normals = {Vec3::UnitY(), -Vec3::UnitY(), -Vec3::UnitY()};
    // start: palm facing down over the box, several turns about z; keep the best solution
    const Vec3 palm = PalmNormal(hand);
    std::vector<double> best;
    for (int turn = 0; turn < 8; ++turn) {
      const Mat3 R = ExpSO3(Vec3(0, 0, turn * kPi / 4)) *
                     Eigen::Quaterniond::FromTwoVectors(palm, -Vec3::UnitZ()).toRotationMatrix();
      double quat[4];
      MatrixToQuat(R, quat);
      std::vector<double> pose = PoseRow(hand, Vec3(0, 0, 0.12), quat, hand.RestJoints());
      const double err = SolveContacts(hand, x.tips, x.targets, x.normals, false, &pose);
      if (err < x.error) x.error = err, best = pose;
    }
    x.g.grasp = best;
    x.g.pregrasp = OpenedPose(hand, x.g.grasp, 0.5, 0.02);
    std::vector<Vec3> deeper = x.targets;
    for (size_t i = 0; i < deeper.size(); ++i) deeper[i] += 0.005 * x.normals[i];
    x.g.squeeze = x.g.grasp;
    SolveContacts(hand, x.tips, deeper, x.normals, true, &x.g.squeeze);  // the root stays
    return x;
  }();
  return p;
}

TEST(SimTest, AHandBuiltOpposingBoxGraspHolds) {
  const HandModel& hand = DefaultHand();
  const BoxPinch& p = HandBuiltBoxPinch();
  ASSERT_LT(p.error, 0.002) << "the IK reaches the three contact targets";
  const LabeledMesh& box = p.box;
  Grasp g = p.g;
  auto scene = SimScene::Build(hand, box, {box.mesh}, SimParams{});
  ASSERT_TRUE(scene.ok()) << scene.error().message;
  SimWorker w = scene->MakeWorker();
  const SimOutcome out = scene->Run(g.pregrasp, g.grasp, g.squeeze, 0, w);
  EXPECT_TRUE(out.success) << out.reason;
  for (int d = 0; d < kDirections; ++d) {
    EXPECT_EQ(out.held[d], 1) << DirectionName(d);
    EXPECT_LT(out.translation[d], 0.05) << DirectionName(d);
  }
  EXPECT_LT(out.penetration, 0.003);
  EXPECT_NE(out.caption.find("thumb"), std::string::npos) << out.caption;
  EXPECT_NE(out.caption.find("index finger"), std::string::npos) << out.caption;
  // the same hand 10 cm away along +y holds nothing
  for (std::vector<double>* pose : {&g.pregrasp, &g.grasp, &g.squeeze}) (*pose)[1] += 0.10;
  const SimOutcome away = scene->Run(g.pregrasp, g.grasp, g.squeeze, 0, w);
  EXPECT_FALSE(away.success);
  EXPECT_TRUE(away.contact_links.empty());
  // rows of another length are refused by name, nothing read past their end
  const std::vector<double> short_row(g.grasp.begin(), g.grasp.begin() + 10);
  const SimOutcome wrong = scene->Run(g.pregrasp, short_row, g.squeeze, 0, w);
  EXPECT_FALSE(wrong.success);
  EXPECT_NE(wrong.reason.find("a pose row of 10 values"), std::string::npos) << wrong.reason;
  EXPECT_NE(scene->Settle(short_row, g.grasp, g.squeeze, w).reason.find("10 values"),
            std::string::npos);
}

TEST(SimTest, OneFingerArrivingLongBeforeTheOthersFailsWithTheObjectFree) {
  // the box pinch again, but the thumb is already 4 mm into the box at the pregrasp while the
  // index and middle fingers start fully open: the thumb pushes the free box away long before
  // the others arrive. Pinned while the hand closes (the lenient variant) it would hold.
  const HandModel& hand = DefaultHand();
  const BoxPinch& p = HandBuiltBoxPinch();
  ASSERT_LT(p.error, 0.002);
  std::vector<double> thumb_in = p.g.grasp;
  SolveContacts(hand, {p.tips[0]}, {p.targets[0] + 0.004 * p.normals[0]}, {p.normals[0]}, true,
                &thumb_in);
  Grasp early = p.g;
  const std::vector<double> rest = hand.RestJoints();
  auto chain = [&](int tip) { return hand.links[hand.contacts[p.tips[tip]].link].chain_joints; };
  for (int j : chain(0)) early.grasp[7 + j] = early.squeeze[7 + j] = thumb_in[7 + j];
  early.pregrasp = early.grasp;
  for (int tip : {1, 2}) {
    for (int j : chain(tip)) early.pregrasp[7 + j] = rest[j];
  }
  auto free = SimScene::Build(hand, p.box, {p.box.mesh}, SimParams{});
  ASSERT_TRUE(free.ok());
  SimWorker w = free->MakeWorker();
  const SimOutcome out = free->Run(early.pregrasp, early.grasp, early.squeeze, 0, w);
  EXPECT_FALSE(out.success) << "default protocol: the early thumb knocks the box away";
  std::cout << "[note] early thumb, object free: " << out.reason << ", the box moved "
            << out.closing_translation * 1000 << " mm and turned " << out.closing_rotation_deg
            << " degrees while the hand closed\n";
  EXPECT_GT(out.closing_translation, 0.01) << "the thumb pushed the box before the others came";
  SimParams lenient;
  lenient.pin_object_while_closing = true;
  auto pinned = SimScene::Build(hand, p.box, {p.box.mesh}, lenient);
  ASSERT_TRUE(pinned.ok());
  SimWorker wp = pinned->MakeWorker();
  const SimOutcome held = pinned->Run(early.pregrasp, early.grasp, early.squeeze, 0, wp);
  EXPECT_TRUE(held.success) << "lenient pinned variant: " << held.reason;
}

TEST(SimTest, ProtocolParametersRoundTripAsText) {
  SimParams p;
  p.kp = 7.5;
  p.weld_solimp = {0.8, 0.9, 0.002, 0.4, 3};
  p.pin_object_while_closing = true;
  p.waypoints = 12;
  const std::string text = SimParamsText(p);
  auto back = ParseSimParams(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(SimParamsText(*back), text);
  EXPECT_EQ(back->kp, 7.5);
  EXPECT_EQ(back->weld_solimp[4], 3);
  EXPECT_TRUE(back->pin_object_while_closing);
  EXPECT_EQ(back->waypoints, 12);
  // the defaults are DexGraspBench's
  const SimParams d;
  EXPECT_FALSE(d.pin_object_while_closing);
  EXPECT_EQ(d.object_mass, 0.1);
  EXPECT_EQ(d.timestep, 0.004);
  EXPECT_EQ(d.waypoints * d.substeps, 100);
  EXPECT_EQ(d.force_checks, 10);
  EXPECT_FALSE(ParseSimParams("kp=five").ok());
  EXPECT_FALSE(ParseSimParams("no_such_parameter=1").ok());
  EXPECT_FALSE(ParseSimParams("hand_solimp=0.5 0.99").ok());
}

TEST(SimTest, ParametersValidateThemselves) {
  EXPECT_TRUE(SimParams{}.Validate().ok());
  const Fixture& f = Prepared("mug", "body");
  struct Case {
    const char* name;
    std::function<void(SimParams&)> spoil;
  };
  for (const Case& c : std::vector<Case>{
           {"timestep", [](SimParams& p) { p.timestep = 0; }},
           {"timestep", [](SimParams& p) { p.timestep = 0.5; }},
           {"kp", [](SimParams& p) { p.kp = -1; }},
           {"object_mass", [](SimParams& p) { p.object_mass = 0; }},
           {"friction", [](SimParams& p) { p.friction = NAN; }},
           {"hand_solimp", [](SimParams& p) { p.hand_solimp[1] = -0.5; }},
           {"waypoints", [](SimParams& p) { p.waypoints = 0; }},
       }) {
    SimParams p;
    c.spoil(p);
    const Status s = p.Validate();
    ASSERT_FALSE(s.ok()) << c.name;
    EXPECT_NE(s.error().message.find(c.name), std::string::npos) << s.error().message;
    auto scene = SimScene::Build(DefaultHand(), f.object, f.pieces, p);
    EXPECT_FALSE(scene.ok()) << c.name << ": Build checks the parameters";
  }
}

TEST(SimTest, CaptionsNameThePartObjectAndFingers) {
  const HandModel& hand = DefaultHand();
  const int th = hand.LinkIndex("thdistal"), ff = hand.LinkIndex("ffdistal"),
            mf = hand.LinkIndex("mfmiddle");
  ASSERT_GE(th, 0);
  EXPECT_EQ(FingerOfLink(hand, th), "thumb");
  EXPECT_EQ(FingerOfLink(hand, 0), "palm");
  EXPECT_EQ(Caption(hand, "handle", "mug", {ff, th}),
            "Grasp the handle of the mug object, with contacts on thumb and index finger");
  EXPECT_EQ(Caption(hand, "body", "bottle", {mf, 0, ff, th}),
            "Grasp the body of the bottle object, with contacts on thumb, index finger, middle "
            "finger and palm");
}

}  // namespace
}  // namespace dexvlg
