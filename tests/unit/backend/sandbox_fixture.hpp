// Shared fixture of the sandbox unit tests: a real SQLite file in a temp dir, the sandbox backend,
// helpers that build operands and apply one operation per committed transaction.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>

#include "backend/backend.hpp"
#include "backend/sandbox/node_codec.hpp"
#include "backend/sandbox/seed.hpp"
#include "backend/sandbox/tables.hpp"

namespace bg::backend {

using model::Node;
using model::Operation;
using sandbox::Kind;

inline constexpr char kCustomer[] = "1234567890";

inline Node Text(std::string type,
                 std::initializer_list<std::pair<std::string, std::string>> fields) {
  Node n(std::move(type));
  for (const auto& [k, v] : fields) n.Add(k, v);
  return n;
}

inline Node Budget(int64_t id, std::string name, int64_t micros = 50000000) {
  Node b = Text("Budget", {{"budgetId", std::to_string(id)}, {"name", name}});
  b.SetChild("amount", Text("Money", {{"microAmount", std::to_string(micros)}}));
  return b;
}

inline Node Campaign(int64_t id, std::string name, int64_t budget_id) {
  Node c = Text("Campaign", {{"id", std::to_string(id)}, {"name", name}, {"status", "PAUSED"}});
  c.SetChild("budget", Text("Budget", {{"budgetId", std::to_string(budget_id)}}));
  c.Set("advertisingChannelType", "SEARCH");
  c.SetChild("biddingStrategyConfiguration",
             Text("BiddingStrategyConfiguration", {{"biddingStrategyType", "MANUAL_CPC"}}));
  return c;
}

inline Node AdGroup(int64_t id, int64_t campaign_id, std::string name) {
  return Text(
      "AdGroup",
      {{"id", std::to_string(id)}, {"campaignId", std::to_string(campaign_id)}, {"name", name}});
}

inline Node Criterion(std::string type, int64_t ad_group_id, std::optional<int64_t> crit_id,
                      std::string text) {
  Node n = Text(std::move(type), {{"adGroupId", std::to_string(ad_group_id)}});
  Node kw("Keyword");
  if (crit_id) kw.SetInt("id", *crit_id);
  if (!text.empty()) {
    kw.Set("text", text);
    kw.Set("matchType", "BROAD");
  }
  n.SetChild("criterion", std::move(kw));
  return n;
}

class SandboxTest : public ::testing::Test {
 protected:
  virtual const char* Version() const { return "v201702"; }
  // Loads a seed document (an <account customerId="1234567890"> body is wrapped for you).
  void Seed(const std::string& account_body) {
    std::string xml = std::string("<account customerId=\"") + kCustomer +
                      "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" + account_body +
                      "</account>";
    auto n = sandbox::SeedText(*db_, xml, "test");
    ASSERT_TRUE(n.ok()) << n.status().ToString();
  }
  // The seeded label 2870001 and feed 51230001 (attributes 1 STRING, 2 URL).
  void SeedLabelAndFeed() {
    Seed(
        "<Label "
        "xsi:type=\"TextLabel\"><id>2870001</id><name>L1</name><status>ENABLED</status></Label>"
        "<Feed><id>51230001</id><name>F1</name><attributes><id>1</id><name>Name</name>"
        "<type>STRING</type></attributes><attributes><id>2</id><name>Url</name><type>URL</type>"
        "</attributes><status>ENABLED</status></Feed>");
  }
  // Budget -1, campaign -2 "c1", ad group -3 "g1" of this job; returns the real ids.
  struct Tree {
    int64_t budget = 0, campaign = 0, ad_group = 0;
  };
  Tree MakeTree() {
    Tree t;
    auto b = Apply("BudgetOperation", "ADD", Budget(-1, "b1"));
    auto c = Apply("CampaignOperation", "ADD", Campaign(-2, "c1", -1));
    auto g = Apply("AdGroupOperation", "ADD", AdGroup(-3, -2, "g1"));
    EXPECT_TRUE(b.errors.empty() && c.errors.empty() && g.errors.empty());
    if (b.result) t.budget = *b.result->Int("budgetId");
    if (c.result) t.campaign = *c.result->Int("id");
    if (g.result) t.ad_group = *g.result->Int("id");
    return t;
  }
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "sandbox_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    registry_ = schema::Registry::Get(Version());
    ASSERT_NE(registry_, nullptr);
    Reopen();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Reopen() {
    db_.reset();
    auto db = sqlite::Db::Open(dir_ + "/bg.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    backend_ = MakeSandboxBackend();
    ASSERT_TRUE(backend_->Init(*db_).ok());
  }

  model::MutateResult Apply(std::string op_type, std::string op, Node operand, int64_t job = 1,
                            int attempt = 0) {
    Operation o;
    o.index = next_index_++;
    o.node = Node(std::move(op_type));
    o.node.Set("operator", std::move(op));
    o.node.SetChild("operand", std::move(operand));
    ExecContext ctx{job, kCustomer, registry_, 1489000000000, &o, attempt};
    sqlite::Txn txn(*db_);
    EXPECT_TRUE(txn.status().ok());
    auto r = backend_->Apply(txn, ctx, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(txn.Commit().ok());
    return r.ok() ? std::move(r).value() : model::MutateResult{};
  }

  int64_t Count(Kind kind) {
    sqlite::Txn txn(*db_);
    sandbox::Tables t(*db_, kCustomer, 1);
    auto n = t.Count(kind);
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  static std::string Errors(const model::MutateResult& r) {
    std::string s;
    for (const auto& e : r.errors) {
      s += e.type + "." + e.reason + "@" + e.field_path;
      if (!e.trigger.empty()) s += "[" + e.trigger + "]";
      s += ";";
    }
    return s;
  }

  std::string dir_;
  const schema::Registry* registry_ = nullptr;
  std::unique_ptr<sqlite::Db> db_;
  std::unique_ptr<Backend> backend_;
  int64_t next_index_ = 0;
};

}  // namespace bg::backend
