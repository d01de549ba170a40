#include "model/tokenizer.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace dexvlg {

namespace {

// Words a user may say for the ones the captions use (after WordNet's synsets: handle / grip /
// handgrip / hold; grasp / grip / hold / take; lid / cap / cover / top).
const std::map<std::string, std::string>& Synonyms() {
  static const std::map<std::string, std::string> table = {
      {"handgrip", "handle"},   {"haft", "handle"},
      {"helve", "handle"},      {"hilt", "handle"},
      {"shaft", "handle"},      {"grip", "grasp"},
      {"grab", "grasp"},        {"seize", "grasp"},
      {"clutch", "grasp"},      {"clasp", "grasp"},
      {"catch", "grasp"},       {"cover", "lid"},
      {"cap", "lid"},           {"top", "lid"},
      {"stopper", "lid"},       {"container", "body"},
      {"base", "body"},         {"pick", "take"},
      {"lift", "take"},         {"get", "take"},
      {"fetch", "take"},        {"fingertips", "fingers"},
      {"fingertip", "fingers"}, {"finger", "fingers"},
      {"palms", "palm"},        {"cup", "mug"},
      {"beaker", "mug"},
  };
  return table;
}

uint32_t Fnv1a(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

std::string SpecialName(int id) {
  if (id == Tokenizer::kPad) return "<pad>";
  if (id == Tokenizer::kNull) return "<null>";
  return "<unk" + std::to_string(id - Tokenizer::kUnknownFirst) + ">";
}

}  // namespace

std::vector<std::string> Tokenizer::Words(const std::string& text) {
  std::vector<std::string> words;
  std::string w;
  auto flush = [&] {
    if (w.size() > 2 && w.compare(w.size() - 2, 2, "'s") == 0) w.resize(w.size() - 2);
    while (!w.empty() && w.back() == '\'') w.pop_back();
    if (!w.empty()) words.push_back(w);
    w.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c) || (c == '\'' && !w.empty())) {
      w += static_cast<char>(std::tolower(c));
    } else {
      flush();
    }
  }
  flush();
  return words;
}

Tokenizer Tokenizer::Build(const std::vector<std::string>& texts) {
  std::set<std::string> seen;
  for (const std::string& t : texts)
    for (const std::string& w : Words(t)) seen.insert(w);
  Tokenizer tok;
  for (int i = 0; i < kSpecial; ++i) tok.words_.push_back(SpecialName(i));
  tok.words_.insert(tok.words_.end(), seen.begin(), seen.end());
  return tok;
}

Expected<Tokenizer> Tokenizer::FromVocabulary(const std::vector<std::string>& vocabulary,
                                              const std::string& origin) {
  if (static_cast<int>(vocabulary.size()) < kSpecial)
    return Error{origin + ": the tokenizer vocabulary has " + std::to_string(vocabulary.size()) +
                 " entries, fewer than its " + std::to_string(kSpecial) + " special ones"};
  for (int i = 0; i < kSpecial; ++i)
    if (vocabulary[i] != SpecialName(i))
      return Error{origin + ": tokenizer entry " + std::to_string(i) + " is \"" + vocabulary[i] +
                   "\", expected \"" + SpecialName(i) + "\""};
  if (!std::is_sorted(vocabulary.begin() + kSpecial, vocabulary.end()) ||
      std::adjacent_find(vocabulary.begin() + kSpecial, vocabulary.end()) != vocabulary.end())
    return Error{origin + ": the tokenizer's words are not sorted and unique"};
  Tokenizer tok;
  tok.words_ = vocabulary;
  return tok;
}

int Tokenizer::Id(const std::string& word) const {
  auto it = std::lower_bound(words_.begin() + kSpecial, words_.end(), word);
  return it != words_.end() && *it == word ? static_cast<int>(it - words_.begin()) : -1;
}

std::string Tokenizer::Known(const std::string& word) const {
  if (Id(word) >= 0) return word;
  auto syn = Synonyms().find(word);
  if (syn != Synonyms().end() && Id(syn->second) >= 0) return syn->second;
  // plural and verb endings: "handles" -> "handle", "grasping" -> "grasp", "boxes" -> "box"
  for (const char* ending : {"es", "s", "ing", "ed"}) {
    const std::string e = ending;
    if (word.size() > e.size() + 2 && word.compare(word.size() - e.size(), e.size(), e) == 0) {
      const std::string stem = word.substr(0, word.size() - e.size());
      if (Id(stem) >= 0) return stem;
      auto s = Synonyms().find(stem);
      if (s != Synonyms().end() && Id(s->second) >= 0) return s->second;
    }
  }
  return "";
}

std::vector<int> Tokenizer::Encode(const std::string& text, int max_len) const {
  std::vector<int> ids;
  for (const std::string& w : Words(text)) {
    if (static_cast<int>(ids.size()) >= max_len) break;
    const std::string known = Known(w);
    ids.push_back(known.empty() ? kUnknownFirst + static_cast<int>(Fnv1a(w) % kUnknownBuckets)
                                : Id(known));
  }
  if (ids.empty()) ids.push_back(kNull);
  return ids;
}

}  // namespace dexvlg
