#include "model/loss_plot.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

namespace dexvlg {

namespace {

constexpr double kWidth = 640, kHeight = 360;
constexpr double kLeft = 64, kRight = 150, kTop = 36, kBottom = 44;  // margins (px)

/// Text safe inside an SVG element.
std::string Escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

/// A tick value printed short: 0.05, 0.1, 2e-03.
std::string Short(double v) {
  std::ostringstream s;
  if (v >= 0.01 && v < 1000)
    s << std::setprecision(3) << v;
  else
    s << std::scientific << std::setprecision(0) << v;
  return s.str();
}

}  // namespace

std::string LossCurveSvg(const std::vector<std::array<double, 3>>& curve,
                         const std::string& title) {
  struct Point {
    double step, loss;
  };
  std::vector<Point> train, val;
  for (const auto& row : curve) {
    if (!std::isfinite(row[0])) continue;
    if (std::isfinite(row[1]) && row[1] > 0) train.push_back({row[0], row[1]});
    if (std::isfinite(row[2]) && row[2] > 0) val.push_back({row[0], row[2]});
  }
  // the training loss of one batch is noisy: a centred moving average over ~1/25 of the run
  std::vector<Point> smooth;
  const int half = std::max<int>(1, static_cast<int>(train.size()) / 50);
  for (size_t i = 0; i < train.size(); ++i) {
    const size_t a = i >= static_cast<size_t>(half) ? i - half : 0;
    const size_t b = std::min(train.size(), i + half + 1);
    double sum = 0;
    for (size_t j = a; j < b; ++j) sum += std::log(train[j].loss);
    smooth.push_back({train[i].step, std::exp(sum / (b - a))});
  }

  std::ostringstream svg;
  svg << std::fixed << std::setprecision(1);
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" viewBox=\"0 0 " << kWidth << " " << kHeight
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << kLeft << "\" y=\"22\" font-size=\"14\">" << Escape(title) << "</text>\n";
  if (train.empty() && val.empty()) {
    svg << "<text x=\"" << kWidth / 2 << "\" y=\"" << kHeight / 2
        << "\" text-anchor=\"middle\">no steps yet</text>\n</svg>\n";
    return svg.str();
  }
  double s0 = std::numeric_limits<double>::infinity(), s1 = -s0, lo = s0, hi = -s0;
  for (const auto* series : {&train, &val}) {
    for (const Point& p : *series) {
      s0 = std::min(s0, p.step);
      s1 = std::max(s1, p.step);
      lo = std::min(lo, p.loss);
      hi = std::max(hi, p.loss);
    }
  }
  if (s1 <= s0) s1 = s0 + 1;
  // whole decades, or a factor around a flat curve
  double l0 = std::log10(lo), l1 = std::log10(hi);
  if (l1 - l0 < 0.3) {
    const double mid = 0.5 * (l0 + l1);
    l0 = mid - 0.15;
    l1 = mid + 0.15;
  }
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  const auto X = [&](double step) { return kLeft + pw * (step - s0) / (s1 - s0); };
  const auto Y = [&](double loss) { return kTop + ph * (l1 - std::log10(loss)) / (l1 - l0); };

  // axes and grid: 1, 2, 5 times powers of ten inside the range
  svg << "<g stroke=\"#ddd\">\n";
  std::ostringstream labels;
  labels << std::fixed << std::setprecision(1);
  for (int e = static_cast<int>(std::floor(l0)); e <= static_cast<int>(std::ceil(l1)); ++e) {
    for (const double m : {1.0, 2.0, 5.0}) {
      const double v = m * std::pow(10.0, e);
      if (std::log10(v) < l0 - 1e-9 || std::log10(v) > l1 + 1e-9) continue;
      svg << "<line x1=\"" << kLeft << "\" x2=\"" << kLeft + pw << "\" y1=\"" << Y(v) << "\" y2=\""
          << Y(v) << "\"/>\n";
      labels << "<text x=\"" << kLeft - 6 << "\" y=\"" << Y(v) + 4 << "\" text-anchor=\"end\">"
             << Short(v) << "</text>\n";
    }
  }
  const double tick = std::pow(10.0, std::floor(std::log10(s1 - s0)));
  const double step_tick = (s1 - s0) / tick >= 5   ? tick
                           : (s1 - s0) / tick >= 2 ? tick / 2
                                                   : tick / 5;
  for (double s = std::ceil(s0 / step_tick) * step_tick; s <= s1 + 1e-9; s += step_tick) {
    svg << "<line x1=\"" << X(s) << "\" x2=\"" << X(s) << "\" y1=\"" << kTop << "\" y2=\""
        << kTop + ph << "\"/>\n";
    labels << "<text x=\"" << X(s) << "\" y=\"" << kTop + ph + 16 << "\" text-anchor=\"middle\">"
           << std::setprecision(0) << s << std::setprecision(1) << "</text>\n";
  }
  svg << "</g>\n"
      << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << pw << "\" height=\"" << ph
      << "\" fill=\"none\" stroke=\"#444\"/>\n"
      << labels.str() << "<text x=\"" << kLeft + pw / 2 << "\" y=\"" << kHeight - 8
      << "\" text-anchor=\"middle\">step</text>\n"
      << "<text transform=\"translate(16," << kTop + ph / 2
      << ") rotate(-90)\" text-anchor=\"middle\">flow-matching loss (log)</text>\n";

  const auto Polyline = [&](const std::vector<Point>& points, const char* colour, double width,
                            double opacity) {
    if (points.empty()) return;
    svg << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"" << width
        << "\" stroke-opacity=\"" << opacity << "\" points=\"";
    for (const Point& p : points) svg << X(p.step) << "," << Y(p.loss) << " ";
    svg << "\"/>\n";
  };
  Polyline(train, "#1f77b4", 1, 0.25);
  Polyline(smooth, "#1f77b4", 2, 1);
  Polyline(val, "#d62728", 2, 1);
  for (const Point& p : val)
    svg << "<circle cx=\"" << X(p.step) << "\" cy=\"" << Y(p.loss)
        << "\" r=\"2.5\" fill=\"#d62728\"/>\n";

  // legend, with the lowest validation loss
  const double lx = kLeft + pw + 12;
  svg << "<line x1=\"" << lx << "\" x2=\"" << lx + 20 << "\" y1=\"" << kTop + 10 << "\" y2=\""
      << kTop + 10 << "\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n"
      << "<text x=\"" << lx + 26 << "\" y=\"" << kTop + 14 << "\">training</text>\n";
  if (!val.empty()) {
    const Point best = *std::min_element(
        val.begin(), val.end(), [](const Point& a, const Point& b) { return a.loss < b.loss; });
    svg << "<line x1=\"" << lx << "\" x2=\"" << lx + 20 << "\" y1=\"" << kTop + 30 << "\" y2=\""
        << kTop + 30 << "\" stroke=\"#d62728\" stroke-width=\"2\"/>\n"
        << "<text x=\"" << lx + 26 << "\" y=\"" << kTop + 34 << "\">validation</text>\n"
        << "<circle cx=\"" << X(best.step) << "\" cy=\"" << Y(best.loss)
        << "\" r=\"5\" fill=\"none\" stroke=\"#d62728\"/>\n"
        << "<text x=\"" << lx << "\" y=\"" << kTop + 58 << "\">lowest validation</text>\n"
        << "<text x=\"" << lx << "\" y=\"" << kTop + 74 << "\">" << std::defaultfloat
        << std::setprecision(4) << best.loss << " at step " << std::llround(best.step)
        << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace dexvlg
