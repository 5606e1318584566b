// Product partition trees (AdGroupCriterion with a ProductPartition criterion): one root per ad
// group, children only under a SUBDIVISION, siblings share one dimension type and never repeat a
// case value, a subdivision keeps its "everything else" child (the case value without a value)
// while it has other children, and removing a subdivision removes its subtree.
#include "backend/sandbox/ops.hpp"

namespace bg::backend::sandbox {
namespace {

constexpr char kError[] = "AdGroupCriterionError";

const model::Node* Partition(const Entity& e) {
  const model::Node* crit = e.node.Child("criterion");
  return crit != nullptr && crit->type() == "ProductPartition" ? crit : nullptr;
}

// The dimension type of a case value: its runtime type plus the `type` field of the dimensions
// that have levels (ProductBiddingCategory, ProductType, ProductCustomAttribute).
std::string DimensionType(const model::Node& v) {
  return v.type() + "/" + std::string(v.Text("type").value_or(""));
}

// The case value itself; "" for the "everything else" case.
std::string DimensionValue(const model::Node& v) {
  std::string out;
  for (const auto& f : v.fields()) {
    if (f.name == "type" || f.child) continue;
    out += f.name + "=" + f.text + ";";
  }
  return out;
}

struct Tree {
  std::vector<Entity> live;  // live product partitions of the ad group
};

Result<Tree> LoadTree(OpCtx& c, int64_t ad_group) {
  BG_ASSIGN_OR_RETURN(std::vector<Entity> all, c.t.List(Kind::kCriterion, ad_group));
  Tree t;
  for (auto& e : all) {
    if (!IsRemoved(e) && Partition(e) != nullptr) t.live.push_back(std::move(e));
  }
  return t;
}

}  // namespace

Status CheckProductPartitionAdd(OpCtx& c, int64_t ad_group, model::Node& crit) {
  bool negative = c.operand.type() == "NegativeAdGroupCriterion";
  std::string_view ptype = crit.Text("partitionType").value_or("");
  if (ptype.empty()) return Required(c, "criterion.partitionType");
  if (ptype != "SUBDIVISION" && ptype != "UNIT") {
    return ApiErr(kError, "INVALID_PRODUCT_PARTITION_TYPE", c.Path("criterion.partitionType"),
                  std::string(ptype));
  }
  if (negative && ptype == "SUBDIVISION") {
    return ApiErr(kError, "INVALID_PRODUCT_PARTITION_TYPE", c.Path("criterion.partitionType"),
                  std::string(ptype));
  }
  BG_ASSIGN_OR_RETURN(Tree tree, LoadTree(c, ad_group));
  if (!crit.Has("parentCriterionId")) {
    if (crit.Child("caseValue") != nullptr) {
      return ApiErr(kError, "INVALID_PRODUCT_PARTITION_HIERARCHY", c.Path("criterion.caseValue"));
    }
    for (const Entity& e : tree.live) {
      if (!Partition(e)->Has("parentCriterionId")) {
        return ApiErr(kError, "PRODUCT_PARTITION_ALREADY_EXISTS", c.Path("criterion"));
      }
    }
    return Status::Ok();
  }
  std::string parent_path = c.Path("criterion.parentCriterionId");
  std::optional<int64_t> parent_ref = crit.Int("parentCriterionId");
  if (!parent_ref) return ApiErr("EntityNotFound", "INVALID_ID", parent_path);
  BG_ASSIGN_OR_RETURN(Entity parent, Resolve(c, Kind::kCriterion, *parent_ref,
                                             "criterion.parentCriterionId", ad_group));
  const model::Node* pp = Partition(parent);
  if (IsRemoved(parent)) return ApiErr("EntityNotFound", "INVALID_ID", parent_path);
  if (pp == nullptr) return ApiErr(kError, "INVALID_PRODUCT_PARTITION_HIERARCHY", parent_path);
  if (pp->Text("partitionType") != std::optional<std::string_view>("SUBDIVISION")) {
    return ApiErr(kError, "PRODUCT_PARTITION_UNIT_CANNOT_HAVE_CHILDREN", parent_path,
                  std::to_string(parent.id));
  }
  crit.SetInt("parentCriterionId", parent.id);
  const model::Node* value = crit.Child("caseValue");
  if (value == nullptr) return Required(c, "criterion.caseValue");
  for (const Entity& e : tree.live) {
    const model::Node* sib = Partition(e);
    if (sib->Int("parentCriterionId") != std::optional<int64_t>(parent.id)) continue;
    const model::Node* sv = sib->Child("caseValue");
    if (sv == nullptr) continue;
    if (DimensionType(*sv) != DimensionType(*value)) {
      return ApiErr(kError, "PRODUCT_PARTITION_REQUIRES_SAME_DIMENSION_TYPE_AS_SIBLINGS",
                    c.Path("criterion.caseValue"));
    }
    if (DimensionValue(*sv) == DimensionValue(*value)) {
      return ApiErr(kError, "PRODUCT_PARTITION_ALREADY_EXISTS", c.Path("criterion.caseValue"));
    }
  }
  return Status::Ok();
}

Status CheckProductPartitionRemove(OpCtx& c, int64_t ad_group, const Entity& e) {
  const model::Node* p = Partition(e);
  BG_ASSIGN_OR_RETURN(Tree tree, LoadTree(c, ad_group));
  std::optional<int64_t> parent = p->Int("parentCriterionId");
  const model::Node* value = p->Child("caseValue");
  if (parent && value != nullptr && DimensionValue(*value).empty()) {
    // The "everything else" case stays while its subdivision has other children.
    for (const Entity& s : tree.live) {
      if (s.id != e.id && Partition(s)->Int("parentCriterionId") == parent) {
        return ApiErr(kError, "PRODUCT_PARTITION_SUBDIVISION_REQUIRES_OTHERS_CASE",
                      c.Path("criterion.id"), std::to_string(e.id));
      }
    }
  }
  // Remove the subtree below `e` (the caller removes `e` itself).
  std::vector<int64_t> frontier{e.id};
  while (!frontier.empty()) {
    int64_t id = frontier.back();
    frontier.pop_back();
    for (Entity& s : tree.live) {
      if (IsRemoved(s) || Partition(s)->Int("parentCriterionId") != std::optional<int64_t>(id)) {
        continue;
      }
      s.status = "REMOVED";
      if (s.node.type() != "NegativeAdGroupCriterion") s.node.Set("userStatus", "REMOVED");
      BG_RETURN_IF_ERROR(c.t.Save(s));
      frontier.push_back(s.id);
    }
  }
  return Status::Ok();
}

}  // namespace bg::backend::sandbox
