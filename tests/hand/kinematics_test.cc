// Forward kinematics and point Jacobians against MuJoCo's own mj_kinematics / mj_jac and against
// finite differences, on the built-in hand and (when ../shared/assets is present) the Menagerie
// Shadow and Allegro hands.
#include "hand/kinematics.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "alloc_counter.h"
#include "hand/hand_geometry.h"
#include "hand/hand_loader.h"
#include "mj/mjcf.h"
#include "test_util.h"

namespace dexvlg {
namespace {

using RowMat3 = Eigen::Matrix<double, 3, 3, Eigen::RowMajor>;

struct HandCase {
  std::string name;
  MjModelPtr mj;
  HandModel hand;
};

// The three hands of the issue: built-in, Menagerie Shadow (root rh_palm: 22 of its 24 joints),
// Menagerie Allegro (16 joints). Asset hands are absent when ../shared/assets is.
std::vector<HandCase> Hands() {
  std::vector<HandCase> cases;
  auto builtin = LoadMjcfText(DefaultHandMjcf(), "builtin");
  EXPECT_TRUE(builtin.ok());
  cases.push_back({"builtin", std::move(builtin.value()), DefaultHand()});
  const std::string assets = testing::SharedAssets();
  if (!assets.empty()) {
    for (const char* rel : {"/hands/menagerie_shadow_hand/right_hand.xml",
                            "/hands/menagerie_wonik_allegro/right_hand.xml"}) {
      auto mj = LoadMjcf(assets + rel);
      EXPECT_TRUE(mj.ok()) << mj.error().message;
      auto hand = LoadHand(assets + rel);
      EXPECT_TRUE(hand.ok()) << hand.error().message;
      cases.push_back({rel, std::move(mj.value()), std::move(hand.value())});
    }
  }
  return cases;
}

TEST(KinematicsTest, MatchesMujocoOnRandomConfigurations) {
  if (testing::SharedAssets().empty())
    std::cout << "[note] ../shared/assets absent: built-in hand only\n";
  for (HandCase& c : Hands()) {
    SCOPED_TRACE(c.name);
    const mjModel* m = c.mj.get();
    mjData* d = mj_makeData(m);
    const HandModel& hand = c.hand;
    std::vector<int> body(hand.num_links()), qadr(hand.nq()), dadr(hand.nq());
    for (int l = 0; l < hand.num_links(); ++l) {
      body[l] = mj_name2id(m, mjOBJ_BODY, hand.links[l].name.c_str());
      ASSERT_GE(body[l], 0);
    }
    for (int j = 0; j < hand.nq(); ++j) {
      const int mj_joint = mj_name2id(m, mjOBJ_JOINT, hand.joints[j].name.c_str());
      ASSERT_GE(mj_joint, 0);
      qadr[j] = m->jnt_qposadr[mj_joint];
      dadr[j] = m->jnt_dofadr[mj_joint];
    }
    const int count = 1000;
    std::vector<double> poses = testing::RandomPoses(hand, count, 42);
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(-0.5, 0.5);
    KinematicsData data(hand, count);
    std::vector<double> jacp(3 * m->nv), J(3 * hand.dof());
    double max_err = 0, max_jac_err = 0;
    for (int b = 0; b < count; ++b) {
      double* x = &poses[static_cast<size_t>(b) * hand.pose_size()];
      // joints above the root (e.g. the Menagerie wrist) get random values too
      for (int i = 0; i < m->nq; ++i) d->qpos[i] = u(rng);
      for (int j = 0; j < hand.nq(); ++j) d->qpos[qadr[j]] = x[7 + j];
      mj_kinematics(m, d);
      mj_comPos(m, d);
      // the root pose is whatever MuJoCo computed for the root body
      for (int i = 0; i < 3; ++i) x[i] = d->xpos[3 * body[0] + i];
      for (int i = 0; i < 4; ++i) x[3 + i] = d->xquat[4 * body[0] + i];
      ForwardKinematics(hand, poses.data(), b, b + 1, data);
      for (int l = 0; l < hand.num_links(); ++l) {
        for (int i = 0; i < 3; ++i) {
          max_err = std::max(max_err, std::abs(data.p(b, l)[i] - d->xpos[3 * body[l] + i]));
        }
        for (int i = 0; i < 9; ++i) {
          max_err = std::max(max_err, std::abs(data.R(b, l)[i] - d->xmat[9 * body[l] + i]));
        }
      }
      // point Jacobian of a point on a random link against mj_jac's joint columns
      const int l = 1 + b % (hand.num_links() - 1);
      const Vec3 p_L(0.01, -0.005, 0.02);
      double p_O[3];
      PointPosition(data, b, {l, p_L}, p_O);
      mj_jac(m, d, jacp.data(), nullptr, p_O, body[l]);
      PointJacobian(hand, data, b, l, p_O, J.data());
      for (int j = 0; j < hand.nq(); ++j) {
        for (int r = 0; r < 3; ++r) {
          max_jac_err = std::max(max_jac_err,
                                 std::abs(J[r * hand.dof() + 6 + j] - jacp[r * m->nv + dadr[j]]));
        }
      }
    }
    EXPECT_LT(max_err, 1e-9);
    EXPECT_LT(max_jac_err, 1e-9);
    mj_deleteData(d);
  }
}

// Finite differences of positions with respect to [t, ω, q], ω applied on the left in O.
void ExpectJacobianMatchesFiniteDifferences(const HandModel& hand, unsigned seed) {
  const int count = 20;
  std::vector<double> poses = testing::RandomPoses(hand, count, seed);
  KinematicsData data(hand, 1), plus(hand, 1), minus(hand, 1);
  std::vector<double> J(3 * hand.dof());
  const double eps = 1e-6;
  for (int b = 0; b < count; ++b) {
    const double* x = &poses[static_cast<size_t>(b) * hand.pose_size()];
    ForwardKinematics(hand, x, 0, 1, data);
    for (int ci = 0; ci < static_cast<int>(hand.contacts.size()); ++ci) {
      double p[3];
      ContactFrames(hand, data, 0, &ci, 1, p, nullptr, J.data());
      for (int col = 0; col < hand.dof(); ++col) {
        const auto [xp, xm] = testing::PerturbedPoses(hand, x, col, eps);
        ForwardKinematics(hand, xp.data(), 0, 1, plus);
        ForwardKinematics(hand, xm.data(), 0, 1, minus);
        double pp[3], pm[3];
        ContactFrames(hand, plus, 0, &ci, 1, pp, nullptr, nullptr);
        ContactFrames(hand, minus, 0, &ci, 1, pm, nullptr, nullptr);
        for (int r = 0; r < 3; ++r) {
          EXPECT_NEAR(J[r * hand.dof() + col], (pp[r] - pm[r]) / (2 * eps), 1e-7)
              << "contact " << hand.contacts[ci].name << " column " << col;
        }
      }
    }
  }
}

TEST(KinematicsTest, JacobiansMatchFiniteDifferences) {
  for (HandCase& c : Hands()) {
    SCOPED_TRACE(c.name);
    ExpectJacobianMatchesFiniteDifferences(c.hand, 11);
  }
}

TEST(KinematicsTest, HotPathDoesNotAllocate) {
  const HandModel& hand = DefaultHand();
  const int count = 64;
  const std::vector<double> poses = testing::RandomPoses(hand, count, 3);
  KinematicsData data(hand, count);
  const int k = static_cast<int>(hand.wrap.size());
  std::vector<double> p(3 * k), n(3 * k), J(3 * k * hand.dof()), grad(hand.dof());
  testing::StartCountingAllocations();
  ForwardKinematics(hand, poses.data(), 0, count, data);
  double sink = 0;
  for (int b = 0; b < count; ++b) {
    ContactFrames(hand, data, b, hand.wrap.data(), k, p.data(), n.data(), J.data());
    const Vec3 probe(p[0], p[1], p[2]);
    const HandDistance d = HandSignedDistance(hand, data, b, probe);
    HandDistancePoseGradient(hand, data, b, probe, d, grad.data());
    sink += SelfCollisionDistance(hand, data, b, grad.data()).distance;
  }
  EXPECT_EQ(testing::StopCountingAllocations(), 0);
  EXPECT_TRUE(std::isfinite(sink));
}

TEST(KinematicsTest, ThreadedBatchEqualsSerial) {
  const HandModel& hand = DefaultHand();
  const int count = 2000;
  const std::vector<double> poses = testing::RandomPoses(hand, count, 9);
  KinematicsData serial(hand, count), threaded(hand, count);
  ForwardKinematics(hand, poses.data(), 0, count, serial);
  tbb::parallel_for(tbb::blocked_range<int>(0, count, 64), [&](const tbb::blocked_range<int>& r) {
    ForwardKinematics(hand, poses.data(), r.begin(), r.end(), threaded);
  });
  for (int b = 0; b < count; ++b) {
    for (int l = 0; l < hand.num_links(); ++l) {
      for (int i = 0; i < 3; ++i) ASSERT_EQ(serial.p(b, l)[i], threaded.p(b, l)[i]);
    }
  }
}

TEST(KinematicsTest, ContractViolationsAreReported) {
  const HandModel& hand = DefaultHand();
  KinematicsData data(hand, 2);
  std::vector<double> poses(3 * hand.pose_size(), 0.0);
  EXPECT_THROW(ForwardKinematics(hand, poses.data(), 0, 3, data), ContractViolation);
  EXPECT_THROW(ForwardKinematics(hand, poses.data(), 0, 1, data), ContractViolation);  // zero quat
}

}  // namespace
}  // namespace dexvlg
