// NumPy .npy files holding one pickled dict, as `np.save(path, {...})` writes them (DexGraspBench's
// grasp files): a writer, and a reader that understands only the plain data such files hold
// (numbers, strings, numeric arrays, lists and dicts of them). The reader never runs code: a
// pickled class or function it does not know is an error, not a call.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace dexvlg {

/// One value of such a dict.
struct NpyValue {
  enum class Kind { kNumber, kText, kArray, kTexts };
  Kind kind = Kind::kNumber;
  double number = 0;               ///< kNumber (a Python int or float, a NumPy scalar)
  std::string text;                ///< kText
  std::vector<double> values;      ///< kArray: every element, row-major
  std::vector<long long> shape;    ///< kArray
  std::vector<std::string> texts;  ///< kTexts: a list of strings

  static NpyValue Number(double v);
  static NpyValue Text(std::string s);
  static NpyValue Array(std::vector<double> v);  ///< one dimension
  static NpyValue Texts(std::vector<std::string> s);
};

using NpyDict = std::vector<std::pair<std::string, NpyValue>>;  ///< in the file's order

/// The value under `key`, or null.
const NpyValue* Find(const NpyDict& dict, const std::string& key);

/// Writes `dict` as `np.save` would (format 1.0, a 0-d object array, pickle protocol 3): numbers
/// become NumPy float64 scalars, arrays float64 arrays, texts str, text lists list[str].
/// Atomic (WriteAtomically); `np.load(path, allow_pickle=True).item()` reads it back.
Status WriteNpyDict(const std::string& path, const NpyDict& dict);

/// Reads an .npy file of one pickled dict (or a pickle of a dict): arrays of float16/32/64 and
/// (u)int8-64 become doubles. Errors name the file and what is not understood.
Expected<NpyDict> ReadNpyDict(const std::string& path);

}  // namespace dexvlg
