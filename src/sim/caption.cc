#include <algorithm>
#include <string>
#include <vector>

#include "sim/sim.h"

namespace dexvlg {

std::string FingerOfLink(const HandModel& hand, int link) {
  if (link <= 0) return "palm";
  int first = link;  // the child of the root on the way to `link`
  while (hand.links[first].parent > 0) first = hand.links[first].parent;
  std::string name = hand.links[link].name + " " + hand.links[first].name;
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  auto has = [&](std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
      const std::string key(k);
      if (name.rfind(key, 0) == 0 || name.find(" " + key) != std::string::npos ||
          name.find("_" + key) != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  if (has({"th", "thumb"})) return "thumb";
  if (has({"ff", "index", "if"})) return "index";
  if (has({"mf", "middle"})) return "middle";
  if (has({"rf", "ring"})) return "ring";
  if (has({"lf", "little", "pinky"})) return "little";
  return hand.links[first].name;
}

std::string Caption(const HandModel& hand, const std::string& part, const std::string& object,
                    const std::vector<int>& contact_links) {
  static const char* const order[] = {"thumb", "index", "middle", "ring", "little", "palm"};
  std::vector<std::string> fingers;
  for (int l : contact_links) {
    const std::string f = FingerOfLink(hand, l);
    if (std::find(fingers.begin(), fingers.end(), f) == fingers.end()) fingers.push_back(f);
  }
  std::stable_sort(fingers.begin(), fingers.end(), [&](const std::string& a, const std::string& b) {
    auto rank = [&](const std::string& s) {
      return static_cast<int>(std::find(std::begin(order), std::end(order), s) - std::begin(order));
    };
    return rank(a) < rank(b);
  });
  std::string list;
  for (size_t i = 0; i < fingers.size(); ++i) {
    const std::string word =
        fingers[i] == "thumb" || fingers[i] == "palm" ? fingers[i] : fingers[i] + " finger";
    list += (i == 0 ? "" : i + 1 == fingers.size() ? " and " : ", ") + word;
  }
  if (list.empty()) list = "no fingers";
  return "Grasp the " + part + " of the " + object + " object, with contacts on " + list;
}

}  // namespace dexvlg
