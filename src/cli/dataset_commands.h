// `dexvlg generate` and `dexvlg dataset info|verify|export` (docs/dataset.md).
#pragma once

#include <iosfwd>
#include <string>

#include "core/status.h"
#include "dataset/generate.h"

namespace dexvlg::cli {

struct GenerateRequest {
  std::string objects;  ///< DIR | LIST file | comma-separated sources
  GenerateOptions options;
  double image_scale = 1.0;  ///< scales the camera resolution (1 = 1280 x 720)
};

/// Scales the camera resolution of `scene` by `scale` (`--image-scale`, in (0, 1]; 1 is
/// 1280 x 720), at least 16 x 9; an error naming the option otherwise.
Status ScaleImage(double scale, SceneOptions& scene);

/// Runs generation for this process' share (MPI rank/size, or 0/1), prints a summary table and,
/// on rank 0 after every rank finished, writes index.json. Returns the number of failed objects.
Expected<int> RunGenerate(const GenerateRequest& request, std::ostream& out);

/// "mpi" when generate was built with Open MPI, else "single process".
const char* ScaleOut();

Status RunDatasetInfo(const std::string& dataset, std::ostream& out);
/// Returns the number of problems found.
Expected<int> RunDatasetVerify(const std::string& dataset, std::ostream& out);
Status RunDatasetExport(const std::string& dataset, const std::string& out_dir,
                        const std::string& format, const std::string& hand_path, std::ostream& out);

}  // namespace dexvlg::cli
