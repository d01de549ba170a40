#include <array>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "sim/sim.h"

namespace dexvlg {

namespace {

/// Calls visit(name, field) for every field of SimParams (one list for writing and parsing).
template <class P, class F>
void VisitParams(P& p, F&& visit) {
  visit("object_mass", p.object_mass);
  visit("friction", p.friction);
  visit("torsional", p.torsional);
  visit("impratio", p.impratio);
  visit("noslip_iterations", p.noslip_iterations);
  visit("timestep", p.timestep);
  visit("implicit", p.implicit);
  visit("hand_solref", p.hand_solref);
  visit("hand_solimp", p.hand_solimp);
  visit("weld_solimp", p.weld_solimp);
  visit("kp", p.kp);
  visit("force_limit", p.force_limit);
  visit("joint_damping", p.joint_damping);
  visit("armature", p.armature);
  visit("frictionloss", p.frictionloss);
  visit("couplings", p.couplings);
  visit("waypoints", p.waypoints);
  visit("substeps", p.substeps);
  visit("max_pregrasp_penetration", p.max_pregrasp_penetration);
  visit("force_per_kg", p.force_per_kg);
  visit("force_time", p.force_time);
  visit("force_checks", p.force_checks);
  visit("max_translation", p.max_translation);
  visit("max_rotation_deg", p.max_rotation_deg);
  visit("max_penetration", p.max_penetration);
  visit("max_self_penetration", p.max_self_penetration);
  visit("box_cell", p.box_cell);
  visit("early_exit", p.early_exit);
  visit("settle_time", p.settle_time);
  visit("settle_margin", p.settle_margin);
  visit("reuse_closing", p.reuse_closing);
  visit("pin_object_while_closing", p.pin_object_while_closing);
  visit("table", p.table);
  visit("lift_height", p.lift_height);
  visit("lift_time", p.lift_time);
}

void Put(std::ostream& s, double v) { s << std::setprecision(17) << v; }
void Put(std::ostream& s, int v) { s << v; }
void Put(std::ostream& s, bool v) { s << (v ? 1 : 0); }
template <size_t N>
void Put(std::ostream& s, const std::array<double, N>& v) {
  for (size_t i = 0; i < N; ++i) {
    if (i) s << " ";
    Put(s, v[i]);
  }
}

bool Take(std::istream& s, double* v) { return static_cast<bool>(s >> *v) && std::isfinite(*v); }
bool Take(std::istream& s, int* v) { return static_cast<bool>(s >> *v); }
bool Take(std::istream& s, bool* v) {
  int i = 0;
  if (!(s >> i) || (i != 0 && i != 1)) return false;
  *v = i == 1;
  return true;
}
template <size_t N>
bool Take(std::istream& s, std::array<double, N>* v) {
  for (size_t i = 0; i < N; ++i) {
    if (!Take(s, &(*v)[i])) return false;
  }
  return true;
}

}  // namespace

namespace {

/// Overloads for SimParams::Validate: every number finite and not negative.
void NotNegative(const char* name, double v, std::string* bad) {
  if (bad->empty() && !(v >= 0 && std::isfinite(v))) {
    *bad = std::string(name) + " " + std::to_string(v) + " (expected a finite value >= 0)";
  }
}
void NotNegative(const char* name, int v, std::string* bad) {
  if (bad->empty() && v < 0)
    *bad = std::string(name) + " " + std::to_string(v) + " (expected >= 0)";
}
void NotNegative(const char*, bool, std::string*) {}
template <size_t N>
void NotNegative(const char* name, const std::array<double, N>& v, std::string* bad) {
  for (double x : v) NotNegative(name, x, bad);
}

}  // namespace

Status SimParams::Validate() const {
  std::string bad;
  VisitParams(*this, [&](const char* name, const auto& v) { NotNegative(name, v, &bad); });
  const std::pair<const char*, double> positive[] = {{"object_mass", object_mass},
                                                     {"timestep", timestep},
                                                     {"kp", kp},
                                                     {"force_limit", force_limit},
                                                     {"force_time", force_time},
                                                     {"max_translation", max_translation},
                                                     {"max_rotation_deg", max_rotation_deg},
                                                     {"waypoints", double(waypoints)},
                                                     {"substeps", double(substeps)},
                                                     {"force_checks", double(force_checks)}};
  for (const auto& [name, v] : positive) {
    if (bad.empty() && !(v > 0))
      bad = std::string(name) + " " + std::to_string(v) + " (expected > 0)";
  }
  if (bad.empty() && timestep > 0.05) {
    bad = "timestep " + std::to_string(timestep) + " s (expected at most 0.05)";
  }
  if (!bad.empty()) return Error{"simulation parameters: " + bad};
  return Status::Ok();
}

std::string SimParamsText(const SimParams& params) {
  std::ostringstream s;
  bool first = true;
  VisitParams(params, [&](const char* name, const auto& value) {
    s << (first ? "" : ",") << name << "=";
    Put(s, value);
    first = false;
  });
  return s.str();
}

Expected<SimParams> ParseSimParams(const std::string& text) {
  SimParams p;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      return Error{"simulation parameters: \"" + item + "\" is not name=value"};
    }
    const std::string name = item.substr(0, eq);
    bool known = false, ok = false;
    VisitParams(p, [&](const char* field, auto& value) {
      if (name != field) return;
      known = true;
      std::istringstream v(item.substr(eq + 1));
      ok = Take(v, &value) && (v >> std::ws).eof();
    });
    if (!known) return Error{"simulation parameters: unknown parameter \"" + name + "\""};
    if (!ok) return Error{"simulation parameters: bad value in \"" + item + "\""};
  }
  return p;
}

const char* DirectionName(int direction) {
  static const char* const names[kDirections] = {"+x", "-x", "+y", "-y", "+z", "-z"};
  return direction >= 0 && direction < kDirections ? names[direction] : "?";
}

}  // namespace dexvlg
