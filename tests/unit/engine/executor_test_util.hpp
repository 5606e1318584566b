// Helpers shared by executor_test.cpp and scheduler_test.cpp: a real JobStore in a temp dir,
// uploads in the Python client's dialect, a results-document reader (expat), and backend
// wrappers that fail on purpose.
#pragma once

#include <expat.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "backend/sandbox/tables.hpp"
#include "common/clock.hpp"
#include "store/job_store.hpp"

namespace bg::engine::testing {

inline constexpr char kCustomer[] = "1234567890";

inline std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = ::testing::TempDir() + prefix + "_XXXXXX";
  EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
  return tmpl;
}

// The Python client's upload: default namespace, Operation.Type markers, space padding.
inline std::string PythonUpload(const std::vector<std::string>& operations, size_t pad = 300) {
  std::string s =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mutate "
      "xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
  for (const auto& op : operations) s += op;
  s += "</mutate>";
  s.append(pad, ' ');
  return s;
}

inline std::string Op(const std::string& type, const std::string& op, const std::string& operand,
                      const std::string& operand_type = "") {
  std::string s = "<operations xsi:type=\"" + type + "\"><operator>" + op +
                  "</operator><Operation.Type>" + type + "</Operation.Type><operand";
  if (!operand_type.empty()) s += " xsi:type=\"" + operand_type + "\"";
  return s + ">" + operand + "</operand></operations>";
}

inline std::string BudgetAdd(int id, const std::string& name) {
  return Op("BudgetOperation", "ADD",
            "<budgetId>" + std::to_string(id) + "</budgetId><name>" + name +
                "</name><amount><microAmount>50000000</microAmount></amount>"
                "<deliveryMethod>STANDARD</deliveryMethod>");
}

inline std::string CampaignAdd(int id, const std::string& name, int budget) {
  return Op("CampaignOperation", "ADD",
            "<id>" + std::to_string(id) + "</id><name>" + name +
                "</name><status>PAUSED</status><budget><budgetId>" + std::to_string(budget) +
                "</budgetId></budget><advertisingChannelType>SEARCH</advertisingChannelType>"
                "<biddingStrategyConfiguration><biddingStrategyType>MANUAL_CPC"
                "</biddingStrategyType></biddingStrategyConfiguration>");
}

inline std::string AdGroupAdd(int id, int campaign, const std::string& name) {
  return Op("AdGroupOperation", "ADD",
            "<id>" + std::to_string(id) + "</id><campaignId>" + std::to_string(campaign) +
                "</campaignId><name>" + name + "</name><status>ENABLED</status>");
}

inline std::string KeywordAdd(int ad_group, const std::string& text) {
  return Op("AdGroupCriterionOperation", "ADD",
            "<adGroupId>" + std::to_string(ad_group) +
                "</adGroupId><criterion xsi:type=\"Keyword\"><text>" + text +
                "</text><matchType>BROAD</matchType></criterion><userStatus>ENABLED</userStatus>",
            "BiddableAdGroupCriterion");
}

// One <rval> of a results document.
struct Rval {
  int64_t index = -1;
  std::string element;              // result choice element, empty when errors
  std::vector<std::string> errors;  // "Type.REASON@fieldPath"
};

struct ResultsDoc {
  bool well_formed = false;
  std::string root;
  std::vector<Rval> rvals;
};

inline ResultsDoc ParseResults(const std::string& xml) {
  struct State {
    ResultsDoc doc;
    std::vector<std::string> path;
    std::string text;
    std::string err_type, err_reason, err_path;
  } st;
  XML_Parser p = XML_ParserCreate(nullptr);
  XML_SetUserData(p, &st);
  XML_SetElementHandler(
      p,
      [](void* ud, const XML_Char* name, const XML_Char**) {
        auto* s = static_cast<State*>(ud);
        std::string n = name;
        if (s->path.empty()) s->doc.root = n;
        if (n == "rval" && s->path.size() == 1) s->doc.rvals.emplace_back();
        if (s->path.size() == 3 && s->path[2] == "result") s->doc.rvals.back().element = n;
        s->path.push_back(n);
        s->text.clear();
      },
      [](void* ud, const XML_Char*) {
        auto* s = static_cast<State*>(ud);
        std::string n = s->path.back();
        if (n == "index" && s->path.size() == 3) s->doc.rvals.back().index = std::stoll(s->text);
        if (s->path.size() == 5 && s->path[3] == "errors") {
          if (n == "ApiError.Type") s->err_type = s->text;
          if (n == "reason") s->err_reason = s->text;
          if (n == "fieldPath") s->err_path = s->text;
        }
        if (n == "errors" && s->path.size() == 4) {
          s->doc.rvals.back().errors.push_back(s->err_type + "." + s->err_reason + "@" +
                                               s->err_path);
          s->err_type.clear(), s->err_reason.clear(), s->err_path.clear();
        }
        s->path.pop_back();
        s->text.clear();
      });
  XML_SetCharacterDataHandler(p, [](void* ud, const XML_Char* t, int len) {
    static_cast<State*>(ud)->text.append(t, static_cast<size_t>(len));
  });
  st.doc.well_formed =
      XML_Parse(p, xml.data(), static_cast<int>(xml.size()), XML_TRUE) == XML_STATUS_OK;
  XML_ParserFree(p);
  return st.doc;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A store with the sandbox tables, in its own temp dir.
struct Env {
  std::string dir;
  std::unique_ptr<store::JobStore> store;
  std::unique_ptr<backend::Backend> sandbox;

  explicit Env(const std::string& name) : dir(MakeTempDir(name)) {
    store::StoreOptions opts;
    opts.data_dir = dir;
    auto s = store::JobStore::Open(opts);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store = std::move(s).value();
    sandbox = backend::MakeSandboxBackend();
    EXPECT_TRUE(sandbox->Init(store->db()).ok());
  }
  ~Env() {
    store.reset();
    std::filesystem::remove_all(dir);
  }

  // A job whose whole upload is `bytes` (ACTIVE).
  int64_t JobWithUpload(const std::string& bytes) {
    auto jobs = store->CreateJobs(kCustomer, "v201702", 1, NowMs());
    EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
    int64_t id = (*jobs)[0].id;
    {
      std::ofstream out(store->UploadPath(id), std::ios::binary);
      out << bytes;
    }
    auto n = static_cast<int64_t>(bytes.size());
    auto committed = store->CommitUpload(id, n, n);
    EXPECT_TRUE(committed.ok()) << committed.status().ToString();
    EXPECT_EQ(committed->status, model::JobStatus::kActive);
    return id;
  }

  model::BatchJob Job(int64_t id) {
    auto j = store->GetJobInternal(id);
    EXPECT_TRUE(j.ok());
    return j.ok() ? *j : model::BatchJob{};
  }

  // Entities of `kind` (a sandbox table kind name) of every customer, as the sandbox reads them
  // (rows and packs).
  int64_t CountEntities(const std::string& kind) {
    auto k = backend::sandbox::KindFromName(kind);
    EXPECT_TRUE(k.has_value()) << kind;
    if (!k) return -1;
    sqlite::Txn txn(store->db());
    auto customers = backend::sandbox::Tables(store->db(), "", 0).Customers();
    EXPECT_TRUE(customers.ok());
    if (!customers.ok()) return -1;
    int64_t n = 0;
    for (const std::string& c : *customers) {
      auto count = backend::sandbox::Tables(store->db(), c, 0).Count(*k);
      EXPECT_TRUE(count.ok());
      n += count.ok() ? *count : 0;
    }
    return n;
  }
};

// Delegates to `inner`; every Apply after the first `ok_calls` ones fails internally.
class FailingBackend : public backend::Backend {
 public:
  FailingBackend(backend::Backend* inner, int ok_calls) : inner_(inner), ok_calls_(ok_calls) {}
  Status Init(sqlite::Db& db) override { return inner_->Init(db); }
  Result<model::MutateResult> Apply(sqlite::Txn& txn, const backend::ExecContext& ctx,
                                    const model::Operation& op) override {
    if (calls_++ >= ok_calls_) return Internal("injected failure");
    return inner_->Apply(txn, ctx, op);
  }
  Status OnRejected(sqlite::Txn& txn, const backend::ExecContext& ctx,
                    const model::Operation& op) override {
    return inner_->OnRejected(txn, ctx, op);
  }
  std::atomic<int> calls_{0};

 private:
  backend::Backend* inner_;
  int ok_calls_;
};

}  // namespace bg::engine::testing
