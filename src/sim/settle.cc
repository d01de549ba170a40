#include "sim/settle.h"

#include <tbb/enumerable_thread_specific.h>

#include <memory>

namespace dexvlg {

namespace {
constexpr double kSettledMove = 0.01;    ///< m
constexpr double kSettledTurnDeg = 5.0;  ///< degrees
constexpr int kGentle = 5;               ///< the first round squeezes 5 x slower
}  // namespace

GraspRefiner Settler(const SimScene& scene, int rounds) {
  auto workers = std::make_shared<tbb::enumerable_thread_specific<SimWorker>>(
      [&scene] { return scene.MakeWorker(); });
  return [&scene, workers, rounds](Grasp& g, int /*target_part*/) -> std::string {
    SimWorker& w = workers->local();
    // the first round squeezes gently from the grasp itself (where the object balances),
    // then up to `rounds` at the protocol's pace until closing barely moves the object
    for (int r = 0; r <= rounds; ++r) {
      SettledGrasp s = scene.Settle(g.pregrasp.data(), g.grasp.data(), g.squeeze.data(), w,
                                    r == 0 ? kGentle : 1);
      if (!s.reason.empty()) return "settle: " + s.reason;
      g.pregrasp = std::move(s.pregrasp);
      g.grasp = std::move(s.grasp);
      g.squeeze = std::move(s.squeeze);
      if (r > 0 && s.moved < kSettledMove && s.turned_deg < kSettledTurnDeg) return "";
    }
    return "settle: the object still moves as the hand closes";
  };
}

}  // namespace dexvlg
