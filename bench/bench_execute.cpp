// bench_execute: the execution benchmark of issue 5 ("Benchmarks" 1 and 2).
//
//   bench_execute gen FILE --ops N | --bytes B   writes an upload in the Python client's dialect:
//       per campaign one budget, one campaign, 10 ad groups, ~99 keywords per ad group
//       (1M ops = 1k campaigns, 10k ad groups, ~988k keywords)
//   bench_execute parse FILE                     pugixml alone parses the same bytes (in memory)
//   bench_execute read FILE                      the op reader alone (parse + typing), no execution
//   bench_execute run FILE [--batch N] [--null]
//       a fresh JobStore + sandbox, one ACTIVE job whose upload is FILE (hard-linked or copied),
//       Executor::Run to DONE: prints ops, seconds, ops/s and the peak RSS of the process.
//       --null replaces the sandbox by a backend that echoes each operand as its result without
//       touching SQLite: the engine's own cost (scan, parse, validate, results, checkpoints).
//   bench_execute floor --ops N [--batch N]
//       what one SQLite row per operation costs by itself: N inserts of a 100-byte blob into a
//       table with nothing but an integer key, committed every `batch` rows (the executor's
//       batch size) through the same Db (WAL, synchronous=FULL, checkpoints on a thread of
//       their own as in the job store); no XML, no results.
// Output: one line of key=value pairs (bench/run.sh turns them into the table).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "common/clock.hpp"
#include "common/sqlite.hpp"
#include "common/wal_checkpointer.hpp"
#include "engine/executor.hpp"
#include "engine/op_reader.hpp"
#include "schema/registry.hpp"
#include "store/job_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

long PeakRssKb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

class Gen {
 public:
  explicit Gen(std::FILE* out) : out_(out) {}
  void Raw(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), out_);
    bytes_ += s.size();
  }
  void Op(const char* type, const std::string& operand, const char* operand_type = nullptr) {
    std::string s = "<operations xsi:type=\"";
    s += type;
    s += "\"><operator>ADD</operator><Operation.Type>";
    s += type;
    s += "</Operation.Type><operand";
    if (operand_type) (s += " xsi:type=\"") += operand_type, s += "\"";
    s += ">";
    s += operand;
    s += "</operand></operations>\n";
    Raw(s);
    ++ops_;
  }
  uint64_t bytes_ = 0;
  uint64_t ops_ = 0;

 private:
  std::FILE* out_;
};

int Generate(const std::string& path, uint64_t max_ops, uint64_t max_bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return std::perror(path.c_str()), 1;
  std::vector<char> buf(1 << 20);
  std::setvbuf(f, buf.data(), _IOFBF, buf.size());
  Gen g(f);
  g.Raw(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mutate "
      "xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n");
  auto more = [&] {
    return (max_ops == 0 || g.ops_ < max_ops) && (max_bytes == 0 || g.bytes_ < max_bytes);
  };
  int64_t temp = -1;
  // 1000 operations per campaign: budget, campaign, 10 x (ad group + 98 or 99 keywords).
  for (int c = 0; more(); ++c) {
    int64_t budget = temp--, campaign = temp--;
    g.Op("BudgetOperation", "<budgetId>" + std::to_string(budget) +
                                "</budgetId><name>bench budget " + std::to_string(c) +
                                "</name><amount><microAmount>50000000</microAmount></amount>"
                                "<deliveryMethod>STANDARD</deliveryMethod>");
    g.Op("CampaignOperation",
         "<id>" + std::to_string(campaign) + "</id><name>bench campaign " + std::to_string(c) +
             "</name><status>PAUSED</status><budget><budgetId>" + std::to_string(budget) +
             "</budgetId></budget><advertisingChannelType>SEARCH</advertisingChannelType>"
             "<biddingStrategyConfiguration><biddingStrategyType>MANUAL_CPC"
             "</biddingStrategyType></biddingStrategyConfiguration>");
    for (int a = 0; a < 10 && more(); ++a) {
      int64_t group = temp--;
      g.Op("AdGroupOperation", "<id>" + std::to_string(group) + "</id><campaignId>" +
                                   std::to_string(campaign) + "</campaignId><name>bench group " +
                                   std::to_string(a) + "</name><status>ENABLED</status>");
      int keywords = a < 2 ? 98 : 99;  // 2 + 10 + 2*98 + 8*99 = 1000
      for (int k = 0; k < keywords && more(); ++k) {
        g.Op("AdGroupCriterionOperation",
             "<adGroupId>" + std::to_string(group) +
                 "</adGroupId><criterion xsi:type=\"Keyword\"><text>mars cruise " +
                 std::to_string(c) + " " + std::to_string(a) + " " + std::to_string(k) +
                 "</text><matchType>BROAD</matchType></criterion>"
                 "<userStatus>ENABLED</userStatus>",
             "BiddableAdGroupCriterion");
      }
    }
  }
  g.Raw("</mutate>\n");
  std::fclose(f);
  std::printf("ops=%llu bytes=%llu\n", static_cast<unsigned long long>(g.ops_),
              static_cast<unsigned long long>(g.bytes_));
  return 0;
}

int Parse(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  size_t size = static_cast<size_t>(in.tellg());
  in.seekg(0);
  // One buffer read once; every timed parse works on a fresh copy of it (pugixml parses in place).
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  double best = 1e9;
  for (int i = 0; i < 2; ++i) {
    pugi::xml_document doc;
    void* copy = pugi::get_memory_allocation_function()(size);
    std::memcpy(copy, bytes.data(), size);
    auto t0 = Clock::now();
    pugi::xml_parse_result r = doc.load_buffer_inplace_own(copy, size);
    double s = Seconds(t0);
    if (!r) return std::fprintf(stderr, "pugixml: %s\n", r.description()), 1;
    best = std::min(best, s);
  }
  std::printf("parse_s=%.3f bytes=%zu mb_s=%.1f\n", best, size, size / 1e6 / best);
  return 0;
}

// The op reader alone (no execution): operations per second of parsing + typing.
int Read(const std::string& path) {
  const bg::schema::Registry* reg = bg::schema::Registry::Get("v201702");
  auto size = std::filesystem::file_size(path);
  auto t0 = Clock::now();
  auto reader = bg::engine::OpReader::Open(path, size, *reg);
  if (!reader.ok()) return std::fprintf(stderr, "%s\n", reader.status().ToString().c_str()), 1;
  uint64_t n = 0;
  while (true) {
    auto op = (*reader)->Next();
    if (!op.ok()) return std::fprintf(stderr, "%s\n", op.status().ToString().c_str()), 1;
    if (!*op) break;
    ++n;
  }
  double s = Seconds(t0);
  std::printf("read_s=%.3f ops=%llu mb_s=%.1f\n", s, static_cast<unsigned long long>(n),
              size / 1e6 / s);
  return 0;
}

// Echoes the operand (with an id) as the result; no storage.
class NullBackend : public bg::backend::Backend {
 public:
  bg::Status Init(bg::sqlite::Db&) override { return bg::Status::Ok(); }
  bg::Result<bg::model::MutateResult> Apply(bg::sqlite::Txn&, const bg::backend::ExecContext& ctx,
                                            const bg::model::Operation& op) override {
    bg::model::MutateResult r;
    if (const bg::model::Node* operand = op.operand()) {
      r.result = *operand;
      r.result_element = ctx.registry->OperandElementFor(operand->type());
    }
    return r;
  }
};

int Run(const std::string& path, int batch, bool null_backend) {
  std::string dir = std::filesystem::temp_directory_path() / "bg_bench_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) return std::perror("mkdtemp"), 1;
  bg::store::StoreOptions opts;
  opts.data_dir = dir;
  opts.upload_quota_bytes = 0;
  auto store = bg::store::JobStore::Open(opts);
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
  std::unique_ptr<bg::backend::Backend> sandbox =
      null_backend ? std::make_unique<NullBackend>() : bg::backend::MakeSandboxBackend();
  if (auto s = sandbox->Init((*store)->db()); !s.ok()) {
    return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  }
  auto jobs = (*store)->CreateJobs("1234567890", "v201702", 1, bg::NowMs());
  if (!jobs.ok()) return std::fprintf(stderr, "%s\n", jobs.status().ToString().c_str()), 1;
  int64_t id = (*jobs)[0].id;
  std::error_code ec;
  std::filesystem::remove((*store)->UploadPath(id), ec);
  std::filesystem::create_hard_link(path, (*store)->UploadPath(id), ec);
  if (ec) std::filesystem::copy_file(path, (*store)->UploadPath(id));
  auto size = static_cast<int64_t>(std::filesystem::file_size(path));
  if (auto c = (*store)->CommitUpload(id, size, size); !c.ok()) {
    return std::fprintf(stderr, "%s\n", c.status().ToString().c_str()), 1;
  }
  bg::engine::ExecutorOptions eo;
  if (batch > 0) eo.batch_size = batch;
  bg::engine::Executor executor(store->get(), sandbox.get(), eo);
  auto t0 = Clock::now();
  bg::Status s = executor.Run(id);
  double secs = Seconds(t0);
  if (!s.ok()) return std::fprintf(stderr, "run: %s\n", s.ToString().c_str()), 1;
  auto job = (*store)->GetJobInternal(id);
  int64_t ops = job.ok() ? job->progress.num_operations_executed : 0;
  int64_t ok = job.ok() ? job->progress.num_operations_succeeded : 0;
  std::printf("ops=%lld succeeded=%lld run_s=%.3f ops_s=%.0f peak_rss_mb=%.1f status=%s\n",
              static_cast<long long>(ops), static_cast<long long>(ok), secs, ops / secs,
              PeakRssKb() / 1024.0,
              job.ok() ? std::string(bg::model::JobStatusName(job->status)).c_str() : "?");
  store->reset();
  std::filesystem::remove_all(dir, ec);
  return ok == ops ? 0 : 2;
}

int Floor(uint64_t ops, int batch) {
  std::string dir = std::filesystem::temp_directory_path() / "bg_bench_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) return std::perror("mkdtemp"), 1;
  auto fail = [&](const bg::Status& s) {
    std::fprintf(stderr, "floor: %s\n", s.ToString().c_str());
    return 1;
  };
  double secs = 0;
  {
    auto db = bg::sqlite::Db::Open(dir + "/floor.db");
    if (!db.ok()) return fail(db.status());
    if (auto s = (*db)->Exec("CREATE TABLE rows(id INTEGER PRIMARY KEY, node BLOB NOT NULL)");
        !s.ok()) {
      return fail(s);
    }
    // Checkpoints off the inserting thread, as the job store has them.
    auto checkpointer = bg::sqlite::WalCheckpointer::Start(**db, dir + "/floor.db");
    if (!checkpointer.ok()) return fail(checkpointer.status());
    const std::string blob(100, 'x');
    if (batch <= 0) batch = bg::engine::ExecutorOptions().batch_size;
    auto t0 = Clock::now();
    for (uint64_t done = 0; done < ops;) {
      bg::sqlite::Txn txn(**db);
      if (!txn.status().ok()) return fail(txn.status());
      for (int i = 0; i < batch && done < ops; ++i, ++done) {
        auto st = (*db)->Prepare("INSERT INTO rows(id, node) VALUES(?, ?)");
        if (!st.ok()) return fail(st.status());
        st->Bind(1, static_cast<int64_t>(done + 1)).BindBlob(2, blob);
        if (auto s = st->Run(); !s.ok()) return fail(s);
      }
      if (auto s = txn.Commit(); !s.ok()) return fail(s);
    }
    secs = Seconds(t0);
  }
  std::printf("floor_s=%.3f ops=%llu us_per_row=%.2f\n", secs, static_cast<unsigned long long>(ops),
              secs * 1e6 / static_cast<double>(ops));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  auto flag = [&](const char* name, uint64_t def) -> uint64_t {
    for (size_t i = 0; i + 1 < a.size(); ++i) {
      if (a[i] == name) return std::stoull(a[i + 1]);
    }
    return def;
  };
  if (a.size() >= 2 && a[0] == "gen") return Generate(a[1], flag("--ops", 0), flag("--bytes", 0));
  if (a.size() >= 2 && a[0] == "parse") return Parse(a[1]);
  if (a.size() >= 2 && a[0] == "read") return Read(a[1]);
  if (a.size() >= 2 && a[0] == "run") {
    bool null_backend = std::find(a.begin(), a.end(), "--null") != a.end();
    return Run(a[1], static_cast<int>(flag("--batch", 0)), null_backend);
  }
  if (a.size() >= 1 && a[0] == "floor") {
    return Floor(flag("--ops", 1000000), static_cast<int>(flag("--batch", 0)));
  }
  std::fprintf(stderr,
               "usage: bench_execute gen FILE --ops N|--bytes B | parse FILE | read FILE |"
               " run FILE [--batch N] [--null] | floor --ops N [--batch N]\n");
  return 64;
}
