// Helpers of the operator tests (tls, auth, observability, packaging): run the batchgate binary
// to completion, and run one sample job through a gateway the way a client library does.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "integration/adwords_client.hpp"

namespace bg::testing {

// Runs BG_BINARY with `args` (and `env` added to the inherited environment) to completion;
// returns the exit status and, when `output` is set, everything it wrote to stdout and stderr.
// Killed after 60 s.
int RunBatchgate(const std::vector<std::string>& args, std::string* output = nullptr,
                 const std::vector<std::pair<std::string, std::string>>& env = {});

// Creates a job, uploads fixtures/uploads/java_axis.xml as the Java library does and polls it to
// DONE; the final JobView, or one whose `fault` says what went wrong. 6 operations, 5 succeed.
JobView RunSampleJob(const AdWordsClient& client);

}  // namespace bg::testing
