#include "object/procedural.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <sstream>

namespace dexvlg {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Adds `part` to the labelled mesh with label `label`.
void AddPart(LabeledMesh* out, const TriMesh& part, int label) {
  out->mesh.Append(part);
  out->face_labels.insert(out->face_labels.end(), part.faces.size(), label);
}

// Revolved profile with n points on a quarter ellipse from angle a0 to a1 (for rounded shapes).
void Arc(std::vector<Eigen::Vector2d>* profile, Eigen::Vector2d centre, double rx, double rz,
         double a0, double a1, int n) {
  for (int i = 0; i <= n; ++i) {
    const double a = a0 + (a1 - a0) * i / n;
    profile->emplace_back(centre.x() + rx * std::cos(a), centre.y() + rz * std::sin(a));
  }
}

LabeledMesh Mug(const ProceduralParams& p) {
  const double s = p.size, R = 0.04 * s, H = 0.095 * s * p.proportion, wall = 0.005 * s;
  LabeledMesh out{"mug", {}, {}, {"body", "handle"}};
  AddPart(
      &out,
      Revolve({{0, 0}, {R, 0}, {R, H}, {R - wall, H}, {R - wall, wall}, {0, wall}}, p.resolution),
      0);
  // handle: a half loop in the xz plane on the +x side, ends sunk into the wall
  const double a = 0.028 * s, b = 0.3 * H, tube = 0.0055 * s;
  std::vector<Vec3> path;
  path.emplace_back(R - 0.5 * wall, 0, 0.5 * H - b);
  for (int i = 0; i <= 24; ++i) {
    const double t = -kPi / 2 + kPi * i / 24;
    path.emplace_back(R + a * std::cos(t), 0, 0.5 * H + b * std::sin(t));
  }
  path.emplace_back(R - 0.5 * wall, 0, 0.5 * H + b);
  AddPart(&out, Tube(path, tube, 16), 1);
  return out;
}

/// A bottle of body, neck and cap; `wine` makes the long-necked wine bottle.
LabeledMesh Bottle(const ProceduralParams& p, bool wine) {
  const double s = p.size, v0 = p.shape[0] - 0.5, v1 = p.shape[1] - 0.5;
  const double R = (wine ? 0.037 : 0.035) * s * (1 + 0.2 * v0);
  const double h1 = (wine ? 0.19 : 0.15) * s * p.proportion;
  const double rn = (wine ? 0.0125 : 0.013) * s, shoulder = (wine ? 0.045 : 0.03) * s;
  const double neck = (wine ? 0.07 : 0.03) * s * (1 + 0.5 * v1);
  const double h2 = h1 + shoulder + neck, rc = (wine ? 0.0135 : 0.015) * s,
               h3 = h2 + (wine ? 0.03 : 0.02) * s;
  LabeledMesh out{wine ? "wine_bottle" : "bottle", {}, {}, {"body", "neck", "cap"}};
  std::vector<Eigen::Vector2d> body = {{0, 0}, {R, 0}, {R, h1}};
  Arc(&body, {rn, h1}, R - rn, shoulder, 0.0, kPi / 2, 8);
  body.emplace_back(0, h1 + shoulder);
  AddPart(&out, Revolve(body, p.resolution), 0);
  AddPart(
      &out,
      Revolve({{0, h1 + shoulder - 0.003 * s}, {rn, h1 + shoulder - 0.003 * s}, {rn, h2}, {0, h2}},
              p.resolution),
      1);
  AddPart(&out,
          Revolve({{0, h2 - 0.003 * s}, {rc, h2 - 0.003 * s}, {rc, h3}, {0, h3}}, p.resolution), 2);
  return out;
}

/// A tapered drinking cup, no handle.
LabeledMesh Cup(const ProceduralParams& p) {
  const double s = p.size, v0 = p.shape[0] - 0.5;
  const double Rb = 0.029 * s, Rt = 0.039 * s * (1 + 0.3 * v0), H = 0.1 * s * p.proportion,
               wall = 0.004 * s;
  LabeledMesh out{"cup", {}, {}, {"body"}};
  AddPart(&out,
          Revolve({{0, 0}, {Rb, 0}, {Rt, H}, {Rt - wall, H}, {Rb - wall, wall}, {0, wall}},
                  p.resolution),
          0);
  return out;
}

/// A jar with a screw lid wider than its mouth.
LabeledMesh Jar(const ProceduralParams& p) {
  const double s = p.size, v0 = p.shape[0] - 0.5;
  const double R = 0.045 * s * (1 + 0.25 * v0), H = 0.1 * s * p.proportion, rm = 0.036 * s,
               lid = 0.022 * s;
  LabeledMesh out{"jar", {}, {}, {"body", "lid"}};
  std::vector<Eigen::Vector2d> body = {{0, 0}, {R, 0}, {R, H - 0.015 * s}};
  Arc(&body, {rm, H - 0.015 * s}, R - rm, 0.012 * s, 0.0, kPi / 2, 6);
  body.emplace_back(rm, H);
  body.emplace_back(0, H);
  AddPart(&out, Revolve(body, p.resolution), 0);
  AddPart(&out,
          Revolve({{0, H - 0.004 * s},
                   {rm + 0.004 * s, H - 0.004 * s},
                   {rm + 0.004 * s, H + lid},
                   {0, H + lid}},
                  p.resolution),
          1);
  return out;
}

/// A kettle: a round-shouldered body, an arched handle over the top, a spout on the side.
LabeledMesh Kettle(const ProceduralParams& p) {
  const double s = p.size, v0 = p.shape[0] - 0.5, v1 = p.shape[1] - 0.5;
  const double R = 0.075 * s, H = 0.13 * s * p.proportion, top = 0.045 * s;
  LabeledMesh out{"kettle", {}, {}, {"body", "handle", "spout"}};
  std::vector<Eigen::Vector2d> body = {{0, 0}, {R, 0}, {R, 0.6 * H}};
  Arc(&body, {top, 0.6 * H}, R - top, 0.4 * H, 0.0, kPi / 2, 10);
  body.emplace_back(0, H);
  AddPart(&out, Revolve(body, p.resolution), 0);
  // handle: an arch in the xz plane over the lid, its feet sunk into the shoulder
  const double span = 0.05 * s * (1 + 0.3 * v0), rise = 0.06 * s * (1 + 0.4 * v1), tube = 0.008 * s;
  std::vector<Vec3> arch;
  arch.emplace_back(-span, 0, H - 0.035 * s);
  for (int i = 0; i <= 20; ++i) {
    const double t = kPi - kPi * i / 20;
    arch.emplace_back(span * std::cos(t), 0, H - 0.01 * s + rise * std::sin(t));
  }
  arch.emplace_back(span, 0, H - 0.035 * s);
  AddPart(&out, Tube(arch, tube, 12), 1);
  // spout: from inside the wall low on the -y side, out and up
  std::vector<Vec3> spout;
  for (int i = 0; i <= 8; ++i) {
    const double t = static_cast<double>(i) / 8;
    spout.emplace_back(0, -(R - 0.01 * s) - 0.06 * s * t, 0.25 * H + 0.45 * H * t * t);
  }
  AddPart(&out, Tube(spout, 0.009 * s, 12), 2);
  return out;
}

/// A screwdriver standing on its handle: a ribbed-free round handle and a thin shaft.
LabeledMesh Screwdriver(const ProceduralParams& p) {
  const double s = p.size, v0 = p.shape[0] - 0.5;
  const double L = 0.1 * s * p.proportion, r = 0.014 * s * (1 + 0.3 * v0),
               shaft = 0.1 * s * p.proportion;
  LabeledMesh out{"screwdriver", {}, {}, {"handle", "shaft"}};
  std::vector<Eigen::Vector2d> handle = {{0, 0}, {r, 0}, {r, L - 0.01 * s}};
  Arc(&handle, {r - 0.006 * s, L - 0.01 * s}, 0.006 * s, 0.01 * s, 0.0, kPi / 2, 5);
  handle.emplace_back(0, L);
  AddPart(&out, Revolve(handle, p.resolution), 0);
  AddPart(
      &out,
      Revolve(
          {{0, L - 0.01 * s}, {0.0035 * s, L - 0.01 * s}, {0.0035 * s, L + shaft}, {0, L + shaft}},
          std::max(8, p.resolution / 3)),
      1);
  return out;
}

/// A kitchen knife standing on its handle's end: a flat handle and a thin blade.
LabeledMesh Knife(const ProceduralParams& p) {
  const double s = p.size, v0 = p.shape[0] - 0.5;
  const double L = 0.11 * s * p.proportion, blade = 0.15 * s * p.proportion,
               w = 0.03 * s * (1 + 0.3 * v0);
  LabeledMesh out{"knife", {}, {}, {"handle", "blade"}};
  AddPart(&out, Box(Vec3(-0.011 * s, -0.008 * s, 0), Vec3(0.011 * s, 0.008 * s, L)), 0);
  AddPart(&out,
          Box(Vec3(-0.5 * w, -0.0012 * s, L - 0.005 * s), Vec3(0.5 * w, 0.0012 * s, L + blade)), 1);
  return out;
}

/// A spatula standing on its handle's end: a round handle and a flat head.
LabeledMesh Spatula(const ProceduralParams& p) {
  const double s = p.size, v0 = p.shape[0] - 0.5;
  const double L = 0.2 * s * p.proportion, r = 0.009 * s, w = 0.07 * s * (1 + 0.3 * v0),
               h = 0.08 * s;
  LabeledMesh out{"spatula", {}, {}, {"handle", "head"}};
  AddPart(&out, Revolve({{0, 0}, {r, 0}, {r, L}, {0, L}}, std::max(8, p.resolution / 2)), 0);
  AddPart(&out, Box(Vec3(-0.5 * w, -0.0025 * s, L - 0.01 * s), Vec3(0.5 * w, 0.0025 * s, L + h)),
          1);
  return out;
}

/// A saucepan: a deep pot with a long round handle rising slightly from the rim.
LabeledMesh Saucepan(const ProceduralParams& p) {
  const double s = p.size, v0 = p.shape[0] - 0.5;
  const double R = 0.075 * s, H = 0.075 * s * p.proportion, t = 0.004 * s;
  LabeledMesh out{"saucepan", {}, {}, {"body", "handle"}};
  AddPart(&out, Revolve({{0, 0}, {R, 0}, {R, H}, {R - t, H}, {R - t, t}, {0, t}}, p.resolution), 0);
  const double length = 0.16 * s * (1 + 0.3 * v0), z = 0.8 * H;
  std::vector<Vec3> path;
  for (int i = 0; i <= 6; ++i) {
    const double u = static_cast<double>(i) / 6;
    path.emplace_back(R - 0.002 * s + length * u, 0, z + 0.02 * s * u);
  }
  AddPart(&out, Tube(path, 0.011 * s, 16), 1);
  return out;
}

LabeledMesh Hammer(const ProceduralParams& p) {
  const double s = p.size, L = 0.28 * s * p.proportion, r = 0.014 * s;
  LabeledMesh out{"hammer", {}, {}, {"head", "handle"}};
  AddPart(&out, Box(Vec3(-0.055 * s, -0.016 * s, L - 0.034 * s), Vec3(0.055 * s, 0.016 * s, L)), 0);
  AddPart(&out, Revolve({{0, 0}, {r, 0}, {r, L - 0.01 * s}, {0, L - 0.01 * s}}, p.resolution), 1);
  return out;
}

LabeledMesh Pan(const ProceduralParams& p) {
  const double s = p.size, R = 0.11 * s, H = 0.045 * s * p.proportion, flare = 0.012 * s,
               t = 0.004 * s;
  LabeledMesh out{"pan", {}, {}, {"body", "handle"}};
  AddPart(&out,
          Revolve({{0, 0}, {R, 0}, {R + flare, H}, {R + flare - t, H}, {R - t, t}, {0, t}},
                  p.resolution),
          0);
  const double x0 = R + 0.5 * flare - 0.006 * s;
  const double z1 = 0.8 * H, z0 = std::max(0.1 * H, z1 - 0.011 * s);  // top below the rim
  AddPart(&out, Box(Vec3(x0, -0.0125 * s, z0), Vec3(x0 + 0.17 * s, 0.0125 * s, z1)), 1);
  return out;
}

LabeledMesh BoxWithLid(const ProceduralParams& p) {
  const double s = p.size, hx = 0.06 * s, hy = 0.04 * s, H = 0.07 * s * p.proportion;
  LabeledMesh out{"box", {}, {}, {"body", "lid"}};
  AddPart(&out, Box(Vec3(-hx, -hy, 0), Vec3(hx, hy, H)), 0);
  AddPart(&out,
          Box(Vec3(-hx - 0.003 * s, -hy - 0.003 * s, H - 0.004 * s),
              Vec3(hx + 0.003 * s, hy + 0.003 * s, H + 0.01 * s)),
          1);
  return out;
}

LabeledMesh Bowl(const ProceduralParams& p) {
  const double s = p.size, R = 0.08 * s, H = 0.055 * s * p.proportion, t = 0.005 * s,
               foot = 0.035 * s;
  LabeledMesh out{"bowl", {}, {}, {"body"}};
  std::vector<Eigen::Vector2d> profile = {{0, 0}, {foot, 0}};
  Arc(&profile, {0, H}, R, H, -kPi / 2 + std::asin(foot / R) * 0.999, 0.0, 12);  // outer wall
  profile.back() = {R, H};
  profile.emplace_back(R - t, H);
  Arc(&profile, {0, H}, R - t, H - t, 0.0, -kPi / 2, 12);  // inner wall down to the centre
  profile.back() = {0, t};
  AddPart(&out, Revolve(profile, p.resolution), 0);
  return out;
}

}  // namespace

TriMesh Tube(const std::vector<Vec3>& path, double radius, int segments) {
  TriMesh mesh;
  const int n = static_cast<int>(path.size());
  // parallel-transported frames along the path
  Vec3 tangent = (path[1] - path[0]).normalized();
  Vec3 normal = tangent.unitOrthogonal();
  for (int i = 0; i < n; ++i) {
    const Vec3 next_t = i + 1 < n ? (path[i + 1] - path[i]).normalized() : tangent;
    const Vec3 t = i == 0 ? tangent : (tangent + next_t).normalized();
    normal = (normal - t * t.dot(normal)).normalized();
    const Vec3 binormal = t.cross(normal);
    for (int k = 0; k < segments; ++k) {
      const double a = 2 * kPi * k / segments;
      mesh.vertices.push_back(path[i] + radius * (std::cos(a) * normal + std::sin(a) * binormal));
    }
    tangent = next_t;
  }
  for (int i = 0; i + 1 < n; ++i) {
    for (int k = 0; k < segments; ++k) {
      const int a0 = i * segments + k, a1 = i * segments + (k + 1) % segments;
      const int b0 = a0 + segments, b1 = a1 + segments;
      mesh.faces.push_back({a0, a1, b1});
      mesh.faces.push_back({a0, b1, b0});
    }
  }
  for (int end = 0; end < 2; ++end) {  // caps: fans around the path end points
    const int centre = mesh.num_vertices();
    mesh.vertices.push_back(path[end == 0 ? 0 : n - 1]);
    const int ring = end == 0 ? 0 : (n - 1) * segments;
    for (int k = 0; k < segments; ++k) {
      const int a = ring + k, b = ring + (k + 1) % segments;
      if (end == 0) {
        mesh.faces.push_back({centre, b, a});
      } else {
        mesh.faces.push_back({centre, a, b});
      }
    }
  }
  FlipIfInward(&mesh);
  return mesh;
}

const std::vector<std::string>& ProceduralNames() {
  static const std::vector<std::string> names = {
      "mug",         "cup",   "bottle",  "wine_bottle", "jar",      "kettle", "hammer",
      "screwdriver", "knife", "spatula", "pan",         "saucepan", "box",    "bowl"};
  return names;
}

Expected<LabeledMesh> MakeProcedural(const std::string& name, const ProceduralParams& params) {
  if (!(params.size > 0.05 && params.size < 20) ||
      !(params.proportion > 0.2 && params.proportion < 5) || params.resolution < 8 ||
      params.resolution > 1024 ||
      std::any_of(params.shape.begin(), params.shape.end(),
                  [](double v) { return !(v >= 0 && v <= 1); })) {
    return Error{name +
                 ": parameters out of range (size in (0.05, 20), proportion in (0.2, 5), "
                 "resolution in [8, 1024], shape choices in [0, 1])"};
  }
  LabeledMesh out;
  if (name == "mug")
    out = Mug(params);
  else if (name == "bottle" || name == "wine_bottle")
    out = Bottle(params, name == "wine_bottle");
  else if (name == "cup")
    out = Cup(params);
  else if (name == "jar")
    out = Jar(params);
  else if (name == "kettle")
    out = Kettle(params);
  else if (name == "screwdriver")
    out = Screwdriver(params);
  else if (name == "knife")
    out = Knife(params);
  else if (name == "spatula")
    out = Spatula(params);
  else if (name == "saucepan")
    out = Saucepan(params);
  else if (name == "hammer")
    out = Hammer(params);
  else if (name == "pan")
    out = Pan(params);
  else if (name == "box")
    out = BoxWithLid(params);
  else if (name == "bowl")
    out = Bowl(params);
  else {
    std::string known;
    for (const auto& n : ProceduralNames()) known += (known.empty() ? "" : ", ") + n;
    return Error{"unknown procedural object '" + name + "' (known: " + known + ")"};
  }
  return out;
}

ProceduralParams SeededParams(const std::string& name, unsigned seed) {
  // a small portable generator (splitmix64): the same objects on every machine and compiler
  uint64_t state = 0x9E3779B97F4A7C15ull * (seed + 1);
  for (char c : name) state = (state ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  auto next = [&state] {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / 9007199254740992.0;  // [0, 1)
  };
  ProceduralParams p;
  p.size = 0.8 + 0.45 * next();
  p.proportion = 0.75 + 0.55 * next();
  for (double& v : p.shape) v = next();
  return p;
}

Expected<LabeledMesh> MakeProcedural(const std::string& spec) {
  const size_t colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  ProceduralParams params;
  bool has_size = false, has_proportion = false;
  long long seed = -1;
  if (colon != std::string::npos) {
    std::stringstream in(spec.substr(colon + 1));
    std::string item;
    while (std::getline(in, item, ',')) {
      const size_t eq = item.find('=');
      const std::string key = item.substr(0, eq);
      char* end = nullptr;
      const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
      const double v = std::strtod(value.c_str(), &end);
      if (eq == std::string::npos || end == value.c_str() || *end != '\0') {
        return Error{spec + ": expected key=value pairs, got \"" + item + "\""};
      }
      if (key == "size") {
        params.size = v;
        has_size = true;
      } else if (key == "proportion") {
        params.proportion = v;
        has_proportion = true;
      } else if (key == "resolution") {
        params.resolution = static_cast<int>(v);
      } else if (key == "seed") {
        if (!(v >= 0 && v < 4294967296.0) || v != std::floor(v))
          return Error{spec + ": seed must be a whole number 0 .. 4294967295"};
        seed = static_cast<long long>(v);
      } else {
        return Error{spec + ": unknown parameter \"" + key +
                     "\" (size, proportion, resolution, seed)"};
      }
    }
  }
  if (seed >= 0) {
    const ProceduralParams drawn = SeededParams(name, static_cast<unsigned>(seed));
    if (!has_size) params.size = drawn.size;
    if (!has_proportion) params.proportion = drawn.proportion;
    params.shape = drawn.shape;
  }
  return MakeProcedural(name, params);
}

Expected<std::vector<std::string>> ExpandProceduralCount(const std::string& item) {
  const size_t star = item.find('*');
  if (star == std::string::npos) return std::vector<std::string>{};
  const std::string family = item.substr(0, star), count_text = item.substr(star + 1);
  char* end = nullptr;
  const long count = std::strtol(count_text.c_str(), &end, 10);
  if (count_text.empty() || *end != '\0' || count < 1 || count > 100000)
    return Error{item + ": expected FAMILY*N with N a count 1 .. 100000"};
  const auto& names = ProceduralNames();
  std::vector<std::string> families;
  if (family == "procedural") {
    families = names;
  } else if (std::find(names.begin(), names.end(), family) != names.end()) {
    families = {family};
  } else {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    return Error{item + ": unknown procedural family \"" + family + "\" (known: " + known +
                 ", or procedural for all)"};
  }
  std::vector<std::string> out;
  for (long i = 0; i < count; ++i)
    for (const std::string& f : families) out.push_back(f + ":seed=" + std::to_string(i));
  return out;
}

}  // namespace dexvlg
