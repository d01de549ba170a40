#include "synth/grasp_file.h"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace dexvlg {
namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

Status WriteGraspFile(const std::string& path, const HandModel& hand, const LabeledMesh& object,
                      const SynthOptions& options, const SynthResult& result) {
  const std::string tmp = path + ".tmp";
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become return values, not prints
  const hid_t file = H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) return Error{path + ": cannot create the HDF5 file"};
  const hsize_t n = result.grasps.size(), ps = hand.pose_size(), k = result.contacts.size();
  bool ok = true;
  auto put = [&](const char* name, const std::vector<double>& data, std::vector<hsize_t> dims) {
    ok = ok && H5LTmake_dataset_double(file, name, static_cast<int>(dims.size()), dims.data(),
                                       data.data()) >= 0;
  };
  auto put_int = [&](const char* name, const std::vector<int>& data, std::vector<hsize_t> dims) {
    ok = ok && H5LTmake_dataset_int(file, name, static_cast<int>(dims.size()), dims.data(),
                                    data.data()) >= 0;
  };
  auto attr = [&](const char* name, const std::string& value) {
    ok = ok && H5LTset_attribute_string(file, "/", name, value.c_str()) >= 0;
  };
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
  put("pregrasp", pre, {n, ps});
  put("grasp", grasp, {n, ps});
  put("squeeze", squeeze, {n, ps});
  put("contact_points", points, {n, k, 3});
  put("contact_forces", forces, {n, k});
  put_int("contact_parts", parts, {n, k});
  put("energy", energy, {n, 9});
  put("penetration", pen, {n});
  put("self_penetration", spen, {n});
  put_int("attempt", attempt, {n});
  std::vector<std::string> joints, contacts, links;
  for (const Joint& j : hand.joints) joints.push_back(j.name);
  for (int c : result.contacts) {
    contacts.push_back(hand.contacts[c].name);
    links.push_back(hand.links[hand.contacts[c].link].name);
  }
  attr("format", kGraspFormat);
  const int version = kGraspVersion;
  ok = ok && H5LTset_attribute_int(file, "/", "version", &version, 1) >= 0;
  attr("object", object.name);
  attr("part", options.part);
  attr("part_names", Join(object.part_names));
  ok = ok && H5LTset_attribute_int(file, "/", "target_label", &result.target_label, 1) >= 0;
  attr("mode", ModeName(options.mode));
  attr("hand", hand.name);
  attr("joint_names", Join(joints));
  attr("contact_names", Join(contacts));
  attr("contact_links", Join(links));
  attr("energy_columns", "total,fc,bar,dis,limit,pen,spen,dir,residual");
  attr("pose_layout", "x,y,z,qw,qx,qy,qz," + Join(joints));
  const unsigned seed = options.seed;
  ok = ok && H5LTset_attribute_uint(file, "/", "seed", &seed, 1) >= 0;
  ok = H5Fclose(file) >= 0 && ok;
  if (!ok) {
    std::remove(tmp.c_str());
    return Error{path + ": writing the HDF5 file failed"};
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error{path + ": " + ec.message()};
  return {};
}

Status WritePoseRows(const std::string& path, const HandModel& hand, const SynthResult& result,
                     const std::string& which) {
  std::ofstream out(path);
  if (!out) return Error{path + ": cannot write"};
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
  if (!out) return Error{path + ": write failed"};
  return {};
}

}  // namespace dexvlg
