// ResultDiff: compares replayed results with archived ones, operation by operation, and maps the
// ids the gateway assigned to the ids in the archive instead of flagging them (docs/replay.md,
// "Diff rules").
//
//  * Results pair up by <index>; both documents must list them in ascending order (as the
//    service writes them). An index on one side only is a difference.
//  * A result against errors (or the reverse) is one difference naming both outcomes.
//  * Otherwise the two trees are compared by element name (the n-th `x` with the n-th `x`; the
//    order of different names does not matter), with their xsi:type; leaf text must be equal.
//    `X.Type` markers are skipped (they repeat xsi:type).
//  * Id fields — `long` fields named `id` or `…Id` in the version's schema — are matched through
//    an IdMap: per id kind, the first pairing of an archived id with a replayed one is recorded,
//    and every later occurrence must keep to it in both directions (a bijection per kind). The
//    kind of `id` is the type that declares it (Keyword.id and Placement.id are both Criterion
//    ids); of `xId` it is X (`budgetId` -> Budget, `parentCriterionId` -> Criterion). Ids the
//    upload names itself (positive values: existing entities, location ids) are pinned: they
//    must come back unchanged.
//  * Fields matching an --ignore pattern are skipped. A pattern matches the dotted path of a
//    field below the rval (`result.Campaign.startDate`, `errorList.errors.trigger`) at its end,
//    on a segment boundary; `*` matches any run of characters (`startDate`, `Campaign.*Date`).
//
// Memory: the IdMap grows with the ids of one job; differences are counted, and only the first
// `max_listed` are kept. Not thread-safe: one ResultDiff per job.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "client/results_reader.hpp"
#include "common/status.hpp"
#include "schema/registry.hpp"

namespace bg::client {

struct Difference {
  int64_t index = -1;    // operation index; -1 when not tied to one
  std::string path;      // below the rval, e.g. "result.Campaign.name"; "" for the whole result
  std::string archived;  // what the archive says ("" when absent there)
  std::string replayed;  // what the gateway returned ("" when absent)
  std::string note;      // e.g. "missing in the replay", "id mapping conflict"
};

class IdMap {
 public:
  // Ids the upload names itself: they map to themselves only.
  void Pin(std::string id) { pinned_.insert(std::move(id)); }
  // Records or checks archived <-> replayed for `kind`; nullopt when consistent, else why not.
  std::optional<std::string> Match(const std::string& kind, const std::string& archived,
                                   const std::string& replayed);
  size_t size() const { return pairs_; }

 private:
  std::unordered_set<std::string> pinned_;
  std::map<std::string, std::unordered_map<std::string, std::string>> forward_, backward_;
  size_t pairs_ = 0;
};

struct DiffOptions {
  std::vector<std::string> ignore;  // patterns, see above
  size_t max_listed = 20;
};

// True when `pattern` matches the dotted `path` as described above (exposed for tests).
bool IgnorePatternMatches(std::string_view pattern, std::string_view path);

class ResultDiff {
 public:
  // `registry` (may be null: ids are then not recognised) must outlive the diff.
  ResultDiff(const schema::Registry* registry, DiffOptions options);

  IdMap& ids() { return ids_; }
  void Compare(const ResultEntry& archived, const ResultEntry& replayed);
  void OnlyArchived(const ResultEntry& archived);
  void OnlyReplayed(const ResultEntry& replayed);
  // A difference that concerns the whole job (e.g. "the archive is not in index order").
  void Add(Difference d);

  size_t count() const { return count_; }
  const std::vector<Difference>& listed() const { return listed_; }

 private:
  void Tree(const XmlTree& a, const XmlTree& b, const std::string& path, std::string_view type,
            int64_t index);
  void Leaf(const XmlTree& a, const XmlTree& b, const std::string& path, std::string_view owner,
            int64_t index);
  bool Ignored(const std::string& path) const;
  std::string IdKind(std::string_view owner, std::string_view field) const;

  const schema::Registry* registry_;
  DiffOptions options_;
  IdMap ids_;
  size_t count_ = 0;
  std::vector<Difference> listed_;
};

// A one-line description of a result's outcome: "Campaign" or "errors CampaignError.X, …".
std::string DescribeOutcome(const XmlTree& rval);

}  // namespace bg::client
