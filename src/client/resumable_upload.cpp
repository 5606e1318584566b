#include "client/resumable_upload.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace bg::client {
namespace {

const HeaderList kXmlType = {{"Content-Type", "application/xml"}};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string Describe(const HttpResponse& r) {
  std::string body = r.body.substr(0, 300);
  std::replace(body.begin(), body.end(), '\n', ' ');
  return "HTTP " + std::to_string(r.status) + (body.empty() ? "" : ": " + body);
}

// "https://h:p/x?y" + "/s?t" -> "https://h:p/s?t"; absolute locations stay as they are.
std::string Resolve(const std::string& base, const std::string& location) {
  if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) return location;
  size_t scheme = base.find("://");
  size_t path = base.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return base.substr(0, path) + location;
}

// The pause before retry `n` (1-based): Retry-After when the server sent one, else 100 ms
// doubling up to 5 s.
std::chrono::milliseconds Backoff(int n, const HttpResponse* r) {
  if (r != nullptr) {
    std::string after = r->Header("Retry-After");
    if (!after.empty() && std::all_of(after.begin(), after.end(), ::isdigit) && after.size() < 4) {
      return std::chrono::seconds(std::stoi(after));
    }
  }
  return std::chrono::milliseconds(std::min(5000, 100 << std::min(n - 1, 6)));
}

bool Retryable(const Result<HttpResponse>& r) {
  if (!r.ok()) return r.status().code() == StatusCode::kUnavailable;
  return r->status >= 500;
}

}  // namespace

uint64_t StoredBytes(const HttpResponse& response) {
  std::string range = response.Header("Range");  // bytes=0-N
  size_t dash = range.find('-');
  if (range.rfind("bytes=0-", 0) != 0 || dash + 1 >= range.size()) return 0;
  return std::stoull(range.substr(dash + 1)) + 1;
}

Result<int> UploadFile(HttpClient& http, const std::string& upload_url, const std::string& path,
                       const UploadPlan& plan, const UploadOptions& options) {
  Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) return NotFound("cannot open " + path + ": " + std::strerror(errno));
  int requests = 0, failures = 0;
  auto fail_or_wait = [&](const Result<HttpResponse>& r, const std::string& what) -> Status {
    std::string why = r.ok() ? Describe(*r) : r.status().message();
    if (!Retryable(r) || ++failures > options.max_retries) {
      return FailedPrecondition(what + ": " + why);
    }
    std::this_thread::sleep_for(Backoff(failures, r.ok() ? &*r : nullptr));
    return Status::Ok();
  };

  std::string session;
  for (;;) {
    HeaderList h = kXmlType;
    h.emplace_back("x-goog-resumable", "start");
    Result<HttpResponse> r = http.Send("POST", upload_url, h, "");
    ++requests;
    if (r.ok() && r->status / 100 == 2 && r->HasHeader("Location")) {
      session = Resolve(upload_url, r->Header("Location"));
      break;
    }
    if (r.ok() && r->status / 100 == 2) return FailedPrecondition("start: no Location header");
    BG_RETURN_IF_ERROR(fail_or_wait(r, "start of the resumable upload"));
  }

  uint64_t offset = 0;
  std::string body;
  bool complete = false;
  while (!complete) {
    const size_t index = plan.PieceAt(offset);
    const UploadPiece& piece = plan.pieces[index];
    const bool last = index + 1 == plan.pieces.size();
    BG_RETURN_IF_ERROR(ReadPiece(file.fd, piece, offset, &body));
    HeaderList h = kXmlType;
    h.emplace_back("Content-Range", "bytes " + std::to_string(offset) + "-" +
                                        std::to_string(offset + body.size() - 1) + "/" +
                                        (last ? std::to_string(plan.total) : "*"));
    Result<HttpResponse> r = http.Send("PUT", session, h, body);
    ++requests;
    if (r.ok() && (r->status == 200 || r->status == 201) && last) {
      complete = true;
      offset = plan.total;
    } else if (r.ok() && r->status == 308 && !last) {
      const uint64_t stored = StoredBytes(*r);
      if (stored <= offset) {
        BG_RETURN_IF_ERROR(fail_or_wait(r, "chunk not stored"));
      } else {
        failures = 0;  // max_retries counts failures in a row
      }
      offset = std::max(offset, stored);
    } else if (r.ok() && r->status < 500 && !(r->status == 308 && last)) {
      return FailedPrecondition("upload of bytes " + std::to_string(offset) + "-: " + Describe(*r));
    } else {
      BG_RETURN_IF_ERROR(fail_or_wait(r, "upload of bytes " + std::to_string(offset) + "-"));
      // Where does the session stand? (a status query: empty body, bytes */*)
      HeaderList q = kXmlType;
      q.emplace_back("Content-Range", "bytes */*");
      Result<HttpResponse> s = http.Send("PUT", session, q, "");
      ++requests;
      if (s.ok() && (s->status == 200 || s->status == 201)) {
        complete = true;
        offset = plan.total;
      } else if (s.ok() && s->status == 308) {
        offset = StoredBytes(*s);
      } else {
        BG_RETURN_IF_ERROR(fail_or_wait(s, "status query of the upload"));
      }
    }
    if (options.progress) options.progress(offset, plan.total);
  }
  return requests;
}

}  // namespace bg::client
