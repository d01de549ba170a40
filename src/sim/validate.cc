#include "sim/validate.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace dexvlg {

Expected<ValidationRun> ValidateGrasps(const SimScene& scene, const std::vector<double>& pregrasp,
                                       const std::vector<double>& grasp,
                                       const std::vector<double>& squeeze, int count,
                                       int target_part, const std::string& checkpoint_path,
                                       const std::function<void(int, int)>& progress) {
  const int n = count, ps = scene.hand().pose_size();
  const size_t need = static_cast<size_t>(n) * ps;
  if (n < 0 || pregrasp.size() != need || grasp.size() != need || squeeze.size() != need) {
    return Error{"validate: " + std::to_string(n) + " grasps need " + std::to_string(need) +
                 " values per pose array (the hand " + scene.hand().name + " has " +
                 std::to_string(ps) + " per row)"};
  }
  auto row = [&](const std::vector<double>& poses, int i) {
    return std::vector<double>(poses.begin() + static_cast<size_t>(i) * ps,
                               poses.begin() + static_cast<size_t>(i + 1) * ps);
  };
  const std::string params_text = SimParamsText(scene.params());
  std::vector<SimOutcome> outcomes(n);
  std::vector<char> done(n, 0);
  int resumed = 0;
  {
    std::ifstream in(checkpoint_path);
    std::string line;
    bool matches = false;
    if (in && std::getline(in, line)) {
      const auto head = nlohmann::json::parse(line, nullptr, false);
      matches = !head.is_discarded() && head.value("params", "") == params_text &&
                head.value("count", -1) == n;
    }
    while (matches && std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.contains("i")) continue;  // a line cut by the kill
      SimOutcome o;
      int i = -1;
      try {
        i = j.at("i").get<int>();
        o.success = j.at("success").get<bool>();
        o.valid = j.at("valid").get<bool>();
        o.pregrasp_penetration = j.at("pregrasp_penetration").get<double>();
        o.part_aligned = j.at("part_aligned").get<bool>();
        o.held = j.at("held").get<std::array<int, kDirections>>();
        o.translation = j.at("translation").get<std::array<double, kDirections>>();
        o.rotation_deg = j.at("rotation_deg").get<std::array<double, kDirections>>();
        o.penetration = j.at("penetration").get<double>();
        o.self_penetration = j.at("self_penetration").get<double>();
        o.reason = j.at("reason").get<std::string>();
        o.caption = j.at("caption").get<std::string>();
      } catch (const nlohmann::json::exception&) {
        continue;  // not a line this version wrote: that grasp is simulated again
      }
      if (i < 0 || i >= n || done[i]) continue;
      outcomes[i] = std::move(o);
      done[i] = 1;
      ++resumed;
    }
    if (!matches && !checkpoint_path.empty()) std::remove(checkpoint_path.c_str());
  }
  std::ofstream checkpoint;
  if (!checkpoint_path.empty()) checkpoint.open(checkpoint_path, std::ios::app);
  if (resumed == 0)
    checkpoint << nlohmann::json{{"params", params_text}, {"count", n}}.dump() << "\n";
  std::vector<int> todo;
  for (int i = 0; i < n; ++i) {
    if (!done[i]) todo.push_back(i);
  }
  tbb::enumerable_thread_specific<SimWorker> workers([&] { return scene.MakeWorker(); });
  const int chunk = 8;
  for (size_t first = 0; first < todo.size(); first += chunk) {
    const size_t last = std::min(todo.size(), first + chunk);
    tbb::parallel_for(first, last, [&](size_t k) {
      const int i = todo[k];
      const std::vector<double> pre = row(pregrasp, i), g = row(grasp, i), sq = row(squeeze, i);
      outcomes[i] = scene.Run(pre, g, sq, target_part, workers.local());
    });
    for (size_t k = first; k < last; ++k) {
      const SimOutcome& o = outcomes[todo[k]];
      checkpoint << nlohmann::json{{"i", todo[k]},
                                   {"success", o.success},
                                   {"valid", o.valid},
                                   {"pregrasp_penetration", o.pregrasp_penetration},
                                   {"part_aligned", o.part_aligned},
                                   {"held", o.held},
                                   {"translation", o.translation},
                                   {"rotation_deg", o.rotation_deg},
                                   {"penetration", o.penetration},
                                   {"self_penetration", o.self_penetration},
                                   {"reason", o.reason},
                                   {"caption", o.caption}}
                        .dump()
                 << "\n";
    }
    checkpoint.flush();
    if (progress) progress(resumed + static_cast<int>(last), n);
  }
  return ValidationRun{std::move(outcomes), resumed};
}

GraspValidation ToValidation(const std::vector<SimOutcome>& outcomes, const std::string& params) {
  GraspValidation v;
  for (const SimOutcome& o : outcomes) {
    v.success.push_back(o.success);
    v.valid.push_back(o.valid);
    v.pregrasp_penetration.push_back(o.pregrasp_penetration);
    v.part_aligned.push_back(o.part_aligned);
    for (int d = 0; d < kDirections; ++d) {
      v.held.push_back(o.held[d]);
      v.translation.push_back(o.translation[d]);
      v.rotation_deg.push_back(o.rotation_deg[d]);
    }
    v.penetration.push_back(o.penetration);
    v.self_penetration.push_back(o.self_penetration);
    v.reason.push_back(o.reason);
    v.caption.push_back(o.caption);
  }
  v.params = params;
  return v;
}

}  // namespace dexvlg
