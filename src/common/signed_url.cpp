#include "common/signed_url.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <random>

namespace bg {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr std::string_view kUploadPrefix = "/batchjob/upload/";
constexpr std::string_view kResultsPrefix = "/batchjob/results/";

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '\0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 0xf];
  }
  return out;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool AllLowerHex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (!AllDigits(s) || s.size() > 19) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view TrimSlash(std::string_view base) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return base;
}

std::string_view PurposeName(UrlPurpose p) {
  return p == UrlPurpose::kUpload ? "upload" : "download";
}

std::string Query(int64_t expires_unix, std::string_view sig) {
  return "?expires=" + std::to_string(expires_unix) + "&sig=" + std::string(sig);
}

Status ErrnoStatus(const std::string& what) { return Internal(what + ": " + std::strerror(errno)); }

Result<std::string> ReadKey(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open " + path);
  std::string key;
  char buf[256];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = ErrnoStatus("read " + path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    key.append(buf, static_cast<size_t>(n));
    if (key.size() > 4096) break;
  }
  ::close(fd);
  if (key.size() < 16) return Internal("signing key too short: " + path);
  return key;
}

}  // namespace

std::string RandomHex(size_t n) {
  std::string bytes(n, '\0');
  if (n > 0 &&
      RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
    // The OS CSPRNG failing is not recoverable; never fall back to weak randomness.
    std::abort();
  }
  return Hex(reinterpret_cast<const unsigned char*>(bytes.data()), n);
}

std::string UniqueHex(size_t n) {
  thread_local std::mt19937_64 gen = [] {
    uint64_t seed[4];
    if (RAND_bytes(reinterpret_cast<unsigned char*>(seed), sizeof seed) != 1) std::abort();
    std::seed_seq seq(reinterpret_cast<uint32_t*>(seed), reinterpret_cast<uint32_t*>(seed + 4));
    return std::mt19937_64(seq);
  }();
  std::string bytes(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t r = gen();
    std::memcpy(bytes.data() + i, &r, std::min<size_t>(8, n - i));
  }
  return Hex(reinterpret_cast<const unsigned char*>(bytes.data()), n);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<UrlSigner> UrlSigner::LoadOrCreate(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Internal("create " + data_dir + ": " + ec.message());
  const std::string path = data_dir + "/signing.key";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno != EEXIST) return ErrnoStatus("create " + path);
    BG_ASSIGN_OR_RETURN(std::string key, ReadKey(path));
    return UrlSigner(std::move(key));
  }
  std::string key(kKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kKeyBytes) != 1) {
    ::close(fd);
    ::unlink(path.c_str());
    return Internal("RAND_bytes failed");
  }
  size_t off = 0;
  while (off < key.size()) {
    ssize_t n = ::write(fd, key.data() + off, key.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = ErrnoStatus("write " + path);
      ::close(fd);
      ::unlink(path.c_str());
      return s;
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status s = ErrnoStatus("fsync " + path);
    ::close(fd);
    return s;
  }
  ::close(fd);
  return UrlSigner(std::move(key));
}

std::string UrlSigner::Sign(UrlPurpose purpose, std::string_view customer_id, int64_t job_id,
                            int64_t expires_unix) const {
  std::string msg;
  msg.append(PurposeName(purpose));
  msg.push_back('|');
  msg.append(customer_id);
  msg.push_back('|');
  msg.append(std::to_string(job_id));
  msg.push_back('|');
  msg.append(std::to_string(expires_unix));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  return Hex(mac, len);
}

bool UrlSigner::Verify(const SignedTarget& t) const {
  return ConstantTimeEquals(Sign(t.purpose, t.customer_id, t.job_id, t.expires_unix), t.signature);
}

std::string UrlSigner::UploadUrl(std::string_view base, std::string_view customer_id,
                                 int64_t job_id, int64_t expires_unix) const {
  std::string url(TrimSlash(base));
  url.append(kUploadPrefix);
  url.append(customer_id);
  url.push_back('/');
  url.append(std::to_string(job_id));
  url.append(Query(expires_unix, Sign(UrlPurpose::kUpload, customer_id, job_id, expires_unix)));
  return url;
}

std::string UrlSigner::SessionUrl(std::string_view base, std::string_view customer_id,
                                  int64_t job_id, int64_t expires_unix,
                                  std::string_view upload_id) const {
  return UploadUrl(base, customer_id, job_id, expires_unix) +
         "&upload_id=" + std::string(upload_id);
}

std::string UrlSigner::DownloadUrl(std::string_view base, std::string_view customer_id,
                                   int64_t job_id, int64_t expires_unix) const {
  std::string url(TrimSlash(base));
  url.append(kResultsPrefix);
  url.append(customer_id);
  url.push_back('/');
  url.append(std::to_string(job_id));
  url.append(".xml");
  url.append(Query(expires_unix, Sign(UrlPurpose::kDownload, customer_id, job_id, expires_unix)));
  return url;
}

std::optional<SignedTarget> ParseSignedTarget(std::string_view target) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view path = target.substr(0, q);
  std::string_view query = target.substr(q + 1);

  SignedTarget t;
  if (path.starts_with(kUploadPrefix)) {
    t.purpose = UrlPurpose::kUpload;
    path.remove_prefix(kUploadPrefix.size());
  } else if (path.starts_with(kResultsPrefix)) {
    t.purpose = UrlPurpose::kDownload;
    path.remove_prefix(kResultsPrefix.size());
    if (!path.ends_with(".xml")) return std::nullopt;
    path.remove_suffix(4);
  } else {
    return std::nullopt;
  }
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view customer = path.substr(0, slash);
  std::string_view job = path.substr(slash + 1);
  if (!AllDigits(customer) || customer.size() > 20) return std::nullopt;
  auto job_id = ParseInt64(job);
  if (!job_id) return std::nullopt;
  t.customer_id = std::string(customer);
  t.job_id = *job_id;

  bool have_expires = false, have_sig = false;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (key == "expires") {
      auto v = ParseInt64(value);
      if (!v || have_expires) return std::nullopt;
      t.expires_unix = *v;
      have_expires = true;
    } else if (key == "sig") {
      if (!AllLowerHex(value) || value.size() != 64 || have_sig) return std::nullopt;
      t.signature = std::string(value);
      have_sig = true;
    } else if (key == "upload_id") {
      if (t.purpose != UrlPurpose::kUpload || t.upload_id || !AllLowerHex(value) ||
          value.size() > 128) {
        return std::nullopt;
      }
      t.upload_id = std::string(value);
    }
    // Other parameters are ignored: they are not covered by the signature and change nothing.
  }
  if (!have_expires || !have_sig) return std::nullopt;
  return t;
}

}  // namespace bg
