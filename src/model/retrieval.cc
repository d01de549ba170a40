#include "model/retrieval.h"

#include <chrono>
#include <limits>
#include <random>

#include "model/grasp_codec.h"

namespace dexvlg {

Retrieval::Retrieval(TrainingSet set, int points) : set_(std::move(set)), points_(points) {
  for (const TrainingSample& s : set_.samples) {
    Vec3 c;
    descriptors_.push_back(Descriptor(*s.cloud, c));
    centroids_.push_back(c);
  }
}

std::vector<float> Retrieval::Descriptor(const Cloud& cloud, Vec3& centroid) const {
  centroid = CloudCentroid(cloud.xyz.data(), cloud.size());
  std::mt19937 rng(17);
  std::vector<float> d(3 * points_);
  for (int i = 0; i < points_; ++i) {
    const int k = cloud.size() > 0 ? static_cast<int>(rng() % cloud.size()) : 0;
    for (int a = 0; a < 3; ++a)
      d[3 * i + a] = cloud.size() > 0 ? cloud.xyz[3 * k + a] - static_cast<float>(centroid[a]) : 0;
  }
  return d;
}

namespace {

double Chamfer(const std::vector<float>& a, const std::vector<float>& b) {
  auto one_way = [](const std::vector<float>& p, const std::vector<float>& q) {
    double sum = 0;
    for (size_t i = 0; i < p.size(); i += 3) {
      double best = std::numeric_limits<double>::max();
      for (size_t j = 0; j < q.size(); j += 3) {
        const double dx = p[i] - q[j], dy = p[i + 1] - q[j + 1], dz = p[i + 2] - q[j + 2];
        best = std::min(best, dx * dx + dy * dy + dz * dz);
      }
      sum += best;
    }
    return sum / std::max<size_t>(1, p.size() / 3);
  };
  return one_way(a, b) + one_way(b, a);
}

}  // namespace

PredictedGrasps Retrieval::Retrieve(const Cloud& cloud, const std::string& part, int mode,
                                    int count) const {
  const auto start = std::chrono::steady_clock::now();
  Vec3 centroid;
  const std::vector<float> query = Descriptor(cloud, centroid);
  // candidates: the same part and mode, else the same part, else every sample
  std::vector<int> pool;
  for (int pass = 0; pass < 3 && pool.empty(); ++pass)
    for (size_t i = 0; i < set_.samples.size(); ++i) {
      const TrainingSample& s = set_.samples[i];
      if ((pass == 0 && s.part == part && s.mode == mode) || (pass == 1 && s.part == part) ||
          pass == 2)
        pool.push_back(static_cast<int>(i));
    }
  int best = -1;
  double best_d = std::numeric_limits<double>::max();
  for (int i : pool) {
    const double d = Chamfer(query, descriptors_[i]);
    if (d < best_d) {
      best_d = d;
      best = i;
    }
  }
  last_ = best;
  PredictedGrasps out;
  out.centroid = centroid;
  if (best < 0) return out;
  const TrainingSample& s = set_.samples[best];
  const Vec3 shift = centroid - centroids_[best];
  out.pose_size = s.pose_size;
  out.count = count;
  for (int g = 0; g < count; ++g) {
    const int i = g % s.count();
    for (auto [from, to] : {std::pair{&s.pregrasp, &out.pregrasp}, std::pair{&s.grasp, &out.grasp},
                            std::pair{&s.squeeze, &out.squeeze}}) {
      std::vector<double> row(from->begin() + i * s.pose_size,
                              from->begin() + (i + 1) * s.pose_size);
      for (int a = 0; a < 3; ++a) row[a] += shift[a];
      to->insert(to->end(), row.begin(), row.end());
    }
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace dexvlg
