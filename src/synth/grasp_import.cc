#include "synth/grasp_import.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/npy_dict.h"
#include "hand/kinematics.h"
#include "object/mesh_sdf.h"
#include "synth/dexgraspbench.h"

namespace dexvlg {
namespace {

namespace fs = std::filesystem;

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

Expected<std::vector<Grasp>> ReadCsvGrasps(const std::string& path, const HandModel& hand,
                                           const std::map<std::string, std::string>& rename) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot read the rows"};
  std::string line;
  if (!std::getline(in, line)) return Error{path + ": empty file (a header is needed)"};
  std::vector<std::string> header = SplitCsv(line);
  const std::vector<std::string> root = {"x", "y", "z", "qw", "qx", "qy", "qz"};
  for (size_t i = 0; i < root.size(); ++i) {
    if (i >= header.size() || header[i] != root[i]) {
      return Error{path + ": the header must start with x,y,z,qw,qx,qy,qz"};
    }
  }
  std::vector<int> column(hand.nq(), -1);
  for (size_t c = 7; c < header.size(); ++c) {
    const auto renamed = rename.find(header[c]);
    const std::string name = renamed != rename.end() ? renamed->second : header[c];
    const int j = hand.JointIndex(name);
    if (j < 0) {
      return Error{path + ": column \"" + header[c] + "\" is not a joint of " + hand.name +
                   " (map it with --joint-map)"};
    }
    column[j] = static_cast<int>(c);
  }
  for (int j = 0; j < hand.nq(); ++j) {
    if (column[j] < 0) {
      return Error{path + ": no column for joint \"" + hand.joints[j].name + "\""};
    }
  }
  const std::vector<double> rest = hand.RestJoints();
  std::vector<Grasp> grasps;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
    const std::vector<std::string> cells = SplitCsv(line);
    if (cells.size() != header.size()) {
      return Error{path + ": line " + std::to_string(line_no) + " has " +
                   std::to_string(cells.size()) + " values, the header " +
                   std::to_string(header.size())};
    }
    std::vector<double> values(cells.size());
    for (size_t c = 0; c < cells.size(); ++c) {
      char* end = nullptr;
      values[c] = std::strtod(cells[c].c_str(), &end);
      if (end == cells[c].c_str() || *end != '\0' || !std::isfinite(values[c])) {
        return Error{path + ": line " + std::to_string(line_no) + ": \"" + cells[c] +
                     "\" is not a finite number"};
      }
    }
    Grasp g;
    g.grasp.assign(values.begin(), values.begin() + 7);
    const double qn = std::sqrt(values[3] * values[3] + values[4] * values[4] +
                                values[5] * values[5] + values[6] * values[6]);
    if (qn < 1e-9) {
      return Error{path + ": line " + std::to_string(line_no) + ": zero quaternion"};
    }
    for (int a = 3; a < 7; ++a) g.grasp[a] /= qn;
    for (int j = 0; j < hand.nq(); ++j) g.grasp.push_back(values[column[j]]);
    const double squeeze = 0.5;
    double largest = 1e-9;
    for (int j = 0; j < hand.nq(); ++j)
      largest = std::max(largest, std::abs(g.grasp[7 + j] - rest[j]));
    g.pregrasp = OpenedPose(hand, g.grasp, 0.5, 0.02);
    g.squeeze = g.grasp;
    for (int j = 0; j < hand.nq(); ++j) {
      const double q = g.grasp[7 + j];
      g.squeeze[7 + j] = std::clamp(q + squeeze * (q - rest[j]) / largest, hand.joints[j].lower,
                                    hand.joints[j].upper);
    }
    grasps.push_back(std::move(g));
  }
  return grasps;
}

Expected<std::vector<Grasp>> ReadBenchGrasps(const std::string& path, const HandModel& hand,
                                             double* obj_scale) {
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::recursive_directory_iterator(path, ec)) {
      if (e.is_regular_file() && e.path().extension() == ".npy") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) return Error{path + ": no .npy grasp files in it"};
  } else {
    files.push_back(path);
  }
  std::vector<Grasp> grasps;
  std::string first_path;
  for (const std::string& file : files) {
    auto dict = ReadNpyDict(file);
    if (!dict) return dict.error();
    auto bench = FromNpy(*dict, file);
    if (!bench) return bench.error();
    if (grasps.empty()) {
      first_path = bench->obj_path;
      *obj_scale = bench->obj_scale;
    } else if (bench->obj_path != first_path || bench->obj_scale != *obj_scale) {
      return Error{file + ": another object (" + bench->obj_path + " at scale " +
                   std::to_string(bench->obj_scale) + ") than the first file's (" + first_path +
                   "): import one object at a time"};
    }
    auto rows = FromBench(*bench, hand, file);
    if (!rows) return rows.error();
    Grasp g;
    g.pregrasp = (*rows)[0];
    g.grasp = (*rows)[1];
    g.squeeze = (*rows)[2];
    grasps.push_back(std::move(g));
  }
  return grasps;
}

Expected<SynthResult> ImportedResult(const HandModel& hand, const LabeledMesh& object,
                                     const std::string& part, GraspMode mode,
                                     std::vector<Grasp> grasps) {
  SynthResult result;
  result.contacts = ModeContacts(hand, mode);
  result.target_label = object.PartLabel(part);
  if (result.target_label < 0) return Error{"no part named \"" + part + "\""};
  // the mode's contacts where each grasp puts them, and the parts they are nearest
  const MeshSdf exact(object.mesh);
  KinematicsData data(hand, 1);
  const int k = static_cast<int>(result.contacts.size());
  std::vector<double> x(3 * k);
  for (Grasp& g : grasps) {
    if (static_cast<int>(g.grasp.size()) != hand.pose_size()) {
      return Error{"an imported grasp of " + std::to_string(g.grasp.size()) +
                   " values (the hand takes " + std::to_string(hand.pose_size()) + ")"};
    }
    ForwardKinematics(hand, g.grasp.data(), 0, 1, data);
    ContactFrames(hand, data, 0, result.contacts.data(), k, x.data(), nullptr, nullptr);
    for (int c = 0; c < k; ++c) {
      const SurfaceHit hit = exact.Query(Vec3(&x[3 * c]));
      g.contact_points.emplace_back(&x[3 * c]);
      g.contact_parts.push_back(hit.face >= 0 ? object.face_labels[hit.face] : -1);
      g.contact_forces.push_back(0);
    }
    g.attempt = static_cast<int>(result.grasps.size());
    result.grasps.push_back(std::move(g));
  }
  result.summary.accepted = result.summary.attempts = static_cast<int>(result.grasps.size());
  return result;
}

}  // namespace dexvlg
