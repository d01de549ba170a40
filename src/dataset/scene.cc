#include "dataset/scene.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "object/mesh_sdf.h"
#include "synth/synth.h"

namespace dexvlg {
namespace {

constexpr double kDeg = 3.14159265358979323846 / 180;

/// The table: a 1 m square whose top is z = 0.
TriMesh TableMesh() {
  TriMesh t;
  t.vertices = {{-0.5, -0.5, 0}, {0.5, -0.5, 0}, {0.5, 0.5, 0}, {-0.5, 0.5, 0}};
  t.faces = {{0, 1, 2}, {0, 2, 3}};
  return t;
}

TriMesh Transformed(const TriMesh& mesh, const Placement& p) {
  TriMesh out = mesh;
  for (Vec3& v : out.vertices) v = p.R * v + p.t;
  return out;
}

}  // namespace

std::vector<double> PlacePose(const std::vector<double>& row, const Placement& placement) {
  std::vector<double> out = row;
  const Vec3 t = placement.R * Vec3(row[0], row[1], row[2]) + placement.t;
  const Eigen::Quaterniond q =
      Eigen::Quaterniond(placement.R) * Eigen::Quaterniond(row[3], row[4], row[5], row[6]);
  for (int a = 0; a < 3; ++a) out[a] = t[a];
  const Eigen::Quaterniond n = q.normalized();
  out[3] = n.w(), out[4] = n.x(), out[5] = n.y(), out[6] = n.z();
  return out;
}

bool HandAboveTable(const HandModel& hand, const std::vector<double>& row, double tolerance) {
  return LowestAlong(hand, row.data(), Vec3::UnitZ()) >= -tolerance;
}

Scene MakeScene(const LabeledMesh& object, const TriMesh& appearance,
                const std::vector<Vec3>& appearance_colors, const Placement& placement,
                const SceneOptions& o, unsigned seed, bool keep_frames) {
  Scene scene;
  scene.placement = placement;
  const TriMesh posed = Transformed(appearance, placement);
  const TriMesh table = TableMesh();
  const std::vector<ColoredMesh> meshes = {
      {&posed, appearance_colors},
      {&table, std::vector<Vec3>(table.faces.size(), Vec3(0.62, 0.55, 0.47))}};
  Vec3 lo, hi;
  posed.Bounds(&lo, &hi);
  const Vec3 centre = 0.5 * (lo + hi);
  const double radius = 0.5 * (hi - lo).norm();
  const double radius_xy = 0.5 * Eigen::Vector2d(hi.x() - lo.x(), hi.y() - lo.y()).norm();
  const double distance =
      std::max(o.min_distance, 1.4 * radius / std::sin(0.5 * o.fov_y_deg * kDeg));
  const MeshSdf sdf(object.mesh);
  scene.views.resize(o.cameras);
  tbb::parallel_for(0, o.cameras, [&](int c) {
    SceneView& v = scene.views[c];
    Camera& cam = v.camera;
    cam.width = o.width;
    cam.height = o.height;
    cam.fov_y_deg = o.fov_y_deg;
    cam.target = centre;
    const double az = 360.0 * c / o.cameras * kDeg, el = o.elevation_deg * kDeg;
    cam.eye = centre + distance * Vec3(std::cos(el) * std::cos(az), std::cos(el) * std::sin(az),
                                       std::sin(el));
    cam.up = Vec3::UnitZ();
    v.fx = v.fy = FocalPixels(cam);
    v.cx = 0.5 * cam.width;
    v.cy = 0.5 * cam.height;
    const Vec3 forward = (cam.target - cam.eye).normalized();
    const Vec3 right = forward.cross(cam.up).normalized();
    const Vec3 up = right.cross(forward);
    v.R_wc.col(0) = right;
    v.R_wc.col(1) = -up;
    v.R_wc.col(2) = forward;
    v.t_wc = cam.eye;
    RgbdFrame frame = std::move(RenderRgbd(meshes, {cam}).front());
    // candidate pixels: the object, and the table around it
    std::vector<int> candidates;
    for (int y = 0; y < cam.height; ++y) {
      for (int x = 0; x < cam.width; ++x) {
        const int i = y * cam.width + x;
        if (frame.mesh[i] < 0) continue;
        if (frame.mesh[i] == 1) {
          const double u = (x + 0.5 - v.cx) / v.fx, w = (v.cy - (y + 0.5)) / v.fy;
          const Vec3 p = cam.eye + frame.depth[i] * (forward + u * right + w * up);
          if (Vec3(p.x() - centre.x(), p.y() - centre.y(), 0).norm() > radius_xy + o.crop_margin) {
            continue;
          }
        }
        candidates.push_back(i);
      }
    }
    std::mt19937 rng(seed * 1000003u + static_cast<unsigned>(c));
    std::vector<int> chosen;
    if (static_cast<int>(candidates.size()) >= o.points) {  // partial Fisher-Yates
      for (int k = 0; k < o.points; ++k) {
        std::uniform_int_distribution<size_t> pick(k, candidates.size() - 1);
        std::swap(candidates[k], candidates[pick(rng)]);
      }
      chosen.assign(candidates.begin(), candidates.begin() + o.points);
    } else if (!candidates.empty()) {  // too few pixels: every one, then repeats
      chosen = candidates;
      std::uniform_int_distribution<size_t> pick(0, candidates.size() - 1);
      while (static_cast<int>(chosen.size()) < o.points) chosen.push_back(candidates[pick(rng)]);
    }
    std::sort(chosen.begin(), chosen.end());
    std::normal_distribution<double> gauss(0, 1);
    for (int i : chosen) {
      const int x = i % cam.width, y = i / cam.width;
      const double z = frame.depth[i];
      // D415-like: disparity noise of `subpixel` pixels -> depth sigma z^2 s / (f b)
      double noisy = z + gauss(rng) * z * z * o.subpixel / (v.fx * o.baseline);
      noisy = std::round(noisy / o.depth_unit) * o.depth_unit;
      const double u = (x + 0.5 - v.cx) / v.fx, w = (v.cy - (y + 0.5)) / v.fy;
      const Vec3 ray = forward + u * right + w * up;
      const Vec3 p = cam.eye + noisy * ray;
      for (int a = 0; a < 3; ++a) v.points.push_back(static_cast<float>(p[a]));
      const uint8_t* rgb = frame.color.At(x, y);
      v.colors.insert(v.colors.end(), rgb, rgb + 3);
      int label = -1;
      if (frame.mesh[i] == 0) {  // the part of the nearest object face, from the exact hit
        const Vec3 hit = cam.eye + static_cast<double>(z) * ray;
        const SurfaceHit h = sdf.Query(placement.R.transpose() * (hit - placement.t));
        label = h.face >= 0 ? object.face_labels[h.face] : -1;
      }
      v.labels.push_back(static_cast<int8_t>(label));
    }
    if (keep_frames) v.frame = std::move(frame);
  });
  return scene;
}

Image ScenePicture(const Scene& scene, int columns) {
  std::vector<Image> colour, depth;
  for (const SceneView& v : scene.views) {
    const RgbdFrame& f = v.frame;
    if (f.color.width == 0) continue;
    const int s = std::max(1, f.color.width / 320);  // views shrunk to about 320 pixels wide
    Image c, d;
    c.Resize(f.color.width / s, f.color.height / s);
    d.Resize(c.width, c.height, 0);
    float near = 1e9f, far = 0;
    for (float z : f.depth) {
      if (z > 0) near = std::min(near, z), far = std::max(far, z);
    }
    for (int y = 0; y < c.height; ++y) {
      for (int x = 0; x < c.width; ++x) {
        std::copy(f.color.At(x * s, y * s), f.color.At(x * s, y * s) + 3, c.At(x, y));
        const float z = f.depth[static_cast<size_t>(y * s) * f.color.width + x * s];
        const uint8_t g =
            z > 0 ? static_cast<uint8_t>(255 * (1 - 0.8 * (z - near) / std::max(far - near, 1e-6f)))
                  : 0;
        std::fill(d.At(x, y), d.At(x, y) + 3, g);
      }
    }
    colour.push_back(std::move(c));
    depth.push_back(std::move(d));
  }
  if (colour.empty()) return Image{};
  // each row of `columns` colour views followed by the same views' depth
  std::vector<Image> tiles;
  for (size_t r = 0; r < colour.size(); r += columns) {
    for (size_t k = r; k < r + columns; ++k) {
      tiles.push_back(k < colour.size() ? colour[k] : Image{});
    }
    for (size_t k = r; k < r + columns; ++k) {
      tiles.push_back(k < depth.size() ? depth[k] : Image{});
    }
  }
  for (Image& t : tiles) {
    if (t.width == 0) t.Resize(colour[0].width, colour[0].height);
  }
  return Tile(tiles, columns);
}

/// A muted colour chosen by the object's name (stable across runs).
Vec3 PlainColor(const std::string& name) {
  uint32_t h = 2166136261u;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  const double hue = (h % 360) / 60.0;
  const double x = 1 - std::abs(std::fmod(hue, 2.0) - 1);
  const Vec3 rgb = hue < 1   ? Vec3(1, x, 0)
                   : hue < 2 ? Vec3(x, 1, 0)
                   : hue < 3 ? Vec3(0, 1, x)
                   : hue < 4 ? Vec3(0, x, 1)
                   : hue < 5 ? Vec3(x, 0, 1)
                             : Vec3(1, 0, x);
  // grey level and colour strength from other bits of the hash: from muted to vivid, never
  // white or black
  const double base = 0.15 + 0.3 * ((h >> 9) % 64) / 63.0;
  const double strength = 0.25 + 0.45 * ((h >> 15) % 64) / 63.0;
  return Vec3::Constant(base) + strength * rgb;
}

Appearance ObjectAppearance(const std::string& source, const LabeledMesh& object,
                            const ObjectScale& scale) {
  auto raw = LoadObject(source, scale);
  const bool textured =
      raw && (!raw->mesh.texture.empty() || raw->mesh.colors.size() == raw->mesh.vertices.size());
  if (textured) return {raw->mesh, MeshFaceColors(raw->mesh, Vec3(0.7, 0.7, 0.7))};
  // one colour per instance ("mug:seed=3" and "mug:seed=4" differ), never by part
  return {object.mesh, std::vector<Vec3>(object.mesh.faces.size(), PlainColor(source))};
}

}  // namespace dexvlg
