#include "sim/settle.h"

#include <tbb/enumerable_thread_specific.h>

#include <memory>

namespace dexvlg {

namespace {
constexpr double kSettledMove = 0.01;    ///< m
constexpr double kSettledTurnDeg = 5.0;  ///< degrees
constexpr int kGentle = 5;               ///< the first round squeezes 5 x slower
constexpr double kSqueezeScales[] = {1.0, 1.0 / 3};

/// The gentle round, then protocol-pace rounds until a fixed point; "" when settled (g moved
/// to rows whose replay was checked).
std::string SettleRounds(const SimScene& scene, SimWorker& w, int rounds, Grasp& g) {
  // the first round squeezes gently from the grasp itself (where the object balances),
  // then up to `rounds` at the protocol's pace until closing barely moves the object
  for (int r = 0; r <= rounds; ++r) {
    SettledGrasp s = scene.Settle(g.pregrasp, g.grasp, g.squeeze, w, r == 0 ? kGentle : 1);
    if (!s.reason.empty()) return "settle: " + s.reason;
    // the rows just replayed closed where the object already balanced: keep them (the new
    // rows would need a replay of their own to be known as good)
    if (r > 0 && s.moved < kSettledMove && s.turned_deg < kSettledTurnDeg) return "";
    g.pregrasp = std::move(s.pregrasp);
    g.grasp = std::move(s.grasp);
    g.squeeze = std::move(s.squeeze);
  }
  return "settle: the object still moves as the hand closes";
}

}  // namespace

GraspRefiner Settler(const SimScene& scene, int rounds) {
  auto workers = std::make_shared<tbb::enumerable_thread_specific<SimWorker>>(
      [&scene] { return scene.MakeWorker(); });
  return [&scene, workers, rounds](Grasp& g) -> std::string {
    SimWorker& w = workers->local();
    const int size = static_cast<int>(g.grasp.size());
    std::string reason;
    // the squeeze as synthesised, then a third of it: a hard squeeze holds elongated objects
    // best but knocks round ones out of the hand (docs/synth.md)
    for (const double scale : kSqueezeScales) {
      Grasp t = g;
      for (int i = 7; i < size; ++i)
        t.squeeze[i] = g.grasp[i] + scale * (g.squeeze[i] - g.grasp[i]);
      reason = SettleRounds(scene, w, rounds, t);
      if (reason.empty()) {
        g = std::move(t);
        return "";
      }
    }
    return reason;
  };
}

}  // namespace dexvlg
