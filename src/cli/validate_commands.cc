#include "cli/validate_commands.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>
#include "cli/hand_commands.h"
#include "cli/progress.h"
#include "core/atomic_file.h"
#include "hand/hand_loader.h"
#include "hand/kinematics.h"
#include "object/convex.h"
#include "object/mesh_sdf.h"
#include "parts/prepare.h"
#include "synth/grasp_file.h"

namespace dexvlg::cli {

Status RunValidate(const ValidateRequest& request, std::ostream& log) {
  const auto start = std::chrono::steady_clock::now();
  // the results go back into the grasp file: it must be replaceable before any simulation
  if (Status st = CheckOutputPath(request.grasps, false); !st) return st;
  auto set = ReadGraspFile(request.grasps);
  if (!set) return set.error();
  std::string hand_source = request.hand;
  if (hand_source.empty() && set->hand_source != "<builtin>") hand_source = set->hand_source;
  auto hand = ResolveHand(hand_source);
  if (!hand) return hand.error();
  // the file's joint order onto the hand's
  set = InHandOrder(*set, *hand, request.grasps);
  if (!set) return set.error();
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
  auto scene = SimScene::Build(*hand, *object, ShellPieces(object->mesh), request.params);
  if (!scene) return scene.error();

  const int n = set->count, ps = hand->pose_size();
  auto row = [&](const std::vector<double>& poses, int i) {
    return std::vector<double>(poses.begin() + static_cast<size_t>(i) * ps,
                               poses.begin() + static_cast<size_t>(i + 1) * ps);
  };
  const std::string params_text = SimParamsText(request.params);
  // checkpoint: finished grasps go to a sidecar file, a line per grasp, so that a killed run
  // resumes where it stopped (same file, same protocol parameters)
  const std::string partial = request.grasps + ".validate.partial";
  std::vector<SimOutcome> outcomes(n);
  std::vector<char> done(n, 0);
  int resumed = 0;
  {
    std::ifstream in(partial);
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
    if (!matches) std::remove(partial.c_str());
  }
  std::ofstream checkpoint(partial, std::ios::app);
  if (resumed == 0) {
    checkpoint << nlohmann::json{{"params", params_text}, {"count", n}}.dump() << "\n";
  } else {
    log << "resuming: " << resumed << " of " << n << " grasps were validated by an earlier run\n";
  }
  std::vector<int> todo;
  for (int i = 0; i < n; ++i) {
    if (!done[i]) todo.push_back(i);
  }
  tbb::enumerable_thread_specific<SimWorker> workers([&] { return scene->MakeWorker(); });
  const int chunk = 8;
  for (size_t first = 0; first < todo.size(); first += chunk) {
    const size_t last = std::min(todo.size(), first + chunk);
    tbb::parallel_for(first, last, [&](size_t k) {
      const int i = todo[k];
      const std::vector<double> pre = row(set->pregrasp, i), grasp = row(set->grasp, i),
                                squeeze = row(set->squeeze, i);
      outcomes[i] = scene->Run(pre.data(), grasp.data(), squeeze.data(), target, workers.local());
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
    ShowProgress(resumed + static_cast<int>(last), n, "grasps");
  }
  std::cerr << "\n";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  GraspValidation v;
  std::map<std::string, int> reasons;
  int success = 0, valid = 0, under_mm = 0;
  double pen_sum = 0, pen_max = 0;
  std::array<int, kDirections> held{};
  for (const SimOutcome& o : outcomes) {
    v.success.push_back(o.success);
    v.valid.push_back(o.valid);
    v.pregrasp_penetration.push_back(o.pregrasp_penetration);
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
    valid += o.valid;
    if (!o.valid) ++reasons[o.reason];
    pen_sum += o.penetration;
    pen_max = std::max(pen_max, o.penetration);
    under_mm += o.penetration < 0.001;
  }
  v.params = params_text;
  if (Status s = WriteValidation(request.grasps, v); !s) return s;
  checkpoint.close();
  std::remove(partial.c_str());  // the results are in the grasp file now

  log << set->object << " / " << set->part << " / " << set->mode << ": " << success << " of " << n
      << " grasps hold (" << std::fixed << std::setprecision(1) << 100.0 * success / std::max(1, n)
      << "%, DexGraspBench protocol"
      << (request.params.pin_object_while_closing ? "; LENIENT: object pinned while closing"
                                                  : ", object free")
      << "), " << valid << " also pass the DexVLG checks, in " << std::setprecision(2) << seconds
      << " s (" << (n - resumed) / std::max(seconds, 1e-9) << " grasps/s)\n"
      << "  penetration (exact, at the grasp pose): mean " << std::setprecision(2)
      << 1e3 * pen_sum / std::max(1, n) << " mm, max " << 1e3 * pen_max << " mm, " << under_mm
      << " of " << n << " under 1 mm\n  held per direction:";
  for (int d = 0; d < kDirections; ++d) log << " " << DirectionName(d) << " " << held[d];
  log << "\n";
  log.unsetf(std::ios::fixed);
  for (const auto& [reason, count] : reasons)
    log << "  failed, " << reason << ": " << count << "\n";
  for (int i = 0; i < std::min(n, 3); ++i) {
    if (outcomes[i].valid) log << "  caption: " << outcomes[i].caption << "\n";
  }
  log << "wrote sim_* datasets and captions into " << request.grasps << "\n";
  return {};
}

}  // namespace dexvlg::cli

namespace dexvlg::cli {
namespace {

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(line);
  while (std::getline(in, item, ',')) {
    while (!item.empty() && (item.back() == '\r' || item.back() == ' ')) item.pop_back();
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    out.push_back(item);
  }
  return out;
}

}  // namespace

Status RunImport(const ImportRequest& request, std::ostream& log) {
  auto hand = ResolveHand(request.hand);
  if (!hand) return hand.error();
  std::map<std::string, std::string> rename;
  if (!request.joint_map.empty()) {
    std::ifstream in(request.joint_map);
    if (!in) return Error{request.joint_map + ": cannot read the joint map"};
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return Error{request.joint_map + ": not a JSON object {\"their name\": \"our name\"}"};
    }
    for (const auto& [theirs, ours] : j.items()) {
      if (!ours.is_string())
        return Error{request.joint_map + ": \"" + theirs + "\" must map to a string"};
      rename[theirs] = ours.get<std::string>();
    }
  }
  std::ifstream in(request.rows);
  if (!in) return Error{request.rows + ": cannot read the rows"};
  std::string line;
  if (!std::getline(in, line)) return Error{request.rows + ": empty file (a header is needed)"};
  std::vector<std::string> header = SplitCsv(line);
  const std::vector<std::string> root = {"x", "y", "z", "qw", "qx", "qy", "qz"};
  for (size_t i = 0; i < root.size(); ++i) {
    if (i >= header.size() || header[i] != root[i]) {
      return Error{request.rows + ": the header must start with x,y,z,qw,qx,qy,qz"};
    }
  }
  std::vector<int> column(hand->nq(), -1);
  for (size_t c = 7; c < header.size(); ++c) {
    const std::string name = rename.count(header[c]) ? rename[header[c]] : header[c];
    const int j = hand->JointIndex(name);
    if (j < 0) {
      return Error{request.rows + ": column \"" + header[c] + "\" is not a joint of " + hand->name +
                   " (map it with --joint-map)"};
    }
    column[j] = static_cast<int>(c);
  }
  for (int j = 0; j < hand->nq(); ++j) {
    if (column[j] < 0) {
      return Error{request.rows + ": no column for joint \"" + hand->joints[j].name + "\""};
    }
  }
  auto object = LoadClosedObject(request.object);
  if (!object) return object.error();
  SynthOptions options;
  options.part = request.part;
  options.mode = request.mode == "pinch" ? GraspMode::kPinch : GraspMode::kWrap;
  SynthResult result;
  result.contacts = ModeContacts(*hand, options.mode);
  result.target_label = -1;
  for (size_t i = 0; i < object->part_names.size(); ++i) {
    if (object->part_names[i] == request.part) result.target_label = static_cast<int>(i);
  }
  if (result.target_label < 0) {
    return Error{request.object + ": no part named \"" + request.part + "\""};
  }
  const MeshSdf exact(object->mesh);
  const std::vector<double> rest = hand->RestJoints();
  KinematicsData data(*hand, 1);
  const int k = static_cast<int>(result.contacts.size());
  std::vector<double> x(3 * k);
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
    const std::vector<std::string> cells = SplitCsv(line);
    if (cells.size() != header.size()) {
      return Error{request.rows + ": line " + std::to_string(line_no) + " has " +
                   std::to_string(cells.size()) + " values, the header " +
                   std::to_string(header.size())};
    }
    std::vector<double> values(cells.size());
    for (size_t c = 0; c < cells.size(); ++c) {
      char* end = nullptr;
      values[c] = std::strtod(cells[c].c_str(), &end);
      if (end == cells[c].c_str() || *end != '\0' || !std::isfinite(values[c])) {
        return Error{request.rows + ": line " + std::to_string(line_no) + ": \"" + cells[c] +
                     "\" is not a finite number"};
      }
    }
    Grasp g;
    g.grasp.assign(values.begin(), values.begin() + 7);
    const double qn = std::sqrt(values[3] * values[3] + values[4] * values[4] +
                                values[5] * values[5] + values[6] * values[6]);
    if (qn < 1e-9) {
      return Error{request.rows + ": line " + std::to_string(line_no) + ": zero quaternion"};
    }
    for (int a = 3; a < 7; ++a) g.grasp[a] /= qn;
    for (int j = 0; j < hand->nq(); ++j) g.grasp.push_back(values[column[j]]);
    // pregrasp: halfway open, palm 2 cm back; squeeze: the closing motion continued 0.5 rad
    // on the largest joint (rows carry no squeeze of their own; docs/sim.md)
    const double squeeze = 0.5;
    double largest = 1e-9;
    for (int j = 0; j < hand->nq(); ++j)
      largest = std::max(largest, std::abs(g.grasp[7 + j] - rest[j]));
    g.pregrasp = OpenedPose(*hand, g.grasp, 0.5, 0.02);
    g.squeeze = g.grasp;
    for (int j = 0; j < hand->nq(); ++j) {
      const double q = g.grasp[7 + j];
      g.squeeze[7 + j] = std::clamp(q + squeeze * (q - rest[j]) / largest, hand->joints[j].lower,
                                    hand->joints[j].upper);
    }
    ForwardKinematics(*hand, g.grasp.data(), 0, 1, data);
    ContactFrames(*hand, data, 0, result.contacts.data(), k, x.data(), nullptr, nullptr);
    for (int c = 0; c < k; ++c) {
      const SurfaceHit hit = exact.Query(Vec3(&x[3 * c]));
      g.contact_points.emplace_back(&x[3 * c]);
      g.contact_parts.push_back(hit.face >= 0 ? object->face_labels[hit.face] : -1);
      g.contact_forces.push_back(0);
    }
    g.attempt = static_cast<int>(result.grasps.size());
    result.grasps.push_back(std::move(g));
  }
  if (result.grasps.empty()) return Error{request.rows + ": no grasp rows"};
  result.summary.accepted = result.summary.attempts = static_cast<int>(result.grasps.size());
  if (Status s = WriteGraspFile(request.out, *hand, *object, options, result, request.object); !s) {
    return s;
  }
  log << "imported " << result.grasps.size() << " grasps from " << request.rows << " into "
      << request.out << "\n";
  return {};
}

}  // namespace dexvlg::cli
