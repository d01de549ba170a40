// MuJoCo's fatal errors come back as values from the guarded call, and the process goes on.
#include "mj/mjcf.h"

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <string>

namespace dexvlg {
namespace {

TEST(GuardMujoco, AFatalErrorReturnsItsMessageAndTheNextCallRuns) {
  const std::string fatal =
      GuardMujoco([](void*) { mju_error("a fatal error for the test"); }, nullptr);
  EXPECT_EQ(fatal, "a fatal error for the test");
  int ran = 0;
  EXPECT_EQ(GuardMujoco([](void* c) { ++*static_cast<int*>(c); }, &ran), "");
  EXPECT_EQ(ran, 1);
}

TEST(GuardMujoco, NestedGuardsReturnToTheInnermost) {
  struct Outer {
    std::string inner;  // written by the inner guard's caller, read after the outer returns
    bool after = false;
  } o;
  const std::string outer = GuardMujoco(
      [](void* c) {
        auto* s = static_cast<Outer*>(c);
        s->inner = GuardMujoco([](void*) { mju_error("inner"); }, nullptr);
        s->after = true;  // the outer call goes on after the inner error
      },
      &o);
  EXPECT_EQ(outer, "");
  EXPECT_EQ(o.inner, "inner");
  EXPECT_TRUE(o.after);
}

TEST(GuardMujoco, EachThreadHasItsOwnGuard) {
  std::atomic<int> right{0};
  tbb::parallel_for(0, 200, [&](int i) {
    const bool fail = i % 2 == 0;
    const std::string got =
        GuardMujoco(fail ? static_cast<void (*)(void*)>([](void*) { mju_error("odd one out"); })
                         : static_cast<void (*)(void*)>([](void*) {}),
                    nullptr);
    if (got == (fail ? "odd one out" : "")) ++right;
  });
  EXPECT_EQ(right.load(), 200);
}

// A real fatal error from inside mj_step (an integrator MuJoCo does not know), then the same
// data steps on once the model is mended.
TEST(GuardMujoco, AFatalErrorInsideMjStepIsReturned) {
  auto model = LoadMjcfText(
      "<mujoco><worldbody><body><freejoint/><geom type=\"sphere\" size=\"0.05\"/></body>"
      "</worldbody></mujoco>",
      "ball");
  ASSERT_TRUE(model.ok()) << model.error().message;
  struct Run {
    mjModel* m;
    mjData* d;
  } run{model->get(), nullptr};
  run.d = mj_makeData(run.m);
  ASSERT_NE(run.d, nullptr);
  const int integrator = run.m->opt.integrator;
  run.m->opt.integrator = 99;
  auto steps = [](void* c) {
    auto* r = static_cast<Run*>(c);
    for (int s = 0; s < 10; ++s) mj_step(r->m, r->d);
  };
  const std::string fatal = GuardMujoco(steps, &run);
  EXPECT_NE(fatal.find("ntegrator"), std::string::npos) << "MuJoCo said: \"" << fatal << "\"";
  run.m->opt.integrator = integrator;
  EXPECT_EQ(GuardMujoco(steps, &run), "");
  EXPECT_LT(run.d->qpos[2], -0.001) << "the ball falls once the model is mended";
  mj_deleteData(run.d);
}

}  // namespace
}  // namespace dexvlg
