// Batched FK + the Jacobians of the 7 wrap contact points, dexvlg against MuJoCo's generic path
// (mj_kinematics + mj_comPos + mj_jac per point) on the same configurations, in the same run.
// The MuJoCo model is the built-in hand with a free joint on the palm, so both compute the same
// 3 x 28 Jacobians. Prints the speed-up as a ratio after the Google Benchmark table.
//
//   ./build/bench/kinematics_bench [--benchmark_min_time=0.5]
#include <benchmark/benchmark.h>
#include <mujoco/mujoco.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <iostream>
#include <map>
#include <string>

#include "hand/hand_loader.h"
#include "hand/kinematics.h"
#include "mj/mjcf.h"

namespace dexvlg {
namespace {

constexpr int kBatch = 4096;
constexpr int kGrain = 128;

struct Fixture {
  const HandModel& hand = DefaultHand();
  std::vector<double> poses;
  MjModelPtr mj;
  std::vector<int> contact_body;  // MuJoCo body of each wrap contact
  Fixture() {
    poses = RandomPoses(hand, kBatch, 1);
    std::string xml(DefaultHandMjcf());
    const std::string palm = "<body name=\"palm\">";
    xml.replace(xml.find(palm), palm.size(), palm + "<freejoint name=\"root\"/>");
    auto loaded = LoadMjcfText(xml, "builtin+freejoint");
    DEXVLG_DEMAND(loaded.ok(), loaded.error().message);
    mj = std::move(loaded.value());
    for (int ci : hand.wrap) {
      contact_body.push_back(
          mj_name2id(mj.get(), mjOBJ_BODY, hand.links[hand.contacts[ci].link].name.c_str()));
    }
  }
};

Fixture& Data() {
  static Fixture f;
  return f;
}

void BM_Dexvlg(benchmark::State& state) {
  Fixture& f = Data();
  const HandModel& hand = f.hand;
  const int threads = static_cast<int>(state.range(0));
  tbb::task_arena arena(threads);
  KinematicsData data(hand, kBatch);
  const int k = static_cast<int>(hand.wrap.size());
  struct Scratch {
    std::vector<double> p, n, J;
  };
  tbb::enumerable_thread_specific<Scratch> scratch([&] {
    return Scratch{std::vector<double>(3 * k), std::vector<double>(3 * k),
                   std::vector<double>(3 * k * hand.dof())};
  });
  for (auto _ : state) {
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<int>(0, kBatch, kGrain), [&](const tbb::blocked_range<int>& r) {
            Scratch& s = scratch.local();
            ForwardKinematics(hand, f.poses.data(), r.begin(), r.end(), data);
            for (int b = r.begin(); b < r.end(); ++b) {
              ContactFrames(hand, data, b, hand.wrap.data(), k, s.p.data(), s.n.data(), s.J.data());
              benchmark::DoNotOptimize(s.J.data());
            }
          });
    });
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["ns_per_config"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kBatch,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Mujoco(benchmark::State& state) {
  Fixture& f = Data();
  const HandModel& hand = f.hand;
  const mjModel* m = f.mj.get();
  const int threads = static_cast<int>(state.range(0));
  tbb::task_arena arena(threads);
  struct Scratch {
    mjData* d;
    std::vector<double> jacp;
  };
  tbb::enumerable_thread_specific<Scratch> scratch([&] {
    return Scratch{mj_makeData(m), std::vector<double>(3 * m->nv)};
  });
  const int k = static_cast<int>(hand.wrap.size());
  for (auto _ : state) {
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<int>(0, kBatch, kGrain), [&](const tbb::blocked_range<int>& r) {
            Scratch& s = scratch.local();
            for (int b = r.begin(); b < r.end(); ++b) {
              // joint order of the hand equals the MJCF order, after the 7 free-joint values
              mju_copy(s.d->qpos, &f.poses[static_cast<size_t>(b) * hand.pose_size()], m->nq);
              mj_kinematics(m, s.d);
              mj_comPos(m, s.d);
              for (int c = 0; c < k; ++c) {
                const ContactCandidate& cc = hand.contacts[hand.wrap[c]];
                const int body = f.contact_body[c];
                mjtNum p[3];
                mju_rotVecMat(p, cc.p_L.data(), s.d->xmat + 9 * body);
                mju_addTo3(p, s.d->xpos + 3 * body);
                mj_jac(m, s.d, s.jacp.data(), nullptr, p, body);
                benchmark::DoNotOptimize(s.jacp.data());
              }
            }
          });
    });
  }
  for (Scratch& s : scratch) mj_deleteData(s.d);
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["ns_per_config"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kBatch,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(BM_Dexvlg)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime()->Unit(
    benchmark::kMillisecond);
BENCHMARK(BM_Mujoco)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime()->Unit(
    benchmark::kMillisecond);

// Collects ns per configuration from each run to print the ratios at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      auto it = r.counters.find("ns_per_config");
      if (it != r.counters.end()) ns_[r.benchmark_name()] = it->second.value * 1e9;
    }
  }
  void PrintRatios() const {
    std::cout << "\nFK + " << Data().hand.wrap.size() << " wrap-contact Jacobians, " << kBatch
              << " configurations per iteration (ns per configuration):\n";
    for (const char* t : {"1", "2"}) {
      const auto d = ns_.find(std::string("BM_Dexvlg/threads:") + t + "/real_time");
      const auto m = ns_.find(std::string("BM_Mujoco/threads:") + t + "/real_time");
      if (d == ns_.end() || m == ns_.end()) continue;
      std::cout << "  " << t << " thread(s): dexvlg " << d->second << " ns, MuJoCo " << m->second
                << " ns, speed-up x" << m->second / d->second << "\n";
    }
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace
}  // namespace dexvlg

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  dexvlg::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
