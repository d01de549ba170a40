#include "core/npy_dict.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "core/atomic_file.h"

namespace dexvlg {

NpyValue NpyValue::Number(double v) {
  NpyValue n;
  n.kind = Kind::kNumber;
  n.number = v;
  return n;
}
NpyValue NpyValue::Text(std::string s) {
  NpyValue n;
  n.kind = Kind::kText;
  n.text = std::move(s);
  return n;
}
NpyValue NpyValue::Array(std::vector<double> v) {
  NpyValue n;
  n.kind = Kind::kArray;
  n.shape = {static_cast<long long>(v.size())};
  n.values = std::move(v);
  return n;
}
NpyValue NpyValue::Texts(std::vector<std::string> s) {
  NpyValue n;
  n.kind = Kind::kTexts;
  n.texts = std::move(s);
  return n;
}

const NpyValue* Find(const NpyDict& dict, const std::string& key) {
  for (const auto& [k, v] : dict) {
    if (k == key) return &v;
  }
  return nullptr;
}

namespace {

constexpr char kMagic[] = "\x93NUMPY";

// ---- writing: pickle protocol 3, the opcodes NumPy's own pickles use, no memo ----

class Pickler {
 public:
  std::string out = std::string("\x80\x03", 2);
  void Op(char c) { out += c; }
  void Int(long long v) {
    if (v >= 0 && v < 256) {
      out += 'K';
      out += static_cast<char>(v);
    } else if (v >= 0 && v < 65536) {
      out += 'M';
      out += static_cast<char>(v & 0xff);
      out += static_cast<char>(v >> 8);
    } else {
      out += 'J';
      Le(static_cast<uint32_t>(static_cast<int32_t>(v)), 4);
    }
  }
  void Text(const std::string& s) {
    out += 'X';
    Le(s.size(), 4);
    out += s;
  }
  void Bytes(const std::string& b) {
    if (b.size() < 256) {
      out += 'C';
      out += static_cast<char>(b.size());
    } else {
      out += 'B';
      Le(b.size(), 4);
    }
    out += b;
  }
  void Global(const char* module, const char* name) {
    out += 'c';
    out += module;
    out += '\n';
    out += name;
    out += '\n';
  }
  /// numpy.dtype(descr, False, True) with its state (3, endian, None, None, None, -1, -1, flags)
  void Dtype(const char* descr, const char* endian, int flags) {
    Global("numpy", "dtype");
    Text(descr);
    Op('\x89');
    Op('\x88');
    Op('\x87');
    Op('R');
    Op('(');
    Int(3);
    Text(endian);
    Op('N');
    Op('N');
    Op('N');
    Int(-1);
    Int(-1);
    Int(flags);
    Op('t');
    Op('b');
  }
  /// numpy.core.multiarray._reconstruct(ndarray, (0,), b'b'), then BUILD with `state` to come
  void ArrayHead() {
    Global("numpy.core.multiarray", "_reconstruct");
    Global("numpy", "ndarray");
    Int(0);
    Op('\x85');
    Bytes("b");
    Op('\x87');
    Op('R');
  }
  void Value(const NpyValue& v) {
    switch (v.kind) {
      case NpyValue::Kind::kNumber: {  // numpy.float64 scalar
        Global("numpy.core.multiarray", "scalar");
        Dtype("f8", "<", 0);
        std::string raw(8, '\0');
        std::memcpy(raw.data(), &v.number, 8);
        Bytes(raw);
        Op('\x86');
        Op('R');
        break;
      }
      case NpyValue::Kind::kText:
        Text(v.text);
        break;
      case NpyValue::Kind::kTexts:
        Op(']');
        Op('(');
        for (const std::string& s : v.texts) Text(s);
        Op('e');
        break;
      case NpyValue::Kind::kArray: {
        ArrayHead();
        Op('(');
        Int(1);
        Op('(');
        for (long long d : v.shape) Int(d);
        Op('t');
        Dtype("f8", "<", 0);
        Op('\x89');
        std::string raw(8 * v.values.size(), '\0');
        if (!v.values.empty()) std::memcpy(raw.data(), v.values.data(), raw.size());
        Bytes(raw);
        Op('t');
        Op('b');
        break;
      }
    }
  }

 private:
  void Le(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  }
};

// ---- reading: a small pickle machine over plain data ----

struct Obj;
using Ref = std::shared_ptr<Obj>;
struct Obj {
  enum Kind { kNone, kBool, kInt, kFloat, kStr, kBytes, kTuple, kList, kDict, kGlobal, kCall };
  Kind kind = kNone;
  long long i = 0;
  double f = 0;
  std::string s;              ///< str, bytes, "module.name" of a global
  std::vector<Ref> items;     ///< tuple, list; dict: key, value, key, value, ...
  Ref callable, args, state;  ///< a call (REDUCE, NEWOBJ) and what BUILD gave it
};

Ref Make(Obj::Kind k) {
  auto o = std::make_shared<Obj>();
  o->kind = k;
  return o;
}

class Unpickler {
 public:
  Unpickler(const std::string& data, size_t pos, std::string label)
      : d_(data), p_(pos), label_(std::move(label)) {}

  Expected<Ref> Run() {
    while (true) {
      if (p_ >= d_.size()) return Fail("the pickle ends without STOP");
      const size_t at = p_;
      const auto op = static_cast<unsigned char>(d_[p_++]);
      Status s = Step(op, at);
      if (!s) return s.error();
      if (done_) {
        if (stack_.size() != 1)
          return Fail("the pickle leaves " + std::to_string(stack_.size()) + " values");
        return stack_.back();
      }
    }
  }

 private:
  Error Fail(const std::string& what) const {
    return Error{label_ + ": " + what + " (pickle byte " + std::to_string(p_) + ")"};
  }
  bool Need(size_t n) const { return p_ + n <= d_.size(); }
  uint64_t Le(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
      v |= static_cast<uint64_t>(static_cast<uint8_t>(d_[p_ + i])) << (8 * i);
    p_ += bytes;
    return v;
  }
  Status Pop(Ref* out) {
    if (stack_.empty() || stack_.back() == nullptr) return Fail("stack underflow");
    *out = stack_.back();
    stack_.pop_back();
    return Status::Ok();
  }
  /// Everything above the last MARK, removed with the mark.
  Status PopMark(std::vector<Ref>* out) {
    size_t m = stack_.size();
    while (m > 0 && stack_[m - 1] != nullptr) --m;
    if (m == 0) return Fail("no MARK");
    out->assign(stack_.begin() + static_cast<long>(m), stack_.end());
    stack_.resize(m - 1);
    return Status::Ok();
  }
  Status Text(Obj::Kind kind, size_t n) {
    if (!Need(n)) return Fail("a string runs past the end");
    Ref o = Make(kind);
    o->s = d_.substr(p_, n);
    p_ += n;
    stack_.push_back(o);
    return Status::Ok();
  }
  Status Tuple(size_t n) {
    if (stack_.size() < n) return Fail("stack underflow");
    Ref t = Make(Obj::kTuple);
    t->items.assign(stack_.end() - static_cast<long>(n), stack_.end());
    for (const Ref& r : t->items) {
      if (r == nullptr) return Fail("MARK inside a tuple");
    }
    stack_.resize(stack_.size() - n);
    stack_.push_back(t);
    return Status::Ok();
  }
  Status Memo(size_t key) {
    if (stack_.empty() || stack_.back() == nullptr) return Fail("nothing to memoize");
    memo_[key] = stack_.back();
    return Status::Ok();
  }
  Status Get(size_t key) {
    auto it = memo_.find(key);
    if (it == memo_.end()) return Fail("memo " + std::to_string(key) + " was never stored");
    stack_.push_back(it->second);
    return Status::Ok();
  }

  Status Step(unsigned char op, size_t at) {
    switch (op) {
      case 0x80:  // PROTO
        if (!Need(1)) return Fail("truncated");
        ++p_;
        return Status::Ok();
      case 0x95:  // FRAME
        if (!Need(8)) return Fail("truncated");
        p_ += 8;
        return Status::Ok();
      case '.':
        done_ = true;
        return Status::Ok();
      case '(':
        stack_.push_back(nullptr);
        return Status::Ok();
      case 'N':
        stack_.push_back(Make(Obj::kNone));
        return Status::Ok();
      case 0x88:
      case 0x89: {
        Ref b = Make(Obj::kBool);
        b->i = op == 0x88;
        stack_.push_back(b);
        return Status::Ok();
      }
      case 'K':
      case 'M':
      case 'J': {
        const int n = op == 'K' ? 1 : op == 'M' ? 2 : 4;
        if (!Need(n)) return Fail("truncated");
        Ref v = Make(Obj::kInt);
        const uint64_t raw = Le(n);
        v->i = op == 'J' ? static_cast<int32_t>(raw) : static_cast<long long>(raw);
        stack_.push_back(v);
        return Status::Ok();
      }
      case 0x8a: {  // LONG1
        if (!Need(1)) return Fail("truncated");
        const size_t n = static_cast<uint8_t>(d_[p_++]);
        if (n > 8 || !Need(n)) return Fail("an integer too large");
        uint64_t raw = Le(static_cast<int>(n));
        if (n > 0 && n < 8 && (raw >> (8 * n - 1)) & 1) raw |= ~uint64_t{0} << (8 * n);
        Ref v = Make(Obj::kInt);
        v->i = static_cast<long long>(raw);
        stack_.push_back(v);
        return Status::Ok();
      }
      case 'G': {  // BINFLOAT, big-endian
        if (!Need(8)) return Fail("truncated");
        uint64_t raw = 0;
        for (int i = 0; i < 8; ++i) raw = (raw << 8) | static_cast<uint8_t>(d_[p_ + i]);
        p_ += 8;
        Ref v = Make(Obj::kFloat);
        std::memcpy(&v->f, &raw, 8);
        stack_.push_back(v);
        return Status::Ok();
      }
      case 'X':
      case 'T':
      case 'B':
        if (!Need(4)) return Fail("truncated");
        return Text(op == 'B' ? Obj::kBytes : Obj::kStr, Le(4));
      case 0x8c:
      case 'U':
      case 'C':
        if (!Need(1)) return Fail("truncated");
        return Text(op == 'C' ? Obj::kBytes : Obj::kStr, Le(1));
      case 0x8d:
      case 0x8e: {
        if (!Need(8)) return Fail("truncated");
        const uint64_t n = Le(8);
        if (n > d_.size()) return Fail("a string runs past the end");
        return Text(op == 0x8e ? Obj::kBytes : Obj::kStr, n);
      }
      case 'c': {  // GLOBAL "module\nname\n"
        const size_t a = d_.find('\n', p_);
        const size_t b = a == std::string::npos ? a : d_.find('\n', a + 1);
        if (b == std::string::npos) return Fail("truncated GLOBAL");
        Ref g = Make(Obj::kGlobal);
        g->s = d_.substr(p_, a - p_) + "." + d_.substr(a + 1, b - a - 1);
        p_ = b + 1;
        stack_.push_back(g);
        return Status::Ok();
      }
      case 0x93: {  // STACK_GLOBAL
        Ref name, module;
        if (Status s = Pop(&name); !s) return s;
        if (Status s = Pop(&module); !s) return s;
        if (name->kind != Obj::kStr || module->kind != Obj::kStr) return Fail("bad STACK_GLOBAL");
        Ref g = Make(Obj::kGlobal);
        g->s = module->s + "." + name->s;
        stack_.push_back(g);
        return Status::Ok();
      }
      case 'q':
        if (!Need(1)) return Fail("truncated");
        return Memo(Le(1));
      case 'r':
        if (!Need(4)) return Fail("truncated");
        return Memo(Le(4));
      case 0x94:
        return Memo(memo_.size());
      case 'h':
        if (!Need(1)) return Fail("truncated");
        return Get(Le(1));
      case 'j':
        if (!Need(4)) return Fail("truncated");
        return Get(Le(4));
      case ')':
        return Tuple(0);
      case 0x85:
      case 0x86:
      case 0x87:
        return Tuple(op - 0x84);
      case 't': {
        std::vector<Ref> items;
        if (Status s = PopMark(&items); !s) return s;
        Ref t = Make(Obj::kTuple);
        t->items = std::move(items);
        stack_.push_back(t);
        return Status::Ok();
      }
      case ']':
        stack_.push_back(Make(Obj::kList));
        return Status::Ok();
      case '}':
        stack_.push_back(Make(Obj::kDict));
        return Status::Ok();
      case 'l':
      case 'd': {
        std::vector<Ref> items;
        if (Status s = PopMark(&items); !s) return s;
        Ref c = Make(op == 'l' ? Obj::kList : Obj::kDict);
        if (op == 'd' && items.size() % 2 != 0) return Fail("a dict with an odd item count");
        c->items = std::move(items);
        stack_.push_back(c);
        return Status::Ok();
      }
      case 'a':
      case 's':
      case 'e':
      case 'u': {
        std::vector<Ref> items;
        if (op == 'a' || op == 's') {
          const size_t n = op == 'a' ? 1 : 2;
          if (stack_.size() < n + 1) return Fail("stack underflow");
          items.assign(stack_.end() - static_cast<long>(n), stack_.end());
          stack_.resize(stack_.size() - n);
        } else if (Status s = PopMark(&items); !s) {
          return s;
        }
        if (stack_.empty() || stack_.back() == nullptr) return Fail("nothing to add to");
        Obj& c = *stack_.back();
        const bool list = op == 'a' || op == 'e';
        if (c.kind != (list ? Obj::kList : Obj::kDict)) return Fail("adding to a non-container");
        if (!list && items.size() % 2 != 0) return Fail("a dict with an odd item count");
        for (const Ref& r : items) {
          if (r == nullptr) return Fail("MARK inside a container");
        }
        c.items.insert(c.items.end(), items.begin(), items.end());
        return Status::Ok();
      }
      case 'R':
      case 0x81: {  // REDUCE, NEWOBJ: recorded, never called
        Ref args, callable;
        if (Status s = Pop(&args); !s) return s;
        if (Status s = Pop(&callable); !s) return s;
        Ref c = Make(Obj::kCall);
        c->callable = callable;
        c->args = args;
        stack_.push_back(c);
        return Status::Ok();
      }
      case 'b': {
        Ref state;
        if (Status s = Pop(&state); !s) return s;
        if (stack_.empty() || stack_.back() == nullptr || stack_.back()->kind != Obj::kCall)
          return Fail("BUILD on something that was not made by a call");
        stack_.back()->state = state;
        return Status::Ok();
      }
      default: {
        std::ostringstream m;
        m << label_ << ": unsupported pickle opcode 0x" << std::hex << static_cast<int>(op)
          << std::dec << " at pickle byte " << at << " (only plain data is read)";
        return Error{m.str()};
      }
    }
  }

  const std::string& d_;
  size_t p_;
  std::string label_;
  std::vector<Ref> stack_;  ///< nullptr is a MARK
  std::map<size_t, Ref> memo_;
  bool done_ = false;
};

bool IsGlobal(const Ref& r, const std::string& name) {
  if (r == nullptr || r->kind != Obj::kGlobal) return false;
  // NumPy 2 pickles numpy._core, NumPy 1 numpy.core
  for (const char* prefix : {"numpy.core.multiarray.", "numpy._core.multiarray."}) {
    if (r->s == prefix + name) return true;
  }
  return r->s == name;
}

/// A numpy.dtype call: its kind ('f', 'i', 'u'), byte size and whether it is big-endian.
Status ReadDtype(const Ref& d, char* kind, int* size, bool* big, const std::string& label) {
  if (d == nullptr || d->kind != Obj::kCall || !IsGlobal(d->callable, "numpy.dtype") ||
      d->args == nullptr || d->args->items.empty() || d->args->items[0]->kind != Obj::kStr) {
    return Error{label + ": an array whose dtype is not a plain numpy.dtype"};
  }
  const std::string descr = d->args->items[0]->s;
  if (descr.size() < 2) return Error{label + ": dtype '" + descr + "'"};
  *kind = descr[0];
  *size = std::atoi(descr.c_str() + 1);
  *big = false;
  if (d->state != nullptr && d->state->kind == Obj::kTuple && d->state->items.size() > 1 &&
      d->state->items[1]->kind == Obj::kStr) {
    *big = d->state->items[1]->s == ">";
  }
  const bool ok =
      (*kind == 'f' && (*size == 2 || *size == 4 || *size == 8)) ||
      ((*kind == 'i' || *kind == 'u') && (*size == 1 || *size == 2 || *size == 4 || *size == 8));
  if (!ok) return Error{label + ": dtype '" + descr + "' is not a number this reader takes"};
  return Status::Ok();
}

double Half(uint16_t h) {
  const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  const double sign = (h >> 15) ? -1 : 1;
  if (e == 0) return sign * std::ldexp(m, -24);
  if (e == 31) return m ? std::nan("") : sign * HUGE_VAL;
  return sign * std::ldexp(m + 1024, e - 25);
}

/// Raw bytes of `count` numbers of the dtype, as doubles.
Status Decode(const std::string& raw, char kind, int size, bool big, size_t count,
              std::vector<double>* out, const std::string& label) {
  if (raw.size() != count * static_cast<size_t>(size)) {
    return Error{label + ": an array's data holds " + std::to_string(raw.size()) + " bytes, its " +
                 "shape needs " + std::to_string(count * size)};
  }
  out->resize(count);
  for (size_t i = 0; i < count; ++i) {
    unsigned char b[8];
    for (int k = 0; k < size; ++k)
      b[k] = static_cast<unsigned char>(raw[i * size + (big ? size - 1 - k : k)]);
    uint64_t u = 0;
    for (int k = size - 1; k >= 0; --k) u = (u << 8) | b[k];
    double v = 0;
    if (kind == 'f') {
      if (size == 8) {
        std::memcpy(&v, &u, 8);
      } else if (size == 4) {
        float f;
        const uint32_t w = static_cast<uint32_t>(u);
        std::memcpy(&f, &w, 4);
        v = f;
      } else {
        v = Half(static_cast<uint16_t>(u));
      }
    } else if (kind == 'u') {
      v = static_cast<double>(u);
    } else {
      const int bits = 8 * size;
      const int64_t s = bits == 64 ? static_cast<int64_t>(u)
                                   : static_cast<int64_t>(u << (64 - bits)) >> (64 - bits);
      v = static_cast<double>(s);
    }
    (*out)[i] = v;
  }
  return Status::Ok();
}

/// `r` as a dict value: a number, a str, a list of str, a numeric ndarray or NumPy scalar.
Expected<NpyValue> ToValue(const Ref& r, const std::string& label) {
  switch (r->kind) {
    case Obj::kInt:
    case Obj::kBool:
      return NpyValue::Number(static_cast<double>(r->i));
    case Obj::kFloat:
      return NpyValue::Number(r->f);
    case Obj::kStr:
      return NpyValue::Text(r->s);
    case Obj::kList:
    case Obj::kTuple: {
      std::vector<std::string> texts;
      std::vector<double> numbers;
      for (const Ref& i : r->items) {
        if (i->kind == Obj::kStr) {
          texts.push_back(i->s);
        } else if (i->kind == Obj::kInt || i->kind == Obj::kFloat) {
          numbers.push_back(i->kind == Obj::kInt ? static_cast<double>(i->i) : i->f);
        } else {
          return Error{label + ": a list of something other than numbers or strings"};
        }
      }
      if (!texts.empty() && !numbers.empty())
        return Error{label + ": a list mixing numbers and strings"};
      return texts.empty() ? NpyValue::Array(numbers) : NpyValue::Texts(texts);
    }
    case Obj::kCall: {
      char kind = 0;
      int size = 0;
      bool big = false;
      if (IsGlobal(r->callable, "scalar")) {  // numpy scalar: (dtype, raw bytes)
        if (r->args == nullptr || r->args->items.size() != 2 ||
            r->args->items[1]->kind != Obj::kBytes) {
          return Error{label + ": a NumPy scalar without its bytes"};
        }
        if (Status s = ReadDtype(r->args->items[0], &kind, &size, &big, label); !s)
          return s.error();
        std::vector<double> v;
        if (Status s = Decode(r->args->items[1]->s, kind, size, big, 1, &v, label); !s)
          return s.error();
        return NpyValue::Number(v[0]);
      }
      if (IsGlobal(r->callable, "_reconstruct")) {  // ndarray: state (1, shape, dtype, F, raw)
        const Ref& st = r->state;
        if (st == nullptr || st->kind != Obj::kTuple || st->items.size() != 5 ||
            st->items[1]->kind != Obj::kTuple || st->items[4]->kind != Obj::kBytes) {
          return Error{label + ": an ndarray of objects or without its data"};
        }
        if (Status s = ReadDtype(st->items[2], &kind, &size, &big, label); !s) return s.error();
        if (st->items[3]->kind == Obj::kBool && st->items[3]->i != 0) {
          return Error{label + ": a Fortran-ordered array"};
        }
        NpyValue a;
        a.kind = NpyValue::Kind::kArray;
        size_t count = 1;
        for (const Ref& d : st->items[1]->items) {
          if (d->kind != Obj::kInt || d->i < 0) return Error{label + ": a bad array shape"};
          a.shape.push_back(d->i);
          count *= static_cast<size_t>(d->i);
        }
        if (Status s = Decode(st->items[4]->s, kind, size, big, count, &a.values, label); !s)
          return s.error();
        return a;
      }
      const std::string name = r->callable != nullptr ? r->callable->s : "?";
      return Error{label + ": a pickled " + name + " (only numbers, strings and arrays are read)"};
    }
    default:
      return Error{label + ": a value that is not a number, string or array"};
  }
}

}  // namespace

Status WriteNpyDict(const std::string& path, const NpyDict& dict) {
  Pickler p;
  p.ArrayHead();
  p.Op('(');
  p.Int(1);
  p.Op(')');
  p.Dtype("O8", "|", 63);
  p.Op('\x89');
  p.Op(']');
  p.Op('(');
  p.Op('}');
  p.Op('(');
  for (const auto& [key, value] : dict) {
    p.Text(key);
    p.Value(value);
  }
  p.Op('u');
  p.Op('e');
  p.Op('t');
  p.Op('b');
  p.Op('.');
  std::string header = "{'descr': '|O', 'fortran_order': False, 'shape': (), }";
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string body(kMagic, 6);
  body += '\x01';
  body += '\x00';
  body += static_cast<char>(header.size() & 0xff);
  body += static_cast<char>(header.size() >> 8);
  body += header;
  body += p.out;
  return WriteTextAtomically(path, body);
}

Expected<NpyDict> ReadNpyDict(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read"};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();
  size_t start = 0;
  if (data.compare(0, 6, kMagic, 6) == 0) {  // .npy: magic, version, header, then the pickle
    if (data.size() < 10) return Error{path + ": a truncated .npy header"};
    const int major = static_cast<uint8_t>(data[6]);
    size_t header = 0;
    if (major == 1) {
      header = static_cast<uint8_t>(data[8]) | static_cast<size_t>(static_cast<uint8_t>(data[9]))
                                                   << 8;
      start = 10 + header;
    } else if (major == 2 || major == 3) {
      if (data.size() < 12) return Error{path + ": a truncated .npy header"};
      for (int i = 3; i >= 0; --i) header = (header << 8) | static_cast<uint8_t>(data[8 + i]);
      start = 12 + header;
    } else {
      return Error{path + ": .npy format version " + std::to_string(major) + " is not known"};
    }
    if (start > data.size()) return Error{path + ": a truncated .npy header"};
    const std::string h = data.substr(start - header, header);
    if (h.find("'|O'") == std::string::npos) {
      return Error{path + ": an .npy of plain numbers, not a pickled dict (descr in " + h + ")"};
    }
  } else if (data.empty() || static_cast<uint8_t>(data[0]) != 0x80) {
    return Error{path + ": neither an .npy file nor a pickle"};
  }
  auto top = Unpickler(data, start, path).Run();
  if (!top) return top.error();
  Ref dict = *top;
  // np.save wraps the dict in a 0-d object array: its data is a list holding the dict
  if (dict->kind == Obj::kCall && IsGlobal(dict->callable, "_reconstruct") &&
      dict->state != nullptr && dict->state->kind == Obj::kTuple &&
      dict->state->items.size() == 5 && dict->state->items[4]->kind == Obj::kList &&
      dict->state->items[4]->items.size() == 1) {
    dict = dict->state->items[4]->items[0];
  }
  if (dict->kind != Obj::kDict) return Error{path + ": the file holds no dict"};
  NpyDict out;
  for (size_t i = 0; i + 1 < dict->items.size(); i += 2) {
    if (dict->items[i]->kind != Obj::kStr) return Error{path + ": a dict key that is not a str"};
    const std::string& key = dict->items[i]->s;
    auto value = ToValue(dict->items[i + 1], path + ": \"" + key + "\"");
    if (!value) return value.error();
    out.emplace_back(key, std::move(*value));
  }
  return out;
}

}  // namespace dexvlg
