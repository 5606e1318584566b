// The API version an upload is written for, as far as the file itself says: the first
// `…/api/adwords/cm/vNNNNNN` namespace in its first 64 KiB (every client library declares the cm
// namespace on the root element). Used when neither job.toml nor --version names one.
// Pure function of the file; thread-safe.
#pragma once

#include <string>

namespace bg::client {

inline constexpr const char* kDefaultVersion = "v201809";

// "v201702", or "" when the file declares no cm namespace (or cannot be read).
std::string DetectUploadVersion(const std::string& path);

// `explicit_version` when set, else the detected one, else kDefaultVersion.
std::string ChooseVersion(const std::string& explicit_version, const std::string& path);

}  // namespace bg::client
