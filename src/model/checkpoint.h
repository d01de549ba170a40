// The model file (internal header; docs/model.md "Model file"): `model.h5`, format
// "dexvlg-model" version 1, readable with h5py alone: the config as JSON, the tokenizer's
// vocabulary, every parameter as a named float32 tensor, and while training is unfinished the
// optimiser's state (so a killed run resumes exactly).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/config.h"
#include "model/network.h"
#include "model/tokenizer.h"

namespace dexvlg {

inline constexpr const char* kModelFormat = "dexvlg-model";
inline constexpr int kModelVersion = 1;

/// AdamW's state and the loss curve, aligned with NamedParameters.
struct TrainState {
  int step = 0;                              ///< optimiser steps done
  std::vector<std::array<double, 3>> curve;  ///< (step, training loss, validation loss or NaN)
  std::vector<torch::Tensor> m, v;           ///< first and second moments
  std::vector<std::string> objects;          ///< the objects trained on (eval: seen / unseen)
};

/// Writes `path` atomically (temporary, fsync, rename).
Status SaveModelFile(const std::string& path, const ModelConfig& config, const Tokenizer& tokenizer,
                     DexVlgNetImpl& net, const TrainState* state);

struct LoadedModel {
  ModelConfig config;
  Tokenizer tokenizer;
  DexVlgNet net{nullptr};
  std::optional<TrainState> state;  ///< when the file holds one
};

/// Reads a model file (format, version, config, vocabulary and every tensor's name and shape
/// checked; errors name the file and the problem).
Expected<LoadedModel> LoadModelFile(const std::string& path);

}  // namespace dexvlg
