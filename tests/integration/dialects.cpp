#include "integration/dialects.hpp"

#include <stdexcept>

namespace bg::testing {
namespace {

std::string Range(size_t from, size_t len, const std::string& total) {
  return "bytes " + std::to_string(from) + "-" + std::to_string(from + len - 1) + "/" + total;
}

// One request carrying the whole (possibly padded) document as the final chunk.
std::vector<UploadRequest> Single(std::string body) {
  UploadRequest r;
  r.content_range = Range(0, body.size(), std::to_string(body.size()));
  r.body = std::move(body);
  return {r};
}

// Data chunks of `unit` bytes (the last padded), every one non-final, then a final unpadded PUT of
// `tail` (PHP's 13-byte `</ns1:mutate>`, .NET's 9-byte `</mutate>`).
std::vector<UploadRequest> DataThenTail(const std::string& data, const std::string& tail,
                                        size_t unit) {
  std::vector<UploadRequest> out;
  std::string padded = PadToUnit(data);
  for (size_t off = 0; off < padded.size(); off += unit) {
    UploadRequest r;
    r.body = padded.substr(off, unit);
    r.content_range = Range(off, r.body.size(), "*");
    out.push_back(std::move(r));
  }
  UploadRequest last;
  last.body = tail;
  last.content_range = Range(padded.size(), tail.size(), std::to_string(padded.size() + tail.size()));
  out.push_back(std::move(last));
  return out;
}

}  // namespace

const char* DialectName(Dialect d) {
  switch (d) {
    case Dialect::kPython: return "python";
    case Dialect::kJavaAxis: return "java_axis";
    case Dialect::kJavaJaxws: return "java_jaxws";
    case Dialect::kPhp: return "php";
    case Dialect::kRuby: return "ruby";
    case Dialect::kPerl: return "perl";
    case Dialect::kDotnet: return "dotnet";
  }
  return "?";
}

std::string DialectFixture(Dialect d) { return std::string(DialectName(d)) + ".xml"; }

std::string PadToUnit(std::string body, bool always_extra) {
  size_t rem = body.size() % kPadUnit;
  if (rem != 0) {
    body.append(kPadUnit - rem, ' ');
  } else if (always_extra) {
    body.append(kPadUnit, ' ');
  }
  return body;
}

std::vector<UploadRequest> DialectRequests(Dialect d, const std::string& doc) {
  switch (d) {
    case Dialect::kPython:  // single upload, always padded, final total = padded length
      return Single(PadToUnit(doc));
    case Dialect::kJavaAxis:
    case Dialect::kJavaJaxws:  // single upload: one unpadded PUT bytes 0-(N-1)/N
      return Single(doc);
    case Dialect::kPhp: {  // padded data chunks, then a separate 13-byte `</ns1:mutate>`
      const std::string tail = "</ns1:mutate>";
      if (doc.size() < tail.size() || doc.compare(doc.size() - tail.size(), tail.size(), tail) != 0)
        throw std::invalid_argument("php fixture must end with </ns1:mutate>");
      return DataThenTail(doc.substr(0, doc.size() - tail.size()), tail, kPadUnit);
    }
    case Dialect::kRuby: {  // padded single upload; its shared header hash repeats the start header
      auto reqs = Single(PadToUnit(doc));
      reqs[0].extra_headers.emplace_back("x-goog-resumable", "start");
      return reqs;
    }
    case Dialect::kPerl: {  // incremental: two padded chunks of whole operations, the first one
                            // sent twice (the library re-sends each chunk)
      size_t cut = doc.find("</operations>", doc.size() / 2);
      if (cut == std::string::npos) throw std::invalid_argument("perl fixture too small");
      cut += std::string("</operations>").size();
      std::string first = PadToUnit(doc.substr(0, cut));
      std::string second = PadToUnit(doc.substr(cut));
      UploadRequest a;
      a.body = first;
      a.content_range = Range(0, first.size(), "*");
      UploadRequest b;
      b.body = second;
      b.content_range =
          Range(first.size(), second.size(), std::to_string(first.size() + second.size()));
      return {a, a, b};
    }
    case Dialect::kDotnet: {  // stream mode: status query, padded data, separate `</mutate>`
      const std::string tail = "</mutate>";
      std::string data = doc.substr(0, doc.rfind(tail));
      UploadRequest query;
      query.content_range = "bytes */0";
      auto reqs = DataThenTail(data, tail, kPadUnit);
      reqs.insert(reqs.begin(), query);
      return reqs;
    }
  }
  return {};
}

std::vector<UploadRequest> GuideExampleRequests(const std::string& doc) {
  if (doc.size() != 2 * kPadUnit + 17) throw std::invalid_argument("doc must be 524305 bytes");
  std::vector<UploadRequest> out(3);
  out[0].body = doc.substr(0, kPadUnit);
  out[0].content_range = Range(0, kPadUnit, "*");
  out[1].body = doc.substr(kPadUnit, kPadUnit);
  out[1].content_range = Range(kPadUnit, kPadUnit, "*");
  out[2].body = PadToUnit(doc.substr(2 * kPadUnit));
  out[2].content_range = Range(2 * kPadUnit, kPadUnit, std::to_string(3 * kPadUnit));
  return out;
}

}  // namespace bg::testing
