#include "model/inputs.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model/instructions.h"

namespace dexvlg {

uint64_t MixSeed(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull ^
               (c + 0x94D049BB133111EBull) * 0xD6E8FEB86659FD93ull;
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

double CanonicalYaw(const float* xyz, int n, const Vec3& centroid) {
  int above = 0;
  for (int i = 0; i < n; ++i) above += xyz[3 * i + 2] > kObjectAboveTable;
  double sxx = 0, syy = 0, sxy = 0;
  // the points CloudCentroid averages
  auto used = [&](int i) { return above == 0 || xyz[3 * i + 2] > kObjectAboveTable; };
  for (int i = 0; i < n; ++i) {
    if (!used(i)) continue;
    const double x = xyz[3 * i] - centroid.x(), y = xyz[3 * i + 1] - centroid.y();
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
  }
  double yaw = 0.5 * std::atan2(2 * sxy, sxx - syy);
  double skew = 0;
  const double c = std::cos(yaw), s = std::sin(yaw);
  for (int i = 0; i < n; ++i) {
    if (!used(i)) continue;
    const double u = c * (xyz[3 * i] - centroid.x()) + s * (xyz[3 * i + 1] - centroid.y());
    skew += u * u * u;
  }
  if (skew < 0) yaw += yaw > 0 ? -M_PI : M_PI;
  return yaw;
}

PreparedCloud PrepareCloud(const Cloud& cloud, const ModelConfig& c, std::mt19937_64& rng,
                           bool train) {
  const int n = cloud.size(), want = c.points;
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  std::uniform_real_distribution<double> unit(0, 1);
  int kept = n;
  if (train && c.point_dropout > 0)
    kept =
        std::max(std::min(n, c.patches), static_cast<int>(n * (1 - c.point_dropout * unit(rng))));
  std::vector<int> pick(want);
  for (int i = 0; i < want; ++i) pick[i] = order[i < kept ? i : static_cast<int>(rng() % kept)];
  std::vector<float> xyz(3 * want);
  for (int i = 0; i < want; ++i)
    for (int k = 0; k < 3; ++k) xyz[3 * i + k] = cloud.xyz[3 * pick[i] + k];
  std::normal_distribution<double> gauss(0, 1);
  if (train && c.depth_noise > 0)
    for (float& v : xyz) v += static_cast<float>(c.depth_noise * gauss(rng));
  PreparedCloud out;
  out.centroid = CloudCentroid(xyz.data(), want);
  if (c.canonical_yaw) out.yaw = CanonicalYaw(xyz.data(), want, out.centroid);
  const double cy = std::cos(out.yaw), sy = std::sin(out.yaw);
  double jitter[3] = {0, 0, 0};
  if (train && c.color_jitter > 0)
    for (double& j : jitter) j = c.color_jitter * gauss(rng);
  out.values.resize(6 * want);
  for (int i = 0; i < want; ++i) {
    const double x = xyz[3 * i] - out.centroid.x(), y = xyz[3 * i + 1] - out.centroid.y();
    const double local[3] = {cy * x + sy * y, -sy * x + cy * y, xyz[3 * i + 2] - out.centroid.z()};
    for (int k = 0; k < 3; ++k) {
      out.values[6 * i + k] = static_cast<float>(local[k] / c.translation_scale);
      const double rgb = cloud.rgb.empty() ? 0.5 : cloud.rgb[3 * pick[i] + k] / 255.0;
      out.values[6 * i + 3 + k] = static_cast<float>(std::clamp(rgb + jitter[k], 0.0, 1.0) - 0.5);
    }
  }
  return out;
}

void EncodeTexts(const Tokenizer& tokenizer, const std::vector<std::vector<int>>& ids,
                 torch::Tensor& text, torch::Tensor& keep) {
  size_t L = 1;
  for (const auto& v : ids) L = std::max(L, v.size());
  const int64_t B = static_cast<int64_t>(ids.size());
  text = torch::full({B, static_cast<int64_t>(L)}, Tokenizer::kPad, torch::kLong);
  keep = torch::zeros({B, static_cast<int64_t>(L)}, torch::kBool);
  auto t = text.accessor<int64_t, 2>();
  auto k = keep.accessor<bool, 2>();
  for (int64_t b = 0; b < B; ++b)
    for (size_t i = 0; i < ids[b].size(); ++i) {
      t[b][i] = ids[b][i];
      k[b][i] = true;
    }
}

Cloud RotatedCloud(const Cloud& cloud, const Vec3& centre, double angle) {
  Cloud out = cloud;
  const double c = std::cos(angle), s = std::sin(angle);
  for (int i = 0; i < cloud.size(); ++i) {
    const double x = cloud.xyz[3 * i] - centre.x(), y = cloud.xyz[3 * i + 1] - centre.y();
    out.xyz[3 * i] = static_cast<float>(centre.x() + c * x - s * y);
    out.xyz[3 * i + 1] = static_cast<float>(centre.y() + s * x + c * y);
  }
  return out;
}

Batch MakeBatch(const TrainingSet& set, const ModelConfig& c, const Tokenizer& tokenizer,
                const GraspCodec& codec, int step, int begin, int end, bool train, uint64_t seed) {
  const int B = end - begin, G = c.grasps_per_sample, D = codec.dim();
  const int S = static_cast<int>(set.samples.size());
  std::vector<float> points, x1(static_cast<size_t>(B) * G * D), x0(x1.size()), t(B * G);
  std::vector<std::vector<int>> ids;
  std::mt19937_64 pick_rng(MixSeed(seed, step, 0xBA7C4));
  std::vector<int> chosen(c.batch);
  for (int& s : chosen) s = static_cast<int>(pick_rng() % S);
  for (int b = 0; b < B; ++b) {
    const int position = begin + b;
    const TrainingSample& sample = set.samples[chosen[position % c.batch]];
    std::mt19937_64 rng(MixSeed(seed, step, 1000 + position));
    std::uniform_real_distribution<double> unit(0, 1);
    const Vec3 centre = CloudCentroid(sample.cloud->xyz.data(), sample.cloud->size());
    const double angle = train ? c.rotate_augment * 2 * M_PI * unit(rng) : 0.0;
    const Cloud rotated = angle != 0 ? RotatedCloud(*sample.cloud, centre, angle) : *sample.cloud;
    const PreparedCloud prepared = PrepareCloud(rotated, c, rng, train);
    points.insert(points.end(), prepared.values.begin(), prepared.values.end());
    // the instruction: dropped (guidance), a caption, or a paraphrase
    const double u = unit(rng);
    if (train && u < c.text_dropout) {
      ids.push_back({Tokenizer::kNull});
    } else if (!train || unit(rng) < 0.5) {
      const std::string& caption = sample.captions[rng() % sample.captions.size()];
      ids.push_back(tokenizer.Encode(caption, c.max_text));
    } else {
      const auto para = TrainingParaphrases(sample.part, sample.noun, sample.mode);
      ids.push_back(tokenizer.Encode(para[rng() % para.size()], c.max_text));
    }
    // G grasps of the sample (all different when it has that many)
    const int n = sample.count(), ps = sample.pose_size;
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    std::normal_distribution<double> gauss(0, 1);
    for (int g = 0; g < G; ++g) {
      const int i = g < n ? order[g] : order[rng() % n];
      std::vector<double> pre(sample.pregrasp.begin() + i * ps,
                              sample.pregrasp.begin() + (i + 1) * ps);
      std::vector<double> gr(sample.grasp.begin() + i * ps, sample.grasp.begin() + (i + 1) * ps);
      std::vector<double> sq(sample.squeeze.begin() + i * ps,
                             sample.squeeze.begin() + (i + 1) * ps);
      for (std::vector<double>* row : {&pre, &gr, &sq}) {
        if (angle != 0) RotatePoseAboutZ(row->data(), centre, angle);
        if (prepared.yaw != 0) RotatePoseAboutZ(row->data(), prepared.centroid, -prepared.yaw);
      }
      float* v = x1.data() + (static_cast<size_t>(b) * G + g) * D;
      codec.Encode(pre.data(), gr.data(), sq.data(), prepared.centroid, v);
      float* z = x0.data() + (static_cast<size_t>(b) * G + g) * D;
      for (int d = 0; d < D; ++d) z[d] = static_cast<float>(gauss(rng));
      t[b * G + g] = static_cast<float>(unit(rng));
    }
  }
  Batch batch;
  batch.points = torch::from_blob(points.data(), {B, c.points, 6}, torch::kFloat).clone();
  EncodeTexts(tokenizer, ids, batch.text, batch.keep);
  batch.x1 = torch::from_blob(x1.data(), {B, G, D}, torch::kFloat).clone();
  batch.x0 = torch::from_blob(x0.data(), {B, G, D}, torch::kFloat).clone();
  batch.t = torch::from_blob(t.data(), {B, G}, torch::kFloat).clone();
  return batch;
}

}  // namespace dexvlg
