// The training curve as a picture: `dexvlg train` writes loss.svg beside loss.csv, so a run's
// progress can be looked at in any browser (docs/model.md, "Model folder and file").
#pragma once

#include <array>
#include <string>
#include <vector>

namespace dexvlg {

/// An SVG line chart of (step, training loss, validation loss or NaN) rows: both losses on a
/// logarithmic axis (the training loss smoothed over a window of rows, its raw values faint),
/// the lowest validation loss marked. Rows with a non-finite or non-positive loss are skipped;
/// an empty curve gives a chart that says so.
std::string LossCurveSvg(const std::vector<std::array<double, 3>>& curve, const std::string& title);

}  // namespace dexvlg
