#include "support/prometheus_text.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace bg::testing {
namespace {

bool NameStart(char c, bool colon) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (colon && c == ':');
}
bool NameChar(char c, bool colon) {
  return NameStart(c, colon) || std::isdigit(static_cast<unsigned char>(c));
}

// Reads a metric (colon) or label name at *pos.
bool ReadName(const std::string& s, size_t* pos, bool colon, std::string* name) {
  size_t i = *pos;
  if (i >= s.size() || !NameStart(s[i], colon)) return false;
  while (i < s.size() && NameChar(s[i], colon)) ++i;
  *name = s.substr(*pos, i - *pos);
  *pos = i;
  return true;
}

bool ParseFloat(const std::string& t, double* v) {
  if (t == "+Inf" || t == "Inf") {
    *v = INFINITY;
    return true;
  }
  if (t == "-Inf") {
    *v = -INFINITY;
    return true;
  }
  if (t == "NaN") {
    *v = NAN;
    return true;
  }
  if (t.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size() && t.find_first_of("xXnN") == std::string::npos;
}

// The family a sample belongs to: histogram/summary suffixes are stripped when the base has that
// TYPE.
std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string sfx(suffix);
    if (name.size() > sfx.size() && name.compare(name.size() - sfx.size(), sfx.size(), sfx) == 0) {
      std::string base = name.substr(0, name.size() - sfx.size());
      auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return name;
}

std::string Key(const PromSample& s) {
  std::string k = s.name + "{";
  for (const auto& [n, v] : s.labels) k += n + "=" + v + ",";
  return k + "}";
}

bool CheckHistograms(const PromExposition& e, std::string* error) {
  for (const auto& [family, type] : e.types) {
    if (type != "histogram") continue;
    // Group by the labels other than le.
    std::map<std::string, std::vector<std::pair<double, double>>> buckets;
    std::map<std::string, double> counts;
    std::set<std::string> sums;
    for (const PromSample& s : e.samples) {
      std::map<std::string, std::string> rest = s.labels;
      rest.erase("le");
      std::string group;
      for (const auto& [n, v] : rest) group += n + "=" + v + ",";
      if (s.name == family + "_bucket") {
        auto le = s.labels.find("le");
        double bound = 0;
        if (le == s.labels.end() || !ParseFloat(le->second, &bound)) {
          *error = family + "_bucket without a numeric le";
          return false;
        }
        buckets[group].emplace_back(bound, s.value);
      } else if (s.name == family + "_count") {
        counts[group] = s.value;
      } else if (s.name == family + "_sum") {
        sums.insert(group);
      }
    }
    for (auto& [group, list] : buckets) {
      double previous_bound = -INFINITY, previous = 0;
      for (const auto& [bound, value] : list) {
        if (bound <= previous_bound || value < previous) {
          *error = family + "{" + group + "}: buckets not cumulative in le order";
          return false;
        }
        previous_bound = bound;
        previous = value;
      }
      if (!std::isinf(list.back().first)) {
        *error = family + "{" + group + "}: no le=\"+Inf\" bucket";
        return false;
      }
      if (!counts.count(group) || counts[group] != list.back().second || !sums.count(group)) {
        *error = family + "{" + group + "}: _count must equal the +Inf bucket, and _sum exist";
        return false;
      }
    }
  }
  return true;
}

}  // namespace

std::optional<double> PromExposition::Value(
    const std::string& name, const std::map<std::string, std::string>& labels) const {
  for (const PromSample& s : samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  return std::nullopt;
}

double PromExposition::Sum(const std::string& name,
                           const std::map<std::string, std::string>& filter) const {
  double total = 0;
  for (const PromSample& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : filter) {
      auto it = s.labels.find(k);
      match = match && it != s.labels.end() && it->second == v;
    }
    if (match) total += s.value;
  }
  return total;
}

bool ParsePrometheusText(const std::string& text, PromExposition* out, std::string* error) {
  *out = PromExposition{};
  std::set<std::string> seen_keys, finished_families, typed_with_samples;
  std::string current_family;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  auto fail = [&](const std::string& what) {
    *error = "line " + std::to_string(number) + ": " + what + ": '" + line + "'";
    return false;
  };
  if (!text.empty() && text.back() != '\n') {
    *error = "the exposition must end with a newline";
    return false;
  }
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream words(line);
      std::string hash, keyword, name;
      words >> hash >> keyword >> name;
      if (hash != "#" || (keyword != "HELP" && keyword != "TYPE")) continue;  // a comment
      size_t p = 0;
      std::string checked;
      if (!ReadName(name, &p, true, &checked) || p != name.size()) return fail("bad metric name");
      if (keyword == "TYPE") {
        std::string type, extra;
        words >> type;
        if (words >> extra) return fail("junk after the type");
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                     "untyped"};
        if (!kTypes.count(type)) return fail("unknown type");
        if (out->types.count(name)) return fail("second TYPE for a family");
        if (typed_with_samples.count(name)) return fail("TYPE after the family's samples");
        out->types[name] = type;
      }
      continue;
    }
    PromSample s;
    size_t p = 0;
    if (!ReadName(line, &p, true, &s.name)) return fail("bad metric name");
    if (p < line.size() && line[p] == '{') {
      ++p;
      while (p < line.size() && line[p] != '}') {
        std::string label;
        if (!ReadName(line, &p, false, &label)) return fail("bad label name");
        if (p + 1 >= line.size() || line[p] != '=' || line[p + 1] != '"') {
          return fail("label without =\"");
        }
        p += 2;
        std::string value;
        while (p < line.size() && line[p] != '"') {
          if (line[p] == '\\') {
            if (p + 1 >= line.size()) return fail("dangling escape");
            char e = line[p + 1];
            if (e == 'n') {
              value += '\n';
            } else if (e == '\\' || e == '"') {
              value += e;
            } else {
              return fail("bad escape in a label value");
            }
            p += 2;
          } else {
            value += line[p++];
          }
        }
        if (p >= line.size()) return fail("unterminated label value");
        ++p;  // closing quote
        if (s.labels.count(label)) return fail("repeated label");
        s.labels[label] = value;
        if (p < line.size() && line[p] == ',') ++p;
      }
      if (p >= line.size()) return fail("unterminated label set");
      ++p;  // '}'
    }
    if (p >= line.size() || line[p] != ' ') return fail("no space before the value");
    std::istringstream rest(line.substr(p));
    std::string value_text, timestamp, extra;
    rest >> value_text >> timestamp >> extra;
    if (!ParseFloat(value_text, &s.value)) return fail("bad value");
    if (!extra.empty()) return fail("junk after the timestamp");
    if (!timestamp.empty() && timestamp.find_first_not_of("-0123456789") != std::string::npos) {
      return fail("bad timestamp");
    }
    const std::string family = FamilyOf(s.name, out->types);
    if (family != current_family) {
      if (finished_families.count(family)) return fail("samples of a family are not contiguous");
      if (!current_family.empty()) finished_families.insert(current_family);
      current_family = family;
    }
    typed_with_samples.insert(family);
    if (!seen_keys.insert(Key(s)).second) return fail("repeated sample");
    auto type = out->types.find(family);
    if (type != out->types.end() && type->second == "counter" && !(s.value >= 0)) {
      return fail("negative counter");
    }
    out->samples.push_back(std::move(s));
  }
  return CheckHistograms(*out, error);
}

}  // namespace bg::testing
