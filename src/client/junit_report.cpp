// The JUnit XML sink of report.hpp: one <testcase> per replayed job, <failure> when its results
// differ or its status / operations are not what was expected, <error> when the client could
// not complete it. Test cases stream to FILE.part; Finish() writes FILE with the counts and
// renames it into place.
#include <filesystem>
#include <fstream>

#include "client/report.hpp"
#include "common/xml_writer.hpp"

namespace bg::client {
namespace {

class JUnitReport final : public ReportSink {
 public:
  JUnitReport(std::string path, std::ofstream part)
      : path_(std::move(path)), part_path_(path_ + ".part"), part_(std::move(part)) {}

  ~JUnitReport() override {
    if (!finished_) {
      part_.close();
      std::error_code ec;
      std::filesystem::remove(part_path_, ec);
    }
  }

  void Job(const JobReport& r) override {
    std::string xml;
    xml::XmlWriter w(&xml);
    w.Start("testcase");
    w.Attribute("classname", "batchgate.replay");
    w.Attribute("name", r.name);
    w.Attribute("time", FormatSeconds(r.seconds, 3));
    if (!r.passed()) {
      const bool error = !r.failure.empty();
      w.Start(error ? "error" : "failure");
      w.Attribute("message", r.Outcome());
      w.Attribute("type", error                           ? "client"
                          : r.status != r.expected_status ? "status"
                          : r.compared                    ? "diff"
                                                          : "operations");
      w.Text(JobText(r, 0, true));
      w.End();
      ++(error ? errors_ : failures_);
    }
    w.Start("system-out");
    w.Text(JobText(r, 0, false));
    w.End();
    w.End();
    xml.push_back('\n');
    part_ << xml;
    ++tests_;
  }

  Status Finish(const RunTotals& t) override {
    part_.close();
    if (!part_) return Internal("cannot write " + part_path_);
    const std::string tmp = path_ + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      std::string head;
      xml::XmlWriter w(&head);
      w.Declaration();
      head.push_back('\n');
      w.Start("testsuites");
      w.Attribute("name", "batchgate replay");
      Counts(w, t);
      w.Raw("\n");
      w.Start("testsuite");
      w.Attribute("name", "replay " + t.gateway);
      Counts(w, t);
      w.Raw("\n");
      out << head;
      std::ifstream in(part_path_, std::ios::binary);
      out << in.rdbuf();
      out << "</testsuite>\n</testsuites>\n";
      out.close();
      if (!out) return Internal("cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path_, ec);
    if (ec) return Internal("cannot write " + path_ + ": " + ec.message());
    std::filesystem::remove(part_path_, ec);
    finished_ = true;
    return Status::Ok();
  }

 private:
  void Counts(xml::XmlWriter& w, const RunTotals& t) const {
    w.Attribute("tests", std::to_string(tests_));
    w.Attribute("failures", std::to_string(failures_));
    w.Attribute("errors", std::to_string(errors_));
    w.Attribute("time", FormatSeconds(t.seconds, 3));
  }

  std::string path_, part_path_;
  std::ofstream part_;
  int64_t tests_ = 0, failures_ = 0, errors_ = 0;
  bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<ReportSink>> MakeJUnitReport(const std::string& path) {
  std::ofstream part(path + ".part", std::ios::binary | std::ios::trunc);
  if (!part) return Internal("cannot write " + path + ".part");
  return std::unique_ptr<ReportSink>(new JUnitReport(path, std::move(part)));
}

}  // namespace bg::client
