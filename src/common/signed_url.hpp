// Signed upload and download URLs (DESIGN.md decision 7).
//
// The uploadUrl and downloadUrl a job hands out are capabilities: they carry the customer, the
// job, an expiry and an HMAC-SHA256 signature (key: a secret generated once into the data dir).
// Layout (path part; `base` is the gateway's public base URL such as http://127.0.0.1:8080):
//   upload:   {base}/batchjob/upload/{customer}/{job}?expires={unix}&sig={hex}
//   session:  the upload URL plus &upload_id={32 hex}   (the Location of the start POST)
//   download: {base}/batchjob/results/{customer}/{job}.xml?expires={unix}&sig={hex}
// Signatures and session ids are compared in constant time.
//
// UrlSigner is immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace bg {

// n random bytes from the OS CSPRNG, hex-encoded (2n characters).
std::string RandomHex(size_t n);
// The same shape from a per-thread generator seeded once from the CSPRNG: for identifiers that
// must be unique, not secret (SOAP requestIds), at a fraction of RandomHex's cost.
std::string UniqueHex(size_t n);
// Constant-time equality of two strings (length leaks, content does not).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

enum class UrlPurpose { kUpload, kDownload };

struct SignedTarget {
  UrlPurpose purpose = UrlPurpose::kUpload;
  std::string customer_id;
  int64_t job_id = 0;
  int64_t expires_unix = 0;
  std::string signature;                 // hex
  std::optional<std::string> upload_id;  // session URLs only
};

class UrlSigner {
 public:
  explicit UrlSigner(std::string secret) : secret_(std::move(secret)) {}
  // Reads <data_dir>/signing.key, or creates it (32 random bytes, mode 0600).
  static Result<UrlSigner> LoadOrCreate(const std::string& data_dir);

  std::string Sign(UrlPurpose purpose, std::string_view customer_id, int64_t job_id,
                   int64_t expires_unix) const;
  bool Verify(const SignedTarget& t) const;

  std::string UploadUrl(std::string_view base, std::string_view customer_id, int64_t job_id,
                        int64_t expires_unix) const;
  std::string SessionUrl(std::string_view base, std::string_view customer_id, int64_t job_id,
                         int64_t expires_unix, std::string_view upload_id) const;
  std::string DownloadUrl(std::string_view base, std::string_view customer_id, int64_t job_id,
                          int64_t expires_unix) const;

 private:
  std::string secret_;
};

// Parses a request target (path?query) of the layout above. nullopt when it is not one.
// Does NOT verify the signature or expiry (UrlSigner::Verify and the caller do).
std::optional<SignedTarget> ParseSignedTarget(std::string_view target);

}  // namespace bg
