// bench_http: the upload-ingest client of issue 5 ("Benchmarks" 3).
//
//   bench_http upload URL --chunk BYTES --total BYTES --mode gcs|plain [--runs N]
//     gcs:   the resumable protocol of batchgate's uploadUrl: POST x-goog-resumable:start, then
//            PUT chunks with Content-Range to the session Location (308 ... final 200).
//     plain: the same PUT sequence (same sizes, same connection) to URL/<run>-<i> without
//            Content-Range (nginx dav_methods PUT refuses ranges); each PUT stores one file.
// One keep-alive connection; the body bytes come from one buffer (no per-request copy). Prints
// `mb_s=... seconds=...` for the best of N runs, timing from the first PUT to the last reply.
//
//   bench_http floor DIR --chunk BYTES --total BYTES [--runs N]
//     the durability floor of an acknowledged chunk on this disk, without any HTTP: per chunk a
//     pwrite + fdatasync into a file of DIR and one SQLite (WAL, synchronous=FULL) commit of
//     its length, as batchgate does before each 308. Same output format.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/sqlite.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Url {
  std::string host, port, target;
};

bool ParseUrl(const std::string& url, Url& out) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return false;
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = hostport.rfind(':');
  out.host = hostport.substr(0, colon);
  out.port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
  return true;
}

class Client {
 public:
  explicit Client(const Url& u) : stream_(ioc_) {
    tcp::resolver r(ioc_);
    stream_.connect(r.resolve(u.host, u.port));
    stream_.socket().set_option(tcp::no_delay(true));
    host_ = u.host + ":" + u.port;
  }

  // Sends a request with `body` (may be empty); returns the status, fills `location`.
  int Send(http::verb verb, const std::string& target, std::string_view body,
           const std::vector<std::pair<std::string, std::string>>& headers,
           std::string* location = nullptr) {
    http::request<http::span_body<const char>> req{verb, target, 11};
    req.set(http::field::host, host_);
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = boost::span<const char>(body.data(), body.size());
    req.prepare_payload();
    http::write(stream_, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    http::read(stream_, buf_, parser);
    auto& res = parser.get();
    if (location) *location = std::string(res[http::field::location]);
    if (!parser.keep_alive()) reconnect_needed_ = true;
    return res.result_int();
  }
  bool reconnect_needed_ = false;

 private:
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
  std::string host_;
};

}  // namespace

// See the top of the file. Returns the best MB/s of `runs`.
int Floor(const std::string& dir, size_t chunk, size_t total, int runs) {
  std::vector<char> body(chunk, ' ');
  double best = 1e18;
  for (int r = 0; r < runs; ++r) {
    const std::string path = dir + "/floor-" + std::to_string(r);
    auto db = bg::sqlite::Db::Open(path + ".db");
    if (!db.ok()) return std::fprintf(stderr, "%s\n", db.status().ToString().c_str()), 1;
    if (!(*db)->Exec("CREATE TABLE IF NOT EXISTS u(id INTEGER PRIMARY KEY, stored INTEGER);"
                     "INSERT OR REPLACE INTO u VALUES(1, 0)")
             .ok()) {
      return 1;
    }
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return std::perror(path.c_str()), 1;
    auto t0 = std::chrono::steady_clock::now();
    for (size_t off = 0; off < total; off += chunk) {
      size_t n = std::min(chunk, total - off);
      if (::pwrite(fd, body.data(), n, static_cast<off_t>(off)) != static_cast<ssize_t>(n) ||
          ::fdatasync(fd) != 0) {
        return std::perror("write"), 1;
      }
      bg::sqlite::Txn txn(**db);
      auto st = (*db)->Prepare("UPDATE u SET stored = ? WHERE id = 1");
      if (!st.ok() || !st->Bind(1, static_cast<int64_t>(off + n)).Run().ok() ||
          !txn.Commit().ok()) {
        return std::fprintf(stderr, "sqlite commit failed\n"), 1;
      }
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
                              .count());
    ::close(fd);
    ::unlink(path.c_str());
  }
  std::printf("mb_s=%.1f seconds=%.3f\n", total / 1e6 / best, best);
  return 0;
}

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  auto flag = [&](const char* name, const std::string& def) {
    for (size_t i = 0; i + 1 < a.size(); ++i) {
      if (a[i] == name) return a[i + 1];
    }
    return def;
  };
  if (a.size() >= 2 && a[0] == "floor") {
    return Floor(a[1], std::stoull(flag("--chunk", "262144")),
                 std::stoull(flag("--total", "67108864")), std::stoi(flag("--runs", "3")));
  }
  if (a.size() < 2 || a[0] != "upload") {
    std::fprintf(stderr,
                 "usage: bench_http upload URL --chunk B --total B --mode gcs|plain\n"
                 "       bench_http floor DIR --chunk B --total B\n");
    return 64;
  }
  // With --urls-file, each run uses the next URL of the file (a fresh job per run).
  std::vector<std::string> urls;
  if (std::string file = flag("--urls-file", ""); !file.empty()) {
    std::FILE* f = std::fopen(file.c_str(), "r");
    char line[4096];
    while (f && std::fgets(line, sizeof line, f)) {
      std::string s(line);
      while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
      if (!s.empty()) urls.push_back(s);
    }
    if (f) std::fclose(f);
  } else {
    urls.push_back(a[1]);
  }
  const size_t chunk = std::stoull(flag("--chunk", "262144"));
  const size_t total = std::stoull(flag("--total", "67108864"));
  const std::string mode = flag("--mode", "gcs");
  const int runs = std::stoi(flag("--runs", "3"));

  // A valid, nearly empty operations document padded with spaces to `total` bytes.
  std::string head =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><mutate "
      "xmlns=\"https://adwords.google.com/api/adwords/cm/v201702\">";
  std::string tail = "</mutate>";
  std::string doc(total, ' ');
  doc.replace(0, head.size(), head);
  doc.replace(total - tail.size(), tail.size(), tail);

  double best = 1e9;
  for (int run = 0; run < runs; ++run) {
    Url u;
    if (!ParseUrl(urls[static_cast<size_t>(run) % urls.size()], u)) return 64;
    try {
      Client c(u);
      std::string target = u.target;
      if (mode == "gcs") {
        std::string location;
        int st =
            c.Send(http::verb::post, u.target, "",
                   {{"x-goog-resumable", "start"}, {"Content-Type", "application/xml"}}, &location);
        if (st != 201 || location.empty()) {
          std::fprintf(stderr, "start: HTTP %d\n", st);
          return 1;
        }
        Url l;
        if (!ParseUrl(location, l)) return std::fprintf(stderr, "bad Location\n"), 1;
        target = l.target;
      }
      auto t0 = std::chrono::steady_clock::now();
      for (size_t off = 0, i = 0; off < total; off += chunk, ++i) {
        size_t n = std::min(chunk, total - off);
        std::vector<std::pair<std::string, std::string>> h{
            {"Content-Type", "application/octet-stream"}};
        std::string t = target;
        int want = 200;
        if (mode == "gcs") {
          bool last = off + n == total;
          h.push_back({"Content-Range", "bytes " + std::to_string(off) + "-" +
                                            std::to_string(off + n - 1) + "/" +
                                            (last ? std::to_string(total) : "*")});
          want = last ? 200 : 308;
        } else {
          t += "/" + std::to_string(run) + "-" + std::to_string(i);
          want = 201;
        }
        int st = c.Send(http::verb::put, t, std::string_view(doc).substr(off, n), h);
        if (st != want && !(mode == "plain" && st == 204)) {
          std::fprintf(stderr, "PUT %zu: HTTP %d (expected %d)\n", i, st, want);
          return 1;
        }
      }
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      best = std::min(best, s);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 1;
    }
  }
  std::printf("mb_s=%.1f seconds=%.3f chunk=%zu total=%zu\n", total / 1e6 / best, best, chunk,
              total);
  return 0;
}
