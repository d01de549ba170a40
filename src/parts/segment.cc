#include "parts/segment.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <limits>
#include <numeric>

#include <Eigen/Eigenvalues>

#include "parts/parts.h"

namespace dexvlg {
namespace {

constexpr double kFar = 1e20;

/// A dense voxel grid in the principal-axis frame: voxel (i, j, k) has its centre at
/// origin + (i + 0.5, j + 0.5, k + 0.5) h in frame coordinates.
struct Grid {
  std::array<int, 3> n{};
  Vec3 origin = Vec3::Zero();
  double h = 1;
  size_t size() const { return static_cast<size_t>(n[0]) * n[1] * n[2]; }
  size_t Index(int i, int j, int k) const { return (static_cast<size_t>(k) * n[1] + j) * n[0] + i; }
  std::array<int, 3> Cell(size_t index) const {
    const int i = static_cast<int>(index % n[0]);
    const int j = static_cast<int>((index / n[0]) % n[1]);
    return {i, j, static_cast<int>(index / (static_cast<size_t>(n[0]) * n[1]))};
  }
  size_t Stride(int axis) const {
    return axis == 0 ? 1 : axis == 1 ? static_cast<size_t>(n[0]) : static_cast<size_t>(n[0]) * n[1];
  }
};

/// Calls f(first index, stride, length) for every grid line along `axis`.
template <typename F>
void ForEachLine(const Grid& g, int axis, F&& f) {
  const int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
  for (int u = 0; u < g.n[a1]; ++u) {
    for (int v = 0; v < g.n[a2]; ++v) {
      std::array<int, 3> c{};
      c[a1] = u;
      c[a2] = v;
      f(g.Index(c[0], c[1], c[2]), g.Stride(axis), g.n[axis]);
    }
  }
}

/// Calls f(neighbour index) for the 6 face neighbours of voxel `at` inside the grid.
template <typename F>
void ForEachNeighbour(const Grid& g, size_t at, F&& f) {
  const auto c = g.Cell(at);
  for (int axis = 0; axis < 3; ++axis) {
    if (c[axis] > 0) f(at - g.Stride(axis));
    if (c[axis] + 1 < g.n[axis]) f(at + g.Stride(axis));
  }
}

/// Squared Euclidean distance (in voxels) from every voxel centre to the nearest voxel with
/// `feature` set (Felzenszwalb-Huttenlocher lower envelope, one pass per axis).
std::vector<double> SquaredDistanceTo(const Grid& g, const std::vector<uint8_t>& feature) {
  std::vector<double> d(g.size());
  for (size_t i = 0; i < d.size(); ++i) d[i] = feature[i] ? 0 : kFar;
  const int longest = std::max({g.n[0], g.n[1], g.n[2]});
  std::vector<double> f(longest), out(longest), z(longest + 1);
  std::vector<int> v(longest);
  for (int axis = 0; axis < 3; ++axis) {
    ForEachLine(g, axis, [&](size_t first, size_t stride, int n) {
      for (int q = 0; q < n; ++q) f[q] = d[first + q * stride];
      int k = 0;
      v[0] = 0;
      z[0] = -kFar;
      z[1] = kFar;
      for (int q = 1; q < n; ++q) {
        auto meet = [&](int p) {  // where the parabolas of q and p intersect
          return ((f[q] + double(q) * q) - (f[p] + double(p) * p)) / (2.0 * (q - p));
        };
        double s = meet(v[k]);
        while (s <= z[k]) s = meet(v[--k]);  // z[0] = -far ends the loop
        ++k;
        v[k] = q;
        z[k] = s;
        z[k + 1] = kFar;
      }
      k = 0;
      for (int q = 0; q < n; ++q) {
        while (z[k + 1] < q) ++k;
        out[q] = std::min(kFar, double(q - v[k]) * (q - v[k]) + f[v[k]]);
      }
      for (int q = 0; q < n; ++q) d[first + q * stride] = out[q];
    });
  }
  return d;
}

/// Labels the 6-connected components of the voxels with `mask` set; returns their count.
int Components(const Grid& g, const std::vector<uint8_t>& mask, std::vector<int>* label) {
  label->assign(g.size(), -1);
  int count = 0;
  std::deque<size_t> queue;
  for (size_t seed = 0; seed < g.size(); ++seed) {
    if (!mask[seed] || (*label)[seed] >= 0) continue;
    (*label)[seed] = count;
    queue.push_back(seed);
    while (!queue.empty()) {
      const size_t at = queue.front();
      queue.pop_front();
      ForEachNeighbour(g, at, [&](size_t next) {
        if (mask[next] && (*label)[next] < 0) {
          (*label)[next] = count;
          queue.push_back(next);
        }
      });
    }
    ++count;
  }
  return count;
}

/// Solid voxels of a closed surface given in frame coordinates: winding number along k-columns
/// (overlapping closed pieces count once).
std::vector<uint8_t> Voxelize(const Grid& g, const std::vector<Vec3>& v,
                              const std::vector<std::array<int, 3>>& faces) {
  // column centres are offset by a small irrational fraction so no centre lies on an edge
  const double jx = 0.5 + 1.37e-4, jy = 0.5 + 2.71e-4;
  std::vector<std::vector<std::pair<double, int>>> columns(static_cast<size_t>(g.n[0]) * g.n[1]);
  for (const auto& f : faces) {
    const Vec3 &a = v[f[0]], &b = v[f[1]], &c = v[f[2]];
    const double area = (b.x() - a.x()) * (c.y() - a.y()) - (b.y() - a.y()) * (c.x() - a.x());
    if (std::abs(area) < 1e-300) continue;  // parallel to the columns
    const double lo_x = std::min({a.x(), b.x(), c.x()}), hi_x = std::max({a.x(), b.x(), c.x()});
    const double lo_y = std::min({a.y(), b.y(), c.y()}), hi_y = std::max({a.y(), b.y(), c.y()});
    const int i0 = std::max(0, static_cast<int>(std::ceil((lo_x - g.origin.x()) / g.h - jx)));
    const int i1 =
        std::min(g.n[0] - 1, static_cast<int>(std::floor((hi_x - g.origin.x()) / g.h - jx)));
    const int j0 = std::max(0, static_cast<int>(std::ceil((lo_y - g.origin.y()) / g.h - jy)));
    const int j1 =
        std::min(g.n[1] - 1, static_cast<int>(std::floor((hi_y - g.origin.y()) / g.h - jy)));
    for (int i = i0; i <= i1; ++i) {
      const double x = g.origin.x() + (i + jx) * g.h;
      for (int j = j0; j <= j1; ++j) {
        const double y = g.origin.y() + (j + jy) * g.h;
        const double wa = (b.x() - x) * (c.y() - y) - (b.y() - y) * (c.x() - x);
        const double wb = (c.x() - x) * (a.y() - y) - (c.y() - y) * (a.x() - x);
        const double wc = area - wa - wb;
        const bool inside =
            area > 0 ? (wa >= 0 && wb >= 0 && wc >= 0) : (wa <= 0 && wb <= 0 && wc <= 0);
        if (!inside) continue;
        const double z = (wa * a.z() + wb * b.z() + wc * c.z()) / area;
        // outward faces seen from below (normal z < 0) are entries
        columns[static_cast<size_t>(j) * g.n[0] + i].emplace_back(z, area < 0 ? 1 : -1);
      }
    }
  }
  std::vector<uint8_t> solid(g.size(), 0);
  for (int j = 0; j < g.n[1]; ++j) {
    for (int i = 0; i < g.n[0]; ++i) {
      auto& column = columns[static_cast<size_t>(j) * g.n[0] + i];
      std::sort(column.begin(), column.end());
      int winding = 0;
      size_t next = 0;
      for (int k = 0; k < g.n[2]; ++k) {
        const double z = g.origin.z() + (k + 0.5) * g.h;
        while (next < column.size() && column[next].first < z) winding += column[next++].second;
        solid[g.Index(i, j, k)] = winding > 0;
      }
    }
  }
  return solid;
}

/// Fills empty voxels that see the solid in at least 5 of the 6 axis directions (cavities open
/// on one side: the inside of a cup, a pan, a bowl).
void FillCavities(const Grid& g, std::vector<uint8_t>* solid) {
  std::vector<uint8_t> seen(g.size(), 0);
  for (int axis = 0; axis < 3; ++axis) {
    ForEachLine(g, axis, [&](size_t first, size_t stride, int n) {
      bool before = false;
      for (int q = 0; q < n; ++q) {
        const size_t at = first + q * stride;
        seen[at] += before;
        before = before || (*solid)[at];
      }
      bool after = false;
      for (int q = n - 1; q >= 0; --q) {
        const size_t at = first + q * stride;
        seen[at] += after;
        after = after || (*solid)[at];
      }
    });
  }
  for (size_t i = 0; i < g.size(); ++i) {
    if (seen[i] >= 5) (*solid)[i] = 1;
  }
}

/// Grows labels (>= 0) into the unlabelled solid voxels, breadth first through the solid.
void GrowLabels(const Grid& g, const std::vector<uint8_t>& solid, std::vector<int>* label) {
  std::deque<size_t> queue;
  for (size_t i = 0; i < g.size(); ++i) {
    if ((*label)[i] >= 0) queue.push_back(i);
  }
  while (!queue.empty()) {
    const size_t at = queue.front();
    queue.pop_front();
    ForEachNeighbour(g, at, [&](size_t next) {
      if (solid[next] && (*label)[next] < 0) {
        (*label)[next] = (*label)[at];
        queue.push_back(next);
      }
    });
  }
}

/// Step 2: parts from the opened solid's components and the protrusions the opening removed.
int Protrusions(const Grid& g, const std::vector<uint8_t>& solid, size_t volume,
                const SegmentOptions& options, std::vector<int>* label) {
  std::vector<uint8_t> empty(g.size());
  for (size_t i = 0; i < g.size(); ++i) empty[i] = !solid[i];
  const std::vector<double> to_outside = SquaredDistanceTo(g, empty);
  double deepest = 0;
  for (size_t i = 0; i < g.size(); ++i) {
    if (solid[i]) deepest = std::max(deepest, to_outside[i]);
  }
  const double r = options.opening * std::sqrt(deepest);
  const size_t min_volume = std::max<size_t>(1, static_cast<size_t>(options.min_part * volume));
  label->assign(g.size(), -1);
  if (r < 2) {  // too thin to open: one part
    for (size_t i = 0; i < g.size(); ++i) (*label)[i] = solid[i] ? 0 : -1;
    return 1;
  }
  std::vector<uint8_t> eroded(g.size()), opened(g.size()), core(g.size());
  for (size_t i = 0; i < g.size(); ++i) eroded[i] = solid[i] && to_outside[i] > r * r;
  const std::vector<double> to_eroded = SquaredDistanceTo(g, eroded);
  for (size_t i = 0; i < g.size(); ++i) opened[i] = solid[i] && to_eroded[i] <= r * r;
  // removed voxels at least half a ball radius from the opened solid: the cores of protrusions.
  // (Rounded-off right-angled edges and corners of the opened solid reach 0.41 r and 0.73 r.)
  const std::vector<double> to_opened = SquaredDistanceTo(g, opened);
  for (size_t i = 0; i < g.size(); ++i) {
    core[i] = solid[i] && !opened[i] && to_opened[i] >= 0.5625 * r * r;
  }
  std::vector<int> seed(g.size(), -1);
  int seeds = 0, body_seeds = 0;
  for (const auto* mask : {&opened, &core}) {
    std::vector<int> comp;
    const int n = Components(g, *mask, &comp);
    // a core must reach a full ball radius out: a sharp rim (an edge of angle above 60 degrees)
    // does not, a handle or a neck does
    std::vector<double> reach(n, 0);
    for (size_t i = 0; i < g.size(); ++i) {
      if (comp[i] >= 0) reach[comp[i]] = std::max(reach[comp[i]], to_opened[i]);
    }
    std::vector<int> id(n, -1);
    for (int c = 0; c < n; ++c) {
      if (mask == &opened || reach[c] >= r * r) id[c] = seeds++;
    }
    if (mask == &opened) body_seeds = seeds;
    for (size_t i = 0; i < g.size(); ++i) {
      if (comp[i] >= 0) seed[i] = id[comp[i]];
    }
  }
  // every removed voxel climbs the distance to the opened solid to a local maximum: the voxels
  // below a protrusion's core (down to where it meets the body) join it; the rest (rounded-off
  // rims) are left to the body
  std::vector<int> basin(g.size(), -2);  // -2: not known yet
  std::vector<size_t> path;
  for (size_t start = 0; start < g.size(); ++start) {
    if (!solid[start] || opened[start] || basin[start] != -2) continue;
    path.clear();
    size_t at = start;
    int result = -1;
    while (true) {
      if (basin[at] != -2) {
        result = basin[at];
        break;
      }
      path.push_back(at);
      size_t up = at;
      ForEachNeighbour(g, at, [&](size_t next) {
        if (solid[next] && !opened[next] && to_opened[next] > to_opened[up]) up = next;
      });
      // climb only where the distance grows by half a voxel per step: straight out of the body
      // (a handle, a neck), not along a rounded-off rim whose ridge is nearly level
      if (up != at && std::sqrt(to_opened[up]) - std::sqrt(to_opened[at]) < 0.5) up = at;
      if (up == at) {
        result = seed[at];
        break;
      }
      at = up;
    }
    for (size_t i : path) basin[i] = result;
  }
  for (size_t i = 0; i < g.size(); ++i) {
    if (basin[i] >= 0) seed[i] = basin[i];
  }
  // grow every seed through the solid (nearest seed wins), keep the parts with enough volume,
  // grow those again
  *label = seed;
  GrowLabels(g, solid, label);
  std::vector<size_t> count(seeds, 0);
  for (int l : *label) {
    if (l >= 0) ++count[l];
  }
  std::vector<int> id(seeds, -1);
  int parts = 0;
  for (int s = 0; s < seeds; ++s) {
    if (count[s] < min_volume) continue;
    if (s >= body_seeds) {
      // a protrusion is a part of its own only when it is clearly thinner than the body where it
      // attaches (within three of its thicknesses): a handle, a neck; not the tines of a claw,
      // which are as thick as the head they continue
      std::vector<uint8_t> mine(g.size());
      double thick = 0;
      for (size_t i = 0; i < g.size(); ++i) {
        mine[i] = (*label)[i] == s;
        if (mine[i]) thick = std::max(thick, to_outside[i]);
      }
      const std::vector<double> to_mine = SquaredDistanceTo(g, mine);
      double attach = 0;
      for (size_t i = 0; i < g.size(); ++i) {
        if (solid[i] && !mine[i] && to_mine[i] <= 9 * thick)
          attach = std::max(attach, to_outside[i]);
      }
      if (attach < options.thinner * options.thinner * thick) continue;
    }
    id[s] = parts++;
  }
  for (size_t i = 0; i < g.size(); ++i) (*label)[i] = seed[i] >= 0 ? id[seed[i]] : -1;
  if (parts == 0) {
    for (size_t i = 0; i < g.size(); ++i) (*label)[i] = solid[i] ? 0 : -1;
    return 1;
  }
  GrowLabels(g, solid, label);
  return parts;
}

/// Step 3: the largest cross-section step of part `part`; false when there is none.
struct Cut {
  int axis = 0;
  int slice = 0;  ///< voxels with coordinate > slice along axis go to the new part
  double step = 0;
};

bool FindStep(const Grid& g, const std::vector<int>& label, int part, size_t volume,
              const SegmentOptions& options, Cut* best) {
  bool found = false;
  int longest = 0, longest_extent = 0;
  for (int axis = 0; axis < 3; ++axis) {
    int lo = g.n[axis], hi = -1;
    for (size_t i = 0; i < g.size(); ++i) {
      if (label[i] != part) continue;
      lo = std::min(lo, g.Cell(i)[axis]);
      hi = std::max(hi, g.Cell(i)[axis]);
    }
    if (hi - lo > longest_extent) {
      longest_extent = hi - lo;
      longest = axis;
    }
  }
  for (int axis = 0; axis < 3; ++axis) {
    // area and perimeter (voxels of the part with an in-slice neighbour outside it) per slice
    std::vector<double> area(g.n[axis], 0), perimeter(g.n[axis], 0);
    for (size_t i = 0; i < g.size(); ++i) {
      if (label[i] != part) continue;
      const auto c = g.Cell(i);
      area[c[axis]] += 1;
      bool edge = false;
      for (int other : {(axis + 1) % 3, (axis + 2) % 3}) {
        edge = edge || c[other] == 0 || c[other] == g.n[other] - 1 ||
               label[i - g.Stride(other)] != part || label[i + g.Stride(other)] != part;
      }
      perimeter[c[axis]] += edge;
    }
    int first = 0, last = g.n[axis] - 1;
    while (first <= last && area[first] == 0) ++first;
    while (last >= first && area[last] == 0) --last;
    const int w =
        std::max(5, static_cast<int>(std::lround(options.flat_window * (last - first + 1))));
    if (last - first + 1 < 2 * w + 1) continue;
    std::vector<double> prefix(g.n[axis] + 1, 0);
    for (int t = 0; t < g.n[axis]; ++t) prefix[t + 1] = prefix[t] + area[t];
    const double min_volume = options.min_part * static_cast<double>(volume);
    auto flat = [&](int from, int to, double spread) {  // log-area spread over [from, to]
      double lo = kFar, hi = -kFar;
      for (int s = from; s <= to; ++s) {
        if (area[s] <= 0) return false;
        lo = std::min(lo, std::log(area[s]));
        hi = std::max(hi, std::log(area[s]));
      }
      return hi - lo <= spread;
    };
    // a step may be spread over a few slices (a chamfer, a repaired corner): compare slices t
    // and t + gap, with a flat run of w slices before t and after t + gap
    constexpr int kMaxGap = 4;
    for (int t = first + w - 1; t + w <= last; ++t) {
      for (int gap = 1; gap <= kMaxGap && t + gap + w - 1 <= last; ++gap) {
        if (area[t] <= 0 || area[t + gap] <= 0) continue;
        const double step = std::abs(std::log(area[t + gap] / area[t]));
        if (step < options.min_step || (found && step <= best->step)) continue;
        // more than aliasing: the outline moves by most of a voxel all round
        const int small = area[t] < area[t + gap] ? t : t + gap;
        if (std::abs(area[t + gap] - area[t]) < 0.75 * perimeter[small]) continue;
        const int cut = t + gap / 2;
        if (prefix[cut + 1] < min_volume || prefix[g.n[axis]] - prefix[cut + 1] < min_volume)
          continue;
        // both sides flat; or, for a large step along the part's length, one side flat enough
        // (a tapered handle running into a shaped head)
        const bool before = flat(t - w + 1, t, options.flat_spread),
                   after = flat(t + gap, t + gap + w - 1, options.flat_spread);
        const bool one_sided =
            axis == longest && step >= options.big_step &&
            (flat(t - w + 1, t, 0.1 * step) || flat(t + gap, t + gap + w - 1, 0.1 * step));
        if (!(before && after) && !one_sided) continue;
        *best = Cut{axis, cut, step};
        found = true;
      }
    }
  }
  return found;
}

}  // namespace

Expected<LabeledMesh> SegmentParts(const TriMesh& closed, const std::string& name,
                                   const SegmentOptions& options) {
  if (closed.faces.empty()) return Error{name + ": no faces to segment"};
  if (options.resolution < 16 || options.resolution > 512) {
    return Error{name + ": segmentation resolution must be in [16, 512]"};
  }
  // frame: eigenvectors of the area-weighted normal tensor. Man-made objects are mostly planes
  // and cylinders; their faces' normals (and cylinder axes) line up with these directions, so
  // cross-sections along the grid axes are flat where the object is prismatic. (The position
  // covariance of SurfaceBox tilts when two extents are close, e.g. a mug's height and width.)
  Mat3 tensor = Mat3::Zero();
  Vec3 centre = Vec3::Zero();
  double total = 0;
  for (int f = 0; f < closed.num_faces(); ++f) {
    const Vec3 n2 = closed.FaceNormal(f);  // twice the area times the normal
    const double area = 0.5 * n2.norm();
    if (!(area > 0)) continue;
    tensor += n2 * n2.transpose() / (4 * area);
    centre += area * closed.FaceCentroid(f);
    total += area;
  }
  if (!(total > 0)) return Error{name + ": all faces are degenerate"};
  centre /= total;
  Eigen::SelfAdjointEigenSolver<Mat3> eigen(tensor);
  OrientedBox box;
  box.centre = centre;
  box.axes = eigen.eigenvectors();
  for (int i = 0; i < 3; ++i) {  // deterministic signs
    int big = 0;
    box.axes.col(i).cwiseAbs().maxCoeff(&big);
    if (box.axes(big, i) < 0) box.axes.col(i) *= -1;
  }
  if (box.axes.determinant() < 0) box.axes.col(2) *= -1;
  std::vector<Vec3> local(closed.vertices.size());
  Vec3 lo = Vec3::Constant(kFar), hi = Vec3::Constant(-kFar);
  for (size_t i = 0; i < local.size(); ++i) {
    local[i] = box.axes.transpose() * (closed.vertices[i] - box.centre);
    lo = lo.cwiseMin(local[i]);
    hi = hi.cwiseMax(local[i]);
  }
  Grid g;
  g.h = (hi - lo).maxCoeff() / options.resolution;
  if (!(g.h > 0)) return Error{name + ": degenerate mesh (zero extent)"};
  constexpr int kPad = 2;
  for (int a = 0; a < 3; ++a) {
    g.n[a] = static_cast<int>(std::ceil((hi[a] - lo[a]) / g.h)) + 2 * kPad;
    g.origin[a] = lo[a] - kPad * g.h;
  }
  std::vector<uint8_t> solid = Voxelize(g, local, closed.faces);
  FillCavities(g, &solid);
  const size_t volume = std::count(solid.begin(), solid.end(), 1);
  if (volume == 0) return Error{name + ": the surface encloses no volume (not closed?)"};

  std::vector<int> label;
  int parts = Protrusions(g, solid, volume, options, &label);
  for (int part = 0; part < parts && parts < options.max_parts;) {
    Cut cut;
    if (!FindStep(g, label, part, volume, options, &cut)) {
      ++part;
      continue;
    }
    for (size_t i = 0; i < g.size(); ++i) {
      if (label[i] == part && g.Cell(i)[cut.axis] > cut.slice) label[i] = parts;
    }
    ++parts;  // look at `part` again: it may have another step
  }

  // order parts by volume
  std::vector<size_t> count(parts, 0);
  for (int l : label) {
    if (l >= 0) ++count[l];
  }
  std::vector<int> order(parts);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return count[a] > count[b]; });
  std::vector<int> rank(parts);
  for (int i = 0; i < parts; ++i) rank[order[i]] = i;

  LabeledMesh out;
  out.name = name;
  out.mesh = closed;
  if (parts == 1) {
    out.part_names = {"body"};
  } else {
    for (int i = 0; i < parts; ++i) out.part_names.push_back("part_" + std::to_string(i + 1));
  }
  // each face: the labelled voxel centre nearest a point half a voxel inside its centroid
  for (const auto& f : closed.faces) {
    const Vec3 &a = local[f[0]], &b = local[f[1]], &c = local[f[2]];
    const Vec3 n = (b - a).cross(c - a).normalized();
    const Vec3 p = (a + b + c) / 3.0 - 0.5 * g.h * n;
    const Vec3 cell = (p - g.origin) / g.h;
    int best = -1;
    double best_d = kFar;
    for (int radius = 1; radius <= 3 && best < 0; ++radius) {
      const int ci = static_cast<int>(std::floor(cell.x())),
                cj = static_cast<int>(std::floor(cell.y())),
                ck = static_cast<int>(std::floor(cell.z()));
      for (int k = std::max(0, ck - radius); k <= std::min(g.n[2] - 1, ck + radius); ++k) {
        for (int j = std::max(0, cj - radius); j <= std::min(g.n[1] - 1, cj + radius); ++j) {
          for (int i = std::max(0, ci - radius); i <= std::min(g.n[0] - 1, ci + radius); ++i) {
            const int l = label[g.Index(i, j, k)];
            if (l < 0) continue;
            const double d = (Vec3(i + 0.5, j + 0.5, k + 0.5) - cell).squaredNorm();
            if (d < best_d) {
              best_d = d;
              best = l;
            }
          }
        }
      }
    }
    out.face_labels.push_back(best < 0 ? 0 : rank[best]);
  }
  // names from the shapes: the largest part is the body, L-shaped protrusions are handles,
  // lid-like ones lids (numbered when repeated); the rest stay part_N
  if (parts > 1) {
    out.part_names[0] = "body";
    std::vector<std::string> named(parts);
    const std::vector<PartInfo> infos = AnalyseParts(out);
    OrientedBox body;
    for (const PartInfo& info : infos) {
      if (info.label == 0) body = info.box;
    }
    for (const PartInfo& info : infos) {
      if (info.label == 0) continue;
      if (info.category == PartCategory::kLShaped) named[info.label] = "handle";
      if (info.category == PartCategory::kLid) named[info.label] = "lid";
      // an elongated part standing out sideways from the body, running along it: the handle
      // of a pitcher or a mug scan too thick to read as L-shaped (a bottle's neck stands out
      // along the body's axis instead)
      const Vec3& h = info.box.half_extents;
      const Vec3 out_dir = info.box.centre - body.centre;
      const Vec3 axis = body.axes.col(0);
      if (named[info.label].empty() && info.category == PartCategory::kShaft && h[0] >= 2 * h[1] &&
          out_dir.norm() > 1e-9 && std::abs(out_dir.normalized().dot(axis)) < 0.5 &&
          std::abs(info.box.axes.col(0).dot(axis)) > 0.7) {
        named[info.label] = "handle";
      }
    }
    for (int i = 1; i < parts; ++i) {
      if (named[i].empty()) continue;
      const int same = static_cast<int>(std::count(named.begin(), named.end(), named[i]));
      const int before = static_cast<int>(std::count(named.begin(), named.begin() + i, named[i]));
      out.part_names[i] = same > 1 ? named[i] + "_" + std::to_string(before + 1) : named[i];
    }
  }
  return out;
}

std::vector<double> PartIoU(const std::vector<int>& truth, int num_truth,
                            const std::vector<int>& predicted, int num_predicted) {
  std::vector<std::vector<double>> both(num_truth, std::vector<double>(num_predicted, 0));
  std::vector<double> t_count(num_truth, 0), p_count(num_predicted, 0);
  for (size_t f = 0; f < truth.size() && f < predicted.size(); ++f) {
    both[truth[f]][predicted[f]] += 1;
    t_count[truth[f]] += 1;
    p_count[predicted[f]] += 1;
  }
  std::vector<double> iou(num_truth, 0);
  for (int t = 0; t < num_truth; ++t) {
    for (int p = 0; p < num_predicted; ++p) {
      const double u = t_count[t] + p_count[p] - both[t][p];
      if (u > 0) iou[t] = std::max(iou[t], both[t][p] / u);
    }
  }
  return iou;
}

}  // namespace dexvlg
