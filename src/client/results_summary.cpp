#include "client/results_summary.hpp"

#include <memory>
#include <optional>

namespace bg::client {

void ResultsSummary::Add(const ResultEntry& e) {
  if (e.ok()) {
    ++succeeded_;
    return;
  }
  ++failed_;
  std::string text;
  if (const XmlTree* list = e.rval.Child("errorList")) {
    for (const XmlTree& err : list->children) {
      std::string type = err.xsi_type.empty() ? err.ChildText("ApiError.Type") : err.xsi_type;
      std::string key = type + "." + err.ChildText("reason");
      ++by_error_[key];
      if (first_failures_.size() >= max_failures_) continue;
      if (!text.empty()) text += "; ";
      text += key;
      std::string path = err.ChildText("fieldPath"), trigger = err.ChildText("trigger");
      if (!path.empty()) text += " @ " + path;
      if (!trigger.empty()) text += " (trigger '" + trigger + "')";
    }
  }
  if (first_failures_.size() < max_failures_) first_failures_.push_back({e.index, text});
}

namespace {

// One side of the merge: the current entry and the reader behind it.
struct Side {
  std::string what;  // "archived results" / "replayed results"
  std::string path;
  std::unique_ptr<ResultsReader> reader;
  std::optional<ResultEntry> current;
  int64_t last_index = -1;
  bool out_of_order = false;

  Status Advance() {
    Result<std::optional<ResultEntry>> n = reader->Next();
    if (!n.ok()) return InvalidArgument(what + " " + path + ": " + n.status().message());
    current = std::move(*n);
    if (current && current->index <= last_index) out_of_order = true;
    if (current) last_index = current->index;
    return Status::Ok();
  }
};

}  // namespace

Status ScanResults(const std::string& replayed_path, const std::string& archived_path,
                   ResultsSummary* summary, ResultDiff* diff) {
  Side replayed;
  replayed.what = "replayed results";
  replayed.path = replayed_path;
  BG_ASSIGN_OR_RETURN(replayed.reader, ResultsReader::Open(replayed_path));
  BG_RETURN_IF_ERROR(replayed.Advance());
  if (archived_path.empty() || diff == nullptr) {
    while (replayed.current) {
      summary->Add(*replayed.current);
      BG_RETURN_IF_ERROR(replayed.Advance());
    }
    return Status::Ok();
  }
  Side archived;
  archived.what = "archived results";
  archived.path = archived_path;
  BG_ASSIGN_OR_RETURN(archived.reader, ResultsReader::Open(archived_path));
  BG_RETURN_IF_ERROR(archived.Advance());
  while (archived.current || replayed.current) {
    if (archived.out_of_order || replayed.out_of_order) {
      Side& bad = archived.out_of_order ? archived : replayed;
      diff->Add({bad.last_index, "", "", "",
                 bad.what + " are not in index order (at index " + std::to_string(bad.last_index) +
                     "): the rest is not compared"});
      while (replayed.current) {
        summary->Add(*replayed.current);
        BG_RETURN_IF_ERROR(replayed.Advance());
      }
      return Status::Ok();
    }
    if (archived.current && replayed.current &&
        archived.current->index == replayed.current->index) {
      diff->Compare(*archived.current, *replayed.current);
      summary->Add(*replayed.current);
      BG_RETURN_IF_ERROR(archived.Advance());
      BG_RETURN_IF_ERROR(replayed.Advance());
    } else if (replayed.current &&
               (!archived.current || replayed.current->index < archived.current->index)) {
      diff->OnlyReplayed(*replayed.current);
      summary->Add(*replayed.current);
      BG_RETURN_IF_ERROR(replayed.Advance());
    } else {
      diff->OnlyArchived(*archived.current);
      BG_RETURN_IF_ERROR(archived.Advance());
    }
  }
  return Status::Ok();
}

}  // namespace bg::client
