#include "cli/validate_commands.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/hand_commands.h"
#include "hand/hand_loader.h"
#include "parts/prepare.h"
#include "synth/grasp_file.h"

namespace dexvlg::cli {

Status RunValidate(const ValidateRequest& request, std::ostream& log) {
  const auto start = std::chrono::steady_clock::now();
  auto set = ReadGraspFile(request.grasps);
  if (!set) return set.error();
  std::string hand_source = request.hand;
  if (hand_source.empty() && set->hand_source != "<builtin>") hand_source = set->hand_source;
  auto hand = ResolveHand(hand_source);
  if (!hand) return hand.error();
  // the file's joint order onto the hand's
  std::vector<int> column(hand->nq());
  for (int j = 0; j < hand->nq(); ++j) {
    const auto it =
        std::find(set->joint_names.begin(), set->joint_names.end(), hand->joints[j].name);
    if (it == set->joint_names.end()) {
      return Error{request.grasps + ": the hand's joint \"" + hand->joints[j].name +
                   "\" is not among the file's joint_names"};
    }
    column[j] = static_cast<int>(it - set->joint_names.begin());
  }
  const std::string source = request.object.empty() ? set->object_source : request.object;
  if (source.empty()) {
    return Error{request.grasps + ": the file does not record its object; pass --object"};
  }
  auto object = LoadClosedObject(source);
  if (!object) return object.error();
  int target = -1;
  for (size_t i = 0; i < object->part_names.size(); ++i) {
    if (object->part_names[i] == set->part) target = static_cast<int>(i);
  }
  if (target < 0) {
    return Error{source + ": no part named \"" + set->part + "\" (the grasp file's target part)"};
  }
  auto pieces = CollisionPieces(source, object->mesh);
  if (!pieces) return Error{source + ": " + pieces.error().message};
  auto scene = SimScene::Build(*hand, *object, *pieces, request.params);
  if (!scene) return scene.error();

  const int n = set->count, ps = hand->pose_size();
  auto row = [&](const std::vector<double>& poses, int i) {
    std::vector<double> out(ps);
    const double* r = &poses[static_cast<size_t>(i) * set->pose_size];
    std::copy(r, r + 7, out.begin());
    for (int j = 0; j < hand->nq(); ++j) out[7 + j] = r[7 + column[j]];
    return out;
  };
  std::vector<SimOutcome> outcomes(n);
  tbb::enumerable_thread_specific<SimWorker> workers([&] { return scene->MakeWorker(); });
  const int chunk = 16;
  for (int first = 0; first < n; first += chunk) {
    const int last = std::min(n, first + chunk);
    tbb::parallel_for(first, last, [&](int i) {
      const std::vector<double> pre = row(set->pregrasp, i), grasp = row(set->grasp, i),
                                squeeze = row(set->squeeze, i);
      outcomes[i] = scene->Run(pre.data(), grasp.data(), squeeze.data(), target, workers.local());
    });
    const int width = 30, filled = width * last / std::max(1, n);
    std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] "
              << last << "/" << n << " grasps" << std::flush;
  }
  std::cerr << "\n";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  GraspValidation v;
  std::map<std::string, int> reasons;
  int success = 0, under_mm = 0;
  double pen_sum = 0, pen_max = 0;
  std::array<int, kDirections> held{};
  for (const SimOutcome& o : outcomes) {
    v.success.push_back(o.success);
    v.part_aligned.push_back(o.part_aligned);
    for (int d = 0; d < kDirections; ++d) {
      v.held.push_back(o.held[d]);
      v.translation.push_back(o.translation[d]);
      v.rotation_deg.push_back(o.rotation_deg[d]);
      held[d] += o.held[d] == 1;
    }
    v.penetration.push_back(o.penetration);
    v.self_penetration.push_back(o.self_penetration);
    v.reason.push_back(o.reason);
    v.caption.push_back(o.caption);
    success += o.success;
    if (!o.success) ++reasons[o.reason];
    pen_sum += o.penetration;
    pen_max = std::max(pen_max, o.penetration);
    under_mm += o.penetration < 0.001;
  }
  const SimParams& p = request.params;
  std::ostringstream params;
  params << "object_mass=" << p.object_mass << ",friction=" << p.friction
         << ",torsional=" << p.torsional << ",timestep=" << p.timestep
         << ",force_per_kg=" << p.force_per_kg << ",approach_time=" << p.approach_time
         << ",squeeze_time=" << p.squeeze_time << ",force_time=" << p.force_time
         << ",max_translation=" << p.max_translation << ",max_rotation_deg=" << p.max_rotation_deg
         << ",max_penetration=" << p.max_penetration
         << ",max_self_penetration=" << p.max_self_penetration << ",kp=" << p.kp
         << ",joint_damping=" << p.joint_damping << ",early_exit=" << p.early_exit
         << ",table=" << p.table;
  v.params = params.str();
  if (Status s = WriteValidation(request.grasps, v); !s) return s;

  log << set->object << " / " << set->part << " / " << set->mode << ": " << success << " of " << n
      << " grasps hold (" << std::fixed << std::setprecision(1) << 100.0 * success / std::max(1, n)
      << "%) in " << std::setprecision(2) << seconds << " s (" << n / std::max(seconds, 1e-9)
      << " grasps/s)\n"
      << "  penetration (MuJoCo contacts at the grasp): mean " << std::setprecision(2)
      << 1e3 * pen_sum / std::max(1, n) << " mm, max " << 1e3 * pen_max << " mm, " << under_mm
      << " of " << n << " under 1 mm\n  held per direction:";
  for (int d = 0; d < kDirections; ++d) log << " " << DirectionName(d) << " " << held[d];
  log << "\n";
  log.unsetf(std::ios::fixed);
  for (const auto& [reason, count] : reasons)
    log << "  failed, " << reason << ": " << count << "\n";
  for (int i = 0; i < std::min(n, 3); ++i) {
    if (outcomes[i].success) log << "  caption: " << outcomes[i].caption << "\n";
  }
  log << "wrote sim_* datasets and captions into " << request.grasps << "\n";
  return {};
}

}  // namespace dexvlg::cli
