// A strict reader of the Prometheus text exposition format (version 0.0.4) for tests: it checks
// the syntax rules and the family rules a scraper relies on, and gives the samples back.
//
// Checked: every line is blank, `# HELP name text`, `# TYPE name type`, another `#` comment or a
// sample `name{label="value",...} value [timestamp]`; names and label names are well-formed,
// label values use only the \\ \" \n escapes; values parse as floats (+Inf, -Inf, NaN too); a
// family has at most one TYPE, given before its samples, and its samples are contiguous; no
// (name, labels) sample repeats; counters are >= 0; a histogram's buckets carry `le`, are
// cumulative (non-decreasing in le order), end with le="+Inf" equal to _count, and have a _sum.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bg::testing {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromExposition {
  std::map<std::string, std::string> types;  // family -> counter|gauge|histogram|summary|untyped
  std::vector<PromSample> samples;

  // The sample with exactly these labels, if any.
  std::optional<double> Value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const;
  // Sum over the samples of `name` whose labels include `filter`.
  double Sum(const std::string& name, const std::map<std::string, std::string>& filter = {}) const;
};

// false (and *error = "line N: what") on the first violation.
bool ParsePrometheusText(const std::string& text, PromExposition* out, std::string* error);

}  // namespace bg::testing
