#include "model/tokenizer.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

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

std::map<std::string, std::string> Tokenizer::WordNetSynonyms(const std::vector<std::string>& nouns,
                                                              const std::vector<std::string>& verbs,
                                                              const std::string& dir) {
  std::map<std::string, std::string> out;
  std::set<std::string> asked(nouns.begin(), nouns.end());
  asked.insert(verbs.begin(), verbs.end());
  for (const auto& [pos, words] : {std::pair{"noun", &nouns}, {"verb", &verbs}}) {
    std::ifstream index(dir + "/index." + pos), data(dir + "/data." + pos);
    if (!index || !data) continue;
    // index lines: lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offset...; the
    // first offset is the most frequent sense
    std::map<std::string, long> first_sense;
    const std::set<std::string> wanted(words->begin(), words->end());
    std::string line;
    while (std::getline(index, line)) {
      if (line.empty() || line[0] == ' ') continue;  // the licence header
      std::istringstream in(line);
      std::string lemma, p;
      int synsets = 0, pointers = 0;
      if (!(in >> lemma >> p >> synsets >> pointers) || !wanted.count(lemma)) continue;
      std::string skip;
      for (int i = 0; i < pointers; ++i) in >> skip;
      int senses = 0, tagged = 0;
      long offset = -1;
      if (in >> senses >> tagged >> offset) first_sense[lemma] = offset;
    }
    // data lines at that byte offset: offset lex_filenum ss_type w_cnt (hex) word lex_id ...
    for (const auto& [word, offset] : first_sense) {
      data.clear();
      data.seekg(offset);
      if (!std::getline(data, line)) continue;
      std::istringstream in(line);
      std::string off, lex, type, count_hex;
      if (!(in >> off >> lex >> type >> count_hex)) continue;
      const int count = static_cast<int>(std::strtol(count_hex.c_str(), nullptr, 16));
      for (int i = 0; i < count; ++i) {
        std::string lemma, lex_id;
        if (!(in >> lemma >> lex_id)) break;
        const size_t paren = lemma.find('(');  // adjective markers, e.g. "(a)"
        if (paren != std::string::npos) lemma.resize(paren);
        std::transform(lemma.begin(), lemma.end(), lemma.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const bool single = std::all_of(lemma.begin(), lemma.end(),
                                        [](unsigned char c) { return std::isalpha(c) != 0; });
        if (single && lemma != word && !asked.count(lemma)) out.emplace(lemma, word);
      }
    }
  }
  return out;
}

Tokenizer Tokenizer::Build(const std::vector<std::string>& texts, const std::string& wordnet_dir) {
  std::set<std::string> seen;
  for (const std::string& t : texts)
    for (const std::string& w : Words(t)) seen.insert(w);
  Tokenizer tok;
  for (int i = 0; i < kSpecial; ++i) tok.words_.push_back(SpecialName(i));
  tok.words_.insert(tok.words_.end(), seen.begin(), seen.end());
  if (!wordnet_dir.empty()) {
    // WordNet for the words a user rephrases: the parts and the grasping verbs (object nouns'
    // most frequent senses are often not the object: "mug" is first a mugful)
    static const std::set<std::string> kParts = {"handle", "body",  "lid",   "cap",   "neck",
                                                 "head",   "blade", "shaft", "spout", "rim"};
    static const std::set<std::string> kActions = {"grasp", "hold", "take", "pick",
                                                   "grab",  "lift", "seize"};
    std::vector<std::string> parts, actions;
    for (const std::string& w : seen) {
      if (kParts.count(w)) parts.push_back(w);
      if (kActions.count(w)) actions.push_back(w);
    }
    for (const auto& [word, known] : WordNetSynonyms(parts, actions, wordnet_dir))
      if (!seen.count(word) && !Synonyms().count(word)) tok.synonyms_.emplace(word, known);
  }
  return tok;
}

std::vector<std::string> Tokenizer::SynonymEntries() const {
  std::vector<std::string> out;
  for (const auto& [word, known] : synonyms_) out.push_back(word + "=" + known);
  return out;
}

Expected<Tokenizer> Tokenizer::FromVocabulary(const std::vector<std::string>& vocabulary,
                                              const std::string& origin,
                                              const std::vector<std::string>& synonyms) {
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
  for (const std::string& entry : synonyms) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || tok.Id(entry.substr(eq + 1)) < 0)
      return Error{origin + ": tokenizer synonym \"" + entry +
                   "\" is not word=known with a known word"};
    tok.synonyms_.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
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
  if (auto learned = synonyms_.find(word); learned != synonyms_.end()) return learned->second;
  // plural and verb endings: "handles" -> "handle", "grasping" -> "grasp", "boxes" -> "box"
  for (const char* ending : {"es", "s", "ing", "ed"}) {
    const std::string e = ending;
    if (word.size() > e.size() + 2 && word.compare(word.size() - e.size(), e.size(), e) == 0) {
      const std::string stem = word.substr(0, word.size() - e.size());
      if (Id(stem) >= 0) return stem;
      auto s = Synonyms().find(stem);
      if (s != Synonyms().end() && Id(s->second) >= 0) return s->second;
      if (auto learned = synonyms_.find(stem); learned != synonyms_.end()) return learned->second;
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
