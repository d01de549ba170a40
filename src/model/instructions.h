// Instructions for the model (docs/model.md "Instructions"): the paper's caption template and
// paraphrases, split into those training sees and those kept back to test free-form phrasing.
#pragma once

#include <string>
#include <vector>

namespace dexvlg {

/// A readable noun for an object name: "ycb_006_mustard_bottle" -> "mustard bottle",
/// "grab_hammer_parts" -> "hammer", "mug" -> "mug".
std::string ObjectNoun(const std::string& object_name);

/// The caption template with the mode's usual fingers: "Grasp the handle of the mug object,
/// with contacts on thumb, index finger, ... and palm" (mode 0 wrap, 1 pinch).
std::string TemplateInstruction(const std::string& part, const std::string& object, int mode);

/// Paraphrases used in training ("pick up the mug by its handle", ...).
std::vector<std::string> TrainingParaphrases(const std::string& part, const std::string& object,
                                             int mode);
/// Paraphrases training never uses, for testing free-form phrasing (`eval`).
std::vector<std::string> HeldOutParaphrases(const std::string& part, const std::string& object,
                                            int mode);

/// Part and object named in a caption of the template, or false.
bool ParseCaption(const std::string& caption, std::string& part, std::string& object);

}  // namespace dexvlg
