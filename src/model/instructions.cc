#include "model/instructions.h"

#include <cctype>
#include <sstream>

namespace dexvlg {

std::string ObjectNoun(const std::string& object_name) {
  static const char* const kDrop[] = {"ycb",   "grab",   "bigym",    "partnet", "mobility",
                                      "parts", "merged", "textured", "large",   "base"};
  std::vector<std::string> words;
  std::string w;
  auto flush = [&] {
    bool drop = w.empty() || std::isdigit(static_cast<unsigned char>(w[0]));
    for (const char* d : kDrop) drop = drop || w == d;
    if (!drop) words.push_back(w);
    w.clear();
  };
  for (char c : object_name) {
    if (c == '_' || c == ' ' || c == '-' || c == ':' || c == ',' || c == '=') {
      flush();
    } else {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  flush();
  if (words.empty()) return "object";
  std::string out;
  for (const std::string& x : words) out += (out.empty() ? "" : " ") + x;
  return out;
}

std::string TemplateInstruction(const std::string& part, const std::string& object, int mode) {
  return "Grasp the " + part + " of the " + object + " object, with contacts on " +
         (mode == 0 ? "thumb, index finger, middle finger, ring finger, little finger and palm"
                    : "thumb, index finger and middle finger");
}

namespace {

std::string Fill(const std::string& pattern, const std::string& part, const std::string& object,
                 const std::string& how) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      const size_t end = pattern.find('}', i);
      const std::string key = pattern.substr(i + 1, end - i - 1);
      out += key == "part" ? part : key == "object" ? object : how;
      i = end;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

std::vector<std::string> FillAll(const std::vector<const char*>& patterns, const std::string& part,
                                 const std::string& object, const std::string& how) {
  std::vector<std::string> out;
  for (const char* p : patterns) out.push_back(Fill(p, part, object, how));
  return out;
}

}  // namespace

std::vector<std::string> TrainingParaphrases(const std::string& part, const std::string& object,
                                             int mode) {
  const std::string how = mode == 0 ? "with the whole hand" : "with the fingertips";
  return FillAll({"grasp the {part} of the {object}", "pick up the {object} by its {part}",
                  "hold the {object} by the {part} {how}", "grab the {part} {how}",
                  "take the {object}'s {part} {how}",
                  mode == 0 ? "wrap your hand around the {part} of the {object}"
                            : "pinch the {part} of the {object}",
                  "grasp the {object} at the {part} {how}"},
                 part, object, how);
}

std::vector<std::string> HeldOutParaphrases(const std::string& part, const std::string& object,
                                            int mode) {
  const std::string how =
      mode == 0 ? "using the palm and all fingers" : "between thumb and fingers";
  return FillAll({"lift the {object} using its {part} {how}",
                  "could you seize the {object} at its {part}", "get a grip on that {part} {how}"},
                 part, object, how);
}

bool ParseCaption(const std::string& caption, std::string& part, std::string& object) {
  const std::string a = "Grasp the ", b = " of the ", c = " object";
  if (caption.compare(0, a.size(), a) != 0) return false;
  const size_t pb = caption.find(b, a.size());
  if (pb == std::string::npos) return false;
  const size_t pc = caption.find(c, pb + b.size());
  if (pc == std::string::npos) return false;
  part = caption.substr(a.size(), pb - a.size());
  object = caption.substr(pb + b.size(), pc - pb - b.size());
  return !part.empty() && !object.empty();
}

}  // namespace dexvlg
