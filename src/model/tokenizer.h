// The instruction tokenizer (docs/model.md "Language"): word level, trained on the project's own
// captions and paraphrases, with a path for words it never saw (synonyms, plural and verb
// endings, then one of a few hashed unknown-word ids, so that two unseen words stay apart).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace dexvlg {

class Tokenizer {
 public:
  static constexpr int kPad = 0;              ///< padding (masked)
  static constexpr int kNull = 1;             ///< the dropped instruction (guidance's null text)
  static constexpr int kUnknownFirst = 2;     ///< first hashed unknown-word id
  static constexpr int kUnknownBuckets = 16;  ///< hashed unknown-word ids
  static constexpr int kSpecial = kUnknownFirst + kUnknownBuckets;

  /// A vocabulary of every word of `texts` (sorted, so the ids do not depend on their order),
  /// with WordNet's synonyms of its part and action words when WordNet is installed
  /// (WordNetSynonyms on `wordnet_dir`; "" skips it).
  static Tokenizer Build(const std::vector<std::string>& texts,
                         const std::string& wordnet_dir = DefaultWordNetDir());
  /// From a saved vocabulary (the special entries first, as vocabulary() gives them) and the
  /// synonyms saved with it ("word=known" entries; may be empty).
  static Expected<Tokenizer> FromVocabulary(const std::vector<std::string>& vocabulary,
                                            const std::string& origin,
                                            const std::vector<std::string>& synonyms = {});

  /// Debian's wordnet-base dictionary folder.
  static std::string DefaultWordNetDir() { return "/usr/share/wordnet"; }
  /// For each of `nouns` (and `verbs`) that WordNet (the dict folder `dir`: index.noun/verb,
  /// data.noun/verb) lists, the other single-word lemmas of its most frequent noun (verb) sense,
  /// mapped to it ("grip" -> "handle", "handgrip" -> "handle"). Empty when the folder is missing.
  static std::map<std::string, std::string> WordNetSynonyms(const std::vector<std::string>& nouns,
                                                            const std::vector<std::string>& verbs,
                                                            const std::string& dir);

  const std::vector<std::string>& vocabulary() const { return words_; }
  /// The synonyms learned from WordNet at Build, as "word=known" (saved with the vocabulary).
  std::vector<std::string> SynonymEntries() const;
  int size() const { return static_cast<int>(words_.size()); }
  /// Token ids of `text`, at most `max_len` (at least one: kNull for a text with no words).
  std::vector<int> Encode(const std::string& text, int max_len) const;
  /// Lower-case words of `text` (letters and digits; "'s" dropped).
  static std::vector<std::string> Words(const std::string& text);
  /// How `word` maps into the vocabulary: itself, a synonym, a stem, or "" (unknown).
  std::string Known(const std::string& word) const;

 private:
  int Id(const std::string& word) const;
  std::vector<std::string> words_;
  std::map<std::string, std::string> synonyms_;  ///< from WordNet, beside the built-in table
};

}  // namespace dexvlg
