#include <algorithm>
#include <string>
#include <vector>

#include "sim/sim.h"

namespace dexvlg {

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
