#include "object/procedural.h"

#include <algorithm>
#include <cmath>
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

LabeledMesh Bottle(const ProceduralParams& p) {
  const double s = p.size, R = 0.035 * s, h1 = 0.15 * s * p.proportion, rn = 0.013 * s;
  const double shoulder = 0.03 * s, h2 = h1 + shoulder + 0.03 * s, rc = 0.015 * s,
               h3 = h2 + 0.02 * s;
  LabeledMesh out{"bottle", {}, {}, {"body", "neck", "cap"}};
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
  static const std::vector<std::string> names = {"mug", "bottle", "hammer", "pan", "box", "bowl"};
  return names;
}

Expected<LabeledMesh> MakeProcedural(const std::string& name, const ProceduralParams& params) {
  if (!(params.size > 0.05 && params.size < 20) ||
      !(params.proportion > 0.2 && params.proportion < 5) || params.resolution < 8 ||
      params.resolution > 1024) {
    return Error{name +
                 ": parameters out of range (size in (0.05, 20), proportion in (0.2, 5), "
                 "resolution in [8, 1024])"};
  }
  LabeledMesh out;
  if (name == "mug")
    out = Mug(params);
  else if (name == "bottle")
    out = Bottle(params);
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

Expected<LabeledMesh> MakeProcedural(const std::string& spec) {
  const size_t colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  ProceduralParams params;
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
      if (key == "size")
        params.size = v;
      else if (key == "proportion")
        params.proportion = v;
      else if (key == "resolution")
        params.resolution = static_cast<int>(v);
      else
        return Error{spec + ": unknown parameter \"" + key + "\" (size, proportion, resolution)"};
    }
  }
  return MakeProcedural(name, params);
}

}  // namespace dexvlg
