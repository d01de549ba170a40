// Internal to the hand library: the hand spec's JSON (nlohmann) and the spec derivation for
// bare MJCF hands. The public header hand_loader.h names neither.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "hand/hand_model.h"

namespace dexvlg::hand_detail {

using json = nlohmann::json;

// spec field readers: each returns an Error naming the file (`label`) and the field
Status ReadVec3(const json& j, const std::string& where, const std::string& label, Vec3* out);
Status ReadStringList(const json& spec, const char* key, const std::string& label,
                      std::vector<std::string>* out);
Status ReadPairs(const json& j, const char* key, const std::string& label, const HandModel& hand,
                 std::vector<std::pair<int, int>>* out);
Expected<json> ReadJsonFile(const std::string& path);
/// "format" and "version" of a spec.
Status CheckSpecHeader(const json& spec, const std::string& label);
/// The hand's spec (names, not indices): what `dexvlg hand spec` writes.
json HandSpecJson(const HandModel& hand);

/// Contact candidates and the wrap and pinch sets of a hand without a spec (docs/hand_spec.md).
Status DeriveContacts(HandModel* hand, const std::string& label);
/// Samples of each link's collision surface, about `spacing` apart.
void BuildSurfacePoints(HandModel* hand, double spacing);

}  // namespace dexvlg::hand_detail
