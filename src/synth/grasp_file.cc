#include "synth/grasp_file.h"

#include <hdf5.h>
#include <hdf5_hl.h>

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

/// Writes datasets and root attributes into an open HDF5 file, replacing datasets of the same
/// name, and remembers whether every write succeeded.
struct Writer {
  hid_t file;
  bool ok = true;
  void Replace(const char* name) {
    if (H5Lexists(file, name, H5P_DEFAULT) > 0) H5Ldelete(file, name, H5P_DEFAULT);
  }
  void Put(const char* name, const std::vector<double>& data, std::vector<hsize_t> dims) {
    Replace(name);
    ok = ok && H5LTmake_dataset_double(file, name, static_cast<int>(dims.size()), dims.data(),
                                       data.data()) >= 0;
  }
  void Put(const char* name, const std::vector<int>& data, std::vector<hsize_t> dims) {
    Replace(name);
    ok = ok && H5LTmake_dataset_int(file, name, static_cast<int>(dims.size()), dims.data(),
                                    data.data()) >= 0;
  }
  void Attribute(const char* name, const std::string& value) {
    ok = ok && PutStringAttribute(file, "/", name, value);  // h5py reads a str
  }
};

}  // namespace

namespace {

Status WriteGraspFileTo(const std::string& tmp, const std::string& path, const HandModel& hand,
                        const LabeledMesh& object, const SynthOptions& options,
                        const SynthResult& result, const std::string& object_source,
                        const ObjectScale& scale) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become return values, not prints
  const hid_t file = H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) return Error{path + ": cannot create the HDF5 file"};
  const hsize_t n = result.grasps.size(), ps = hand.pose_size(), k = result.contacts.size();
  Writer out{file};
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
  out.Attribute("format", kGraspFormat);
  const int version = kGraspVersion;
  out.ok = out.ok && PutIntAttribute(file, "/", "version", version);
  out.Attribute("object", object.name);
  std::error_code source_ec;
  const bool on_disk = !object_source.empty() && std::filesystem::exists(object_source, source_ec);
  out.Attribute("object_source", on_disk
                                     ? std::filesystem::absolute(object_source, source_ec).string()
                                     : object_source);
  {  // "S" or "S;MIN:MAX" (--scale, --size)
    std::ostringstream text;
    text << std::setprecision(17) << scale.scale;
    if (scale.max_size > 0) text << ";" << scale.min_size << ":" << scale.max_size;
    out.Attribute("object_scale", text.str());
  }
  out.Attribute("hand_source", hand.spec_path != "<builtin>" && hand.spec_path != "<derived>"
                                   ? hand.spec_path
                                   : hand.mjcf_path);
  out.Attribute("part", options.part);
  out.Attribute("part_names", Join(object.part_names));
  out.ok = out.ok && PutIntAttribute(file, "/", "target_label", result.target_label);
  out.Attribute("mode", ModeName(options.mode));
  out.Attribute("hand", hand.name);
  out.Attribute("joint_names", Join(joints));
  out.Attribute("contact_names", Join(contacts));
  out.Attribute("contact_links", Join(links));
  out.Attribute("energy_columns", "total,fc,bar,dis,limit,pen,spen,dir,residual");
  out.Attribute("pose_layout", "x,y,z,qw,qx,qy,qz," + Join(joints));
  const unsigned seed = options.seed;
  out.ok = out.ok && PutIntAttribute(file, "/", "seed", seed);
  const bool ok = H5Fclose(file) >= 0 && out.ok;
  if (!ok) return Error{path + ": writing the HDF5 file failed"};
  return {};
}

}  // namespace

Status WriteGraspFile(const std::string& path, const HandModel& hand, const LabeledMesh& object,
                      const SynthOptions& options, const SynthResult& result,
                      const std::string& object_source, const ObjectScale& scale) {
  return WriteAtomically(path, [&](const std::string& tmp) -> Status {
    return WriteGraspFileTo(tmp, path, hand, object, options, result, object_source, scale);
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

std::string ReadAttribute(hid_t file, const char* name) {
  return GetAttribute(file, "/", name);  // fixed- or variable-length
}

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

/// A fixed-length string dataset (h5py reads it as bytes).
bool PutStrings(hid_t file, const char* name, const std::vector<std::string>& values) {
  size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size() + 1);
  std::vector<char> buffer(width * values.size(), '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    std::copy(values[i].begin(), values[i].end(), buffer.begin() + i * width);
  }
  const hsize_t n = values.size();
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, width);
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t set = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const bool ok = set >= 0 && (values.empty() || H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                                          buffer.data()) >= 0);
  if (set >= 0) H5Dclose(set);
  H5Sclose(space);
  H5Tclose(type);
  return ok;
}

}  // namespace

Expected<GraspSet> ReadGraspFile(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Error{path + ": no such grasp file"};
  if (H5Fis_hdf5(path.c_str()) <= 0) return Error{path + ": not an HDF5 file"};
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return Error{path + ": cannot open the HDF5 file"};
  GraspSet set;
  auto fail = [&](const std::string& why) {
    H5Fclose(file);
    return Error{path + ": " + why};
  };
  if (ReadAttribute(file, "format") != kGraspFormat) {
    return fail(std::string("not a grasp file (format attribute is not \"") + kGraspFormat + "\")");
  }
  int version = 0;
  if (H5LTget_attribute_int(file, "/", "version", &version) < 0 || version != kGraspVersion) {
    return fail("grasp file version " + std::to_string(version) + " is not supported (reads " +
                std::to_string(kGraspVersion) + ")");
  }
  set.object = ReadAttribute(file, "object");
  set.object_source = ReadAttribute(file, "object_source");
  if (const std::string text = ReadAttribute(file, "object_scale"); !text.empty()) {
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
  set.hand = ReadAttribute(file, "hand");
  set.hand_source = ReadAttribute(file, "hand_source");
  set.part = ReadAttribute(file, "part");
  set.mode = ReadAttribute(file, "mode");
  set.joint_names = Split(ReadAttribute(file, "joint_names"));
  set.part_names = Split(ReadAttribute(file, "part_names"));
  H5LTget_attribute_int(file, "/", "target_label", &set.target_label);
  for (const char* name : {"pregrasp", "grasp", "squeeze"}) {
    hsize_t dims[2] = {0, 0};
    H5T_class_t cls;
    size_t size = 0;
    int rank = 0;
    const std::string where = std::string("/") + name;
    if (H5LTget_dataset_ndims(file, where.c_str(), &rank) < 0 || rank != 2 ||
        H5LTget_dataset_info(file, where.c_str(), dims, &cls, &size) < 0 || cls != H5T_FLOAT) {
      return fail(std::string("dataset \"") + name + "\" is missing or not a 2-D float array");
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
    std::vector<double>& out = name == std::string("pregrasp") ? set.pregrasp
                               : name == std::string("grasp")  ? set.grasp
                                                               : set.squeeze;
    out.resize(static_cast<size_t>(dims[0]) * dims[1]);
    if (!out.empty() && H5LTread_dataset_double(file, where.c_str(), out.data()) < 0) {
      return fail(std::string("cannot read dataset \"") + name + "\"");
    }
    for (double v : out) {
      if (!std::isfinite(v)) return fail(std::string("dataset \"") + name + "\" holds NaN or inf");
    }
  }
  H5Fclose(file);
  return set;
}

namespace {

Status WriteValidationTo(const std::string& tmp, const std::string& path,
                         const GraspValidation& v) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::error_code ec;
  std::filesystem::copy_file(path, tmp, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) return Error{path + ": cannot copy for writing: " + ec.message()};
  const hid_t file = H5Fopen(tmp.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (file < 0) return Error{path + ": cannot open the HDF5 file for writing"};
  const hsize_t n = v.success.size();
  Writer out{file};
  out.Put("sim_success", v.success, {n});
  out.Put("sim_valid", v.valid, {n});
  out.Put("sim_part_aligned", v.part_aligned, {n});
  out.Put("sim_held", v.held, {n, 6});
  out.Put("sim_translation", v.translation, {n, 6});
  out.Put("sim_rotation_deg", v.rotation_deg, {n, 6});
  out.Put("sim_penetration", v.penetration, {n});
  out.Put("sim_self_penetration", v.self_penetration, {n});
  out.Put("sim_pregrasp_penetration", v.pregrasp_penetration, {n});
  out.Replace("sim_reason");
  out.ok = out.ok && PutStrings(file, "sim_reason", v.reason);
  out.Replace("caption");
  out.ok = out.ok && PutStrings(file, "caption", v.caption);
  out.Attribute("sim_params", v.params);
  out.Attribute("sim_directions", "+x,-x,+y,-y,+z,-z");
  const bool ok = H5Fclose(file) >= 0 && out.ok;
  if (!ok) return Error{path + ": writing the validation results failed"};
  return {};
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
