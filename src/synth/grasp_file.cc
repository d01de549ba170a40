#include "synth/grasp_file.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <type_traits>

#include "core/atomic_file.h"
#include "h5/h5.h"

namespace dexvlg {
namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

namespace {

Status WriteGraspFileTo(const std::string& tmp, const HandModel& hand, const LabeledMesh& object,
                        const SynthOptions& options, const SynthResult& result,
                        const std::string& object_source, const ObjectScale& scale) {
  auto created = H5Writer::Create(tmp);
  if (!created) return created.error();
  H5Writer& out = *created;
  const uint64_t n = result.grasps.size(), ps = hand.pose_size(), k = result.contacts.size();
  std::vector<double> pre, grasp, squeeze, points, forces, energy, pen, spen;
  std::vector<int> parts, attempt;
  for (const Grasp& g : result.grasps) {
    pre.insert(pre.end(), g.pregrasp.begin(), g.pregrasp.end());
    grasp.insert(grasp.end(), g.grasp.begin(), g.grasp.end());
    squeeze.insert(squeeze.end(), g.squeeze.begin(), g.squeeze.end());
    for (const Vec3& p : g.contact_points) points.insert(points.end(), {p.x(), p.y(), p.z()});
    forces.insert(forces.end(), g.contact_forces.begin(), g.contact_forces.end());
    parts.insert(parts.end(), g.contact_parts.begin(), g.contact_parts.end());
    const EnergyTerms& e = g.energy;
    energy.insert(energy.end(),
                  {e.total, e.fc, e.bar, e.dis, e.limit, e.pen, e.spen, e.dir, e.residual});
    pen.push_back(g.penetration);
    spen.push_back(g.self_penetration);
    attempt.push_back(g.attempt);
  }
  out.Put("pregrasp", pre, {n, ps});
  out.Put("grasp", grasp, {n, ps});
  out.Put("squeeze", squeeze, {n, ps});
  out.Put("contact_points", points, {n, k, 3});
  out.Put("contact_forces", forces, {n, k});
  out.Put("contact_parts", parts, {n, k});
  out.Put("energy", energy, {n, 9});
  out.Put("penetration", pen, {n});
  out.Put("self_penetration", spen, {n});
  out.Put("attempt", attempt, {n});
  std::vector<std::string> joints, contacts, links;
  for (const Joint& j : hand.joints) joints.push_back(j.name);
  for (int c : result.contacts) {
    contacts.push_back(hand.contacts[c].name);
    links.push_back(hand.links[hand.contacts[c].link].name);
  }
  out.Attribute("/", "format", kGraspFormat);
  out.Attribute("/", "version", kGraspVersion);
  out.Attribute("/", "object", object.name);
  std::error_code source_ec;
  const bool on_disk = !object_source.empty() && std::filesystem::exists(object_source, source_ec);
  out.Attribute(
      "/", "object_source",
      on_disk ? std::filesystem::absolute(object_source, source_ec).string() : object_source);
  {  // "S" or "S;MIN:MAX" (--scale, --size)
    std::ostringstream text;
    text << std::setprecision(17) << scale.scale;
    if (scale.max_size > 0) text << ";" << scale.min_size << ":" << scale.max_size;
    out.Attribute("/", "object_scale", text.str());
  }
  out.Attribute("/", "hand_source",
                hand.spec_path != "<builtin>" && hand.spec_path != "<derived>" ? hand.spec_path
                                                                               : hand.mjcf_path);
  out.Attribute("/", "part", options.part);
  out.Attribute("/", "part_names", Join(object.part_names));
  out.Attribute("/", "target_label", result.target_label);
  out.Attribute("/", "mode", ModeName(options.mode));
  out.Attribute("/", "hand", hand.name);
  out.Attribute("/", "joint_names", Join(joints));
  out.Attribute("/", "contact_names", Join(contacts));
  out.Attribute("/", "contact_links", Join(links));
  out.Attribute("/", "energy_columns", "total,fc,bar,dis,limit,pen,spen,dir,residual");
  out.Attribute("/", "pose_layout", "x,y,z,qw,qx,qy,qz," + Join(joints));
  out.Attribute("/", "seed", static_cast<long long>(options.seed));
  return out.Close();
}

}  // namespace

Status WriteGraspFile(const std::string& path, const HandModel& hand, const LabeledMesh& object,
                      const SynthOptions& options, const SynthResult& result,
                      const std::string& object_source, const ObjectScale& scale) {
  return WriteAtomically(path, [&](const std::string& tmp) -> Status {
    return WriteGraspFileTo(tmp, hand, object, options, result, object_source, scale);
  });
}

Status WritePoseRows(const std::string& path, const HandModel& hand, const SynthResult& result,
                     const std::string& which) {
  std::ostringstream out;
  out << "x,y,z,qw,qx,qy,qz";
  for (const Joint& j : hand.joints) out << "," << j.name;
  out << "\n";
  out.precision(10);
  for (const Grasp& g : result.grasps) {
    const std::vector<double>& row = which == "pregrasp"  ? g.pregrasp
                                     : which == "squeeze" ? g.squeeze
                                                          : g.grasp;
    for (size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << row[i];
    out << "\n";
  }
  return WriteTextAtomically(path, out.str());
}

namespace {

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text) {
    if (c == ',') {
      out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  if (!text.empty()) out.push_back(item);
  return out;
}

}  // namespace

Expected<GraspSet> ReadGraspFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Error{path + ": no such grasp file"};
  if (H5Fis_hdf5(path.c_str()) <= 0) return Error{path + ": not an HDF5 file"};
  auto opened = H5Reader::Open(path);
  if (!opened) return opened.error();
  const H5Reader& in = *opened;
  auto attribute = [&](const char* name) { return in.Attribute("/", name); };
  auto fail = [&](const std::string& why) { return Error{path + ": " + why}; };
  GraspSet set;
  if (attribute("format") != kGraspFormat) {
    return fail(std::string("not a grasp file (format attribute is not \"") + kGraspFormat + "\")");
  }
  if (attribute("version") != std::to_string(kGraspVersion)) {
    return fail("grasp file version \"" + attribute("version") + "\" is not supported (reads " +
                std::to_string(kGraspVersion) + ")");
  }
  set.object = attribute("object");
  set.object_source = attribute("object_source");
  if (const std::string text = attribute("object_scale"); !text.empty()) {
    // files written before it hold no attribute: scale 1
    char* end = nullptr;
    set.object_scale.scale = std::strtod(text.c_str(), &end);
    if (*end == ';') {
      set.object_scale.min_size = std::strtod(end + 1, &end);
      if (*end == ':') set.object_scale.max_size = std::strtod(end + 1, &end);
    }
    if (*end != '\0' || !set.object_scale.Validate()) {
      return fail("object_scale \"" + text + "\" is not S or S;MIN:MAX");
    }
  }
  set.hand = attribute("hand");
  set.hand_source = attribute("hand_source");
  set.part = attribute("part");
  set.mode = attribute("mode");
  set.joint_names = Split(attribute("joint_names"));
  set.part_names = Split(attribute("part_names"));
  set.target_label = std::atoi(attribute("target_label").c_str());
  for (const char* name : {"pregrasp", "grasp", "squeeze"}) {
    const std::string where = std::string("/") + name;
    const std::vector<uint64_t> dims = in.Dims(where);
    if (dims.size() != 2) {
      return fail(std::string("dataset \"") + name + "\" is missing or not a 2-D array");
    }
    if (dims[1] != 7 + set.joint_names.size()) {
      return fail(std::string("dataset \"") + name + "\" has " + std::to_string(dims[1]) +
                  " columns, the joint names need " + std::to_string(7 + set.joint_names.size()));
    }
    if (name == std::string("pregrasp")) {
      set.count = static_cast<int>(dims[0]);
      set.pose_size = static_cast<int>(dims[1]);
    } else if (static_cast<int>(dims[0]) != set.count) {
      return fail(std::string("dataset \"") + name + "\" has a different number of grasps");
    }
    auto values = in.Doubles(where);
    if (!values) return values.error();
    for (double v : *values) {
      if (!std::isfinite(v)) return fail(std::string("dataset \"") + name + "\" holds NaN or inf");
    }
    (name == std::string("pregrasp") ? set.pregrasp
     : name == std::string("grasp")  ? set.grasp
                                     : set.squeeze) = std::move(*values);
  }
  return set;
}

namespace {

Status WriteValidationTo(const std::string& tmp, const std::string& path,
                         const GraspValidation& v) {
  std::error_code ec;
  std::filesystem::copy_file(path, tmp, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) return Error{path + ": cannot copy for writing: " + ec.message()};
  auto opened = H5Writer::Append(tmp);
  if (!opened) return opened.error();
  H5Writer& out = *opened;
  const uint64_t n = v.success.size();
  out.Put("sim_success", v.success, {n});
  out.Put("sim_valid", v.valid, {n});
  out.Put("sim_part_aligned", v.part_aligned, {n});
  out.Put("sim_held", v.held, {n, 6});
  out.Put("sim_translation", v.translation, {n, 6});
  out.Put("sim_rotation_deg", v.rotation_deg, {n, 6});
  out.Put("sim_penetration", v.penetration, {n});
  out.Put("sim_self_penetration", v.self_penetration, {n});
  out.Put("sim_pregrasp_penetration", v.pregrasp_penetration, {n});
  out.PutStrings("sim_reason", v.reason);
  out.PutStrings("caption", v.caption);
  out.Attribute("/", "sim_params", v.params);
  out.Attribute("/", "sim_directions", "+x,-x,+y,-y,+z,-z");
  return out.Close();
}

}  // namespace

Status WriteValidation(const std::string& path, const GraspValidation& v) {
  return WriteAtomically(path,
                         [&](const std::string& tmp) { return WriteValidationTo(tmp, path, v); });
}

}  // namespace dexvlg

namespace dexvlg {

Expected<GraspSet> InHandOrder(const GraspSet& set, const HandModel& hand,
                               const std::string& path) {
  std::vector<int> column(hand.nq());
  for (int j = 0; j < hand.nq(); ++j) {
    const auto it = std::find(set.joint_names.begin(), set.joint_names.end(), hand.joints[j].name);
    if (it == set.joint_names.end()) {
      return Error{path + ": the hand's joint \"" + hand.joints[j].name +
                   "\" is not among the file's joint_names"};
    }
    column[j] = static_cast<int>(it - set.joint_names.begin());
  }
  GraspSet out = set;
  out.pose_size = hand.pose_size();
  out.joint_names.clear();
  for (const Joint& joint : hand.joints) out.joint_names.push_back(joint.name);
  for (auto [from, to] : {std::pair{&set.pregrasp, &out.pregrasp},
                          {&set.grasp, &out.grasp},
                          {&set.squeeze, &out.squeeze}}) {
    to->assign(static_cast<size_t>(set.count) * out.pose_size, 0.0);
    for (int i = 0; i < set.count; ++i) {
      const double* r = &(*from)[static_cast<size_t>(i) * set.pose_size];
      double* o = &(*to)[static_cast<size_t>(i) * out.pose_size];
      std::copy(r, r + 7, o);
      for (int j = 0; j < hand.nq(); ++j) o[7 + j] = r[7 + column[j]];
    }
  }
  return out;
}

Expected<GraspValidation> ReadValidation(const std::string& path) {
  auto file = H5Reader::Open(path);
  if (!file) return file.error();
  GraspValidation v;
  if (!file->Has("sim_success")) return v;
  const std::vector<uint64_t> dims = file->Dims("sim_success");
  if (dims.size() != 1) return Error{path + ": sim_success is not a vector"};
  const size_t n = dims[0];
  // a numeric dataset of `per` values a grasp, read into `out`
  auto numbers = [&](const char* name, size_t per, auto& out) -> Status {
    auto got = [&] {
      if constexpr (std::is_same_v<std::decay_t<decltype(out)>, std::vector<int>>)
        return file->Ints(name);
      else
        return file->Doubles(name);
    }();
    if (!got) return got.error();
    if (got->size() != n * per) {
      return Error{path + ": " + name + " holds " + std::to_string(got->size()) +
                   " values, expected " + std::to_string(n * per)};
    }
    out = std::move(*got);
    return {};
  };
  auto strings = [&](const char* name, std::vector<std::string>& out) -> Status {
    auto got = file->Strings(name);
    if (!got) return got.error();
    if (got->size() != n) return Error{path + ": " + name + " has a different number of grasps"};
    out = std::move(*got);
    return {};
  };
  for (Status s : {numbers("sim_success", 1, v.success), numbers("sim_valid", 1, v.valid),
                   numbers("sim_part_aligned", 1, v.part_aligned), numbers("sim_held", 6, v.held),
                   numbers("sim_translation", 6, v.translation),
                   numbers("sim_rotation_deg", 6, v.rotation_deg),
                   numbers("sim_penetration", 1, v.penetration),
                   numbers("sim_self_penetration", 1, v.self_penetration),
                   numbers("sim_pregrasp_penetration", 1, v.pregrasp_penetration),
                   strings("sim_reason", v.reason), strings("caption", v.caption)}) {
    if (!s) return s.error();
  }
  v.params = file->Attribute("/", "sim_params");
  return v;
}

}  // namespace dexvlg
