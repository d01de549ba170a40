// Training (docs/model.md "Training"): flow matching with AdamW on samples from dataset shards,
// validation on held-back objects, checkpoints that survive kill -9 and resume exactly, and
// data-parallel training through a gradient-summing callback (the CLI passes MPI's allreduce).
#pragma once

#include <functional>
#include <iosfwd>
#include <limits>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/config.h"
#include "model/training_set.h"

namespace dexvlg {

struct TrainOptions {
  std::string out;             ///< model folder: model.h5, config.json, loss.csv
  int checkpoint_every = 100;  ///< steps between checkpoints (and at the end)
  int validate_every = 100;    ///< steps between validation losses (and at the end)
  int validation_batches = 4;  ///< batches of the held-back objects per validation
  int log_every = 10;          ///< steps between progress lines
  int threads = 0;             ///< LibTorch intra-op threads (0: leave as is)
  int stop_after = 0;          ///< > 0: stop after this many steps of this run, resumable
  int rank = 0, world = 1;     ///< this process among `world` data-parallel ones
  /// Sums `values` over all processes in place (empty when world == 1).
  std::function<void(std::vector<float>& values)> all_sum;
};

struct TrainSummary {
  int steps = 0;          ///< steps done in total (with earlier runs)
  int resumed_from = 0;   ///< the step a checkpoint resumed from (0: a fresh start)
  double first_loss = 0;  ///< the first step's training loss (of this run)
  double loss = 0;        ///< mean training loss over the last log interval
  double validation = std::numeric_limits<double>::quiet_NaN();  ///< last validation loss (NaN
                                                                 ///< without held-back objects)
  double seconds = 0;                                            ///< this run
  double samples_per_second = 0;
  long long parameters = 0;
};

/// Trains (or resumes) a model in `options.out`. A folder holding a finished model answers at
/// once; one holding a checkpoint of another config or hand is an error naming the difference.
Expected<TrainSummary> Train(const ModelConfig& config, const TrainingSet& train,
                             const TrainingSet& validation, const TrainOptions& options,
                             std::ostream& log);

}  // namespace dexvlg
