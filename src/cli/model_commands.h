// `dexvlg train` and `dexvlg predict` (docs/model.md).
#pragma once

#include <iosfwd>
#include <string>

#include "core/status.h"
#include "eval/eval.h"

namespace dexvlg::cli {

struct TrainRequest {
  std::string data;    ///< dataset folder
  std::string out;     ///< model folder
  std::string config;  ///< JSON file of ModelConfig values ("" = defaults)
  std::string hand;    ///< hand the dataset was made with ("" = built-in)
  std::string device = "cpu";
  int steps = 0, batch = 0;  ///< overrides when > 0
  int held_back = -1;        ///< objects held back for validation (-1: a tenth, at least 1)
  int threads = 0;
  int checkpoint_every = 100;
  bool all_held = false;  ///< train on every held grasp, also those reaching below the table
};

/// Trains (resumes) a model; under mpirun, data-parallel over the processes (MPI allreduce).
Status RunTrain(const TrainRequest& request, std::ostream& out);

struct PredictRequest {
  std::string model;  ///< model folder or file
  std::string cloud;  ///< PLY file (table frame), or
  std::string scene;  ///< SHARD:SCENE:VIEW of a dataset
  std::string instruction;
  std::string hand;  ///< "" = the model's hand (built-in)
  std::string out;   ///< grasp file (.h5)
  int count = 16, steps = 0;
  double guidance = -1;
  unsigned seed = 0;
  bool picture = true;
  int refine = 0;  ///< optimiser steps against the cloud per grasp, then sorted by energy (0: off)
  double refine_lr = RefineOptions{}.lr_scale;  ///< refinement step sizes against synthesis's
};

/// Predicts grasps and writes them as a grasp file `validate` takes (with --scene: in the object
/// frame with the object's source; with --cloud: in the cloud's frame) and a contact sheet.
Status RunPredict(const PredictRequest& request, std::ostream& out);

struct EvalRequest {
  std::string model;    ///< model folder or file
  std::string objects;  ///< DIR | LIST | comma-separated sources
  std::string hand;     ///< "" = the model's hand
  EvalOptions options;
  double image_scale = 0.5;  ///< camera resolution scale (1: 1280 x 720)
};

/// Runs the evaluation (resumable) and prints the report's main table.
Status RunEval(const EvalRequest& request, std::ostream& out);

}  // namespace dexvlg::cli
