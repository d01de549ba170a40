// Signed-distance queries per second: the AABB-tree MeshSdf against a brute-force scan of every
// triangle (the exact reference) on the same points, in the same run.
//
//   ./build/bench/object_bench [--benchmark_min_time=0.5]
// Uses ../shared/assets/objects/ycb_025_mug when present, else the procedural mug.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "object/mesh_io.h"
#include "object/mesh_sdf.h"
#include "object/procedural.h"

namespace dexvlg {
namespace {

struct Fixture {
  TriMesh mesh;
  std::string name;
  std::vector<Vec3> points;
  Fixture() {
    const std::string ycb =
        std::string(DEXVLG_SOURCE_DIR) + "/../shared/assets/objects/ycb_025_mug/textured.obj";
    auto loaded = std::filesystem::exists(ycb) ? LoadMesh(ycb) : Expected<TriMesh>(Error{"absent"});
    if (loaded.ok()) {
      mesh = std::move(loaded.value());
      name = "ycb_025_mug";
    } else {
      mesh = MakeProcedural("mug:resolution=64")->mesh;
      name = "procedural mug";
    }
    Vec3 lo, hi;
    mesh.Bounds(&lo, &hi);
    std::mt19937 rng(1);
    for (int i = 0; i < 4096; ++i) {
      Vec3 u;
      for (int k = 0; k < 3; ++k) u[k] = std::uniform_real_distribution<double>(-0.2, 1.2)(rng);
      points.push_back(lo + u.cwiseProduct(hi - lo));
    }
  }
};

Fixture& Data() {
  static Fixture f;
  return f;
}

void BM_MeshSdfQuery(benchmark::State& state) {
  Fixture& f = Data();
  const MeshSdf sdf(f.mesh);
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(sdf.Query(f.points[i++ % f.points.size()]).distance);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(f.name + ", " + std::to_string(f.mesh.num_faces()) + " faces");
}

void BM_BruteForceQuery(benchmark::State& state) {
  Fixture& f = Data();
  // one single-triangle tree per face: the same exact point-triangle code, no culling
  std::vector<MeshSdf> faces;
  for (const auto& t : f.mesh.faces) {
    TriMesh tri;
    tri.vertices = {f.mesh.vertices[t[0]], f.mesh.vertices[t[1]], f.mesh.vertices[t[2]]};
    tri.faces = {{0, 1, 2}};
    faces.emplace_back(tri);
  }
  size_t i = 0;
  for (auto _ : state) {
    const Vec3& p = f.points[i++ % f.points.size()];
    double best = std::numeric_limits<double>::infinity();
    for (const MeshSdf& face : faces) best = std::min(best, std::abs(face.Query(p).distance));
    benchmark::DoNotOptimize(best);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_MeshSdfQuery);
BENCHMARK(BM_BruteForceQuery)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dexvlg

BENCHMARK_MAIN();
