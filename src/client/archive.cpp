#include "client/archive.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>

namespace bg::client {
namespace fs = std::filesystem;

namespace {

bool IsXmlFile(const fs::path& p) { return p.extension() == ".xml"; }

Result<std::string> String(const toml::node& node, const std::string& key) {
  if (const auto* s = node.as_string()) return s->get();
  return InvalidArgument("job.toml: '" + key + "' must be a string");
}

}  // namespace

Status ReadJobToml(const std::string& path, ArchivedJob* job) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::Ok();
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(path + ": " + std::string(e.description()));
  }
  for (const auto& [k, node] : table) {
    const std::string key(k.str());
    if (key == "version") {
      BG_ASSIGN_OR_RETURN(job->version, String(node, key));
    } else if (key == "customer") {
      BG_ASSIGN_OR_RETURN(job->customer, String(node, key));
    } else if (key == "description") {
      BG_ASSIGN_OR_RETURN(job->description, String(node, key));
    } else if (key == "status") {
      BG_ASSIGN_OR_RETURN(job->expected_status, String(node, key));
      if (job->expected_status != "DONE" && job->expected_status != "CANCELED") {
        return InvalidArgument(path + ": 'status' must be \"DONE\" or \"CANCELED\"");
      }
    } else if (key == "ignore") {
      const toml::array* list = node.as_array();
      if (list == nullptr) return InvalidArgument(path + ": 'ignore' must be a list of strings");
      for (const toml::node& item : *list) {
        const auto* s = item.as_string();
        if (s == nullptr) return InvalidArgument(path + ": 'ignore' must be a list of strings");
        job->ignore.push_back(s->get());
      }
    } else {
      return InvalidArgument(path + ": unknown key '" + key + "'");
    }
  }
  return Status::Ok();
}

ArchiveWalker::ArchiveWalker(std::vector<std::string> paths) : paths_(std::move(paths)) {}

ArchivedJob ArchiveWalker::Folder(const std::string& dir) {
  ArchivedJob job;
  job.name = dir;
  job.upload = (fs::path(dir) / "upload.xml").string();
  std::error_code ec;
  fs::path results = fs::path(dir) / "results.xml";
  if (fs::is_regular_file(results, ec)) job.results = results.string();
  Status s = ReadJobToml((fs::path(dir) / "job.toml").string(), &job);
  if (!s.ok()) job.problem = s.message();
  return job;
}

std::optional<ArchivedJob> ArchiveWalker::Visit(const std::string& path, bool top_level) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (fs::is_directory(st)) {
    if (fs::is_regular_file(fs::path(path) / "upload.xml", ec)) return Folder(path);
    Dir d;
    for (const fs::directory_entry& e : fs::directory_iterator(path, ec)) {
      d.entries.push_back(e.path().string());
    }
    std::sort(d.entries.begin(), d.entries.end());
    stack_.push_back(std::move(d));
    return std::nullopt;
  }
  if (fs::is_regular_file(st) && (top_level || IsXmlFile(path))) {
    ArchivedJob job;
    job.name = path;
    job.upload = path;
    return job;
  }
  if (top_level) {
    ArchivedJob job;
    job.name = path;
    job.problem = "no such file or directory";
    return job;
  }
  return std::nullopt;  // not an upload (README, logs, ...)
}

std::optional<ArchivedJob> ArchiveWalker::Next() {
  for (;;) {
    std::optional<ArchivedJob> job;
    if (!stack_.empty()) {
      Dir& top = stack_.back();
      if (top.next == top.entries.size()) {
        stack_.pop_back();
        continue;
      }
      std::string entry = top.entries[top.next++];
      job = Visit(entry, false);
    } else if (next_path_ < paths_.size()) {
      job = Visit(paths_[next_path_++], true);
    } else {
      return std::nullopt;
    }
    if (job) {
      job->ordinal = ordinal_++;
      return job;
    }
  }
}

}  // namespace bg::client
