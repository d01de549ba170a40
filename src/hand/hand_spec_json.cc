#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "hand/hand_internal.h"
#include "hand/hand_loader.h"

namespace dexvlg::hand_detail {

namespace fs = std::filesystem;

Status ReadVec3(const json& j, const std::string& where, const std::string& label, Vec3* out) {
  if (!j.is_array() || j.size() != 3) {
    return Error{label + ": " + where + ": expected an array of 3 numbers"};
  }
  for (int i = 0; i < 3; ++i) {
    if (!j[i].is_number()) return Error{label + ": " + where + ": expected numbers"};
    const double v = j[i].get<double>();
    if (!std::isfinite(v)) return Error{label + ": " + where + ": not a finite number"};
    (*out)[i] = v;
  }
  return Status::Ok();
}

Status ReadStringList(const json& spec, const char* key, const std::string& label,
                      std::vector<std::string>* out) {
  const json& j = spec.at(key);
  if (!j.is_array()) return Error{label + ": \"" + key + "\" must be an array of names"};
  for (const json& e : j) {
    if (!e.is_string()) return Error{label + ": \"" + key + "\" must hold strings"};
    out->push_back(e.get<std::string>());
  }
  return Status::Ok();
}

Status ReadPairs(const json& j, const char* key, const std::string& label, const HandModel& hand,
                 std::vector<std::pair<int, int>>* out) {
  if (!j.is_array()) return Error{label + ": \"" + key + "\" must be \"auto\" or a list of pairs"};
  for (const json& p : j) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_string() || !p[1].is_string()) {
      return Error{label + ": \"" + key + "\": each entry must be [\"link_a\", \"link_b\"]"};
    }
    const int a = hand.LinkIndex(p[0].get<std::string>());
    const int b = hand.LinkIndex(p[1].get<std::string>());
    if (a < 0 || b < 0) {
      return Error{label + ": \"" + key + "\": unknown link in [" + p[0].get<std::string>() + ", " +
                   p[1].get<std::string>() + "]"};
    }
    out->emplace_back(std::min(a, b), std::max(a, b));
  }
  return Status::Ok();
}

Expected<json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open the hand spec"};
  std::stringstream buffer;
  buffer << in.rdbuf();
  json j = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{path + ": not valid JSON"};
  if (!j.is_object()) return Error{path + ": a hand spec must be a JSON object"};
  return j;
}

Status CheckSpecHeader(const json& spec, const std::string& label) {
  if (spec.empty()) return Status::Ok();  // derived spec
  if (!spec.contains("format") || spec["format"] != kHandSpecFormat) {
    return Error{label + ": not a dexvlg hand spec (expected \"format\": \"" +
                 std::string(kHandSpecFormat) + "\")"};
  }
  if (!spec.contains("version") || !spec["version"].is_number_integer()) {
    return Error{label + ": missing integer \"version\""};
  }
  const int version = spec["version"].get<int>();
  if (version != kHandSpecVersion) {
    return Error{label + ": hand spec version " + std::to_string(version) +
                 " is not supported (this dexvlg reads version " +
                 std::to_string(kHandSpecVersion) + ")"};
  }
  return Status::Ok();
}

json HandSpecJson(const HandModel& hand) {
  auto vec = [](const Vec3& v) {
    auto r = [](double x) { return std::round(x * 1e6) / 1e6; };
    return json::array({r(v.x()), r(v.y()), r(v.z())});
  };
  json j;
  j["format"] = kHandSpecFormat;
  j["version"] = kHandSpecVersion;
  j["name"] = hand.name;
  if (hand.mjcf_path != "<builtin>") j["mjcf"] = fs::path(hand.mjcf_path).filename().string();
  j["root_body"] = hand.links[0].name;
  j["contacts"] = json::array();
  for (const ContactCandidate& c : hand.contacts) {
    j["contacts"].push_back({{"name", c.name},
                             {"body", hand.links[c.link].name},
                             {"pos", vec(c.p_L)},
                             {"normal", vec(c.n_L)}});
  }
  for (const auto& [key, set] : {std::pair{"wrap", &hand.wrap}, std::pair{"pinch", &hand.pinch}}) {
    j[key] = json::array();
    for (int ci : *set) j[key].push_back(hand.contacts[ci].name);
  }
  j["self_collision"] = json::array();
  for (const auto& [a, b] : hand.self_pairs) {
    j["self_collision"].push_back({hand.links[a].name, hand.links[b].name});
  }
  return j;
}

}  // namespace dexvlg::hand_detail

namespace dexvlg {

std::string HandSpecText(const HandModel& hand, int indent) {
  return hand_detail::HandSpecJson(hand).dump(indent);
}

}  // namespace dexvlg
