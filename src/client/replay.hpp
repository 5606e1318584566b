// `batchgate replay PATH...` and `batchgate submit FILE`: archived jobs through a gateway (see
// docs/replay.md).
//
// replay walks the archive (archive.hpp), runs up to --jobs jobs at a time (job_runner.hpp), each
// on a worker thread with its own connection, shows a ProgressBoard, and hands the JobReports to
// the report sinks in archive order: a finished job waits for the ones before it, and no job
// starts more than 2 x --jobs places ahead of the next report, so memory stays bounded however
// many jobs the archive holds. The gateway is --gateway, or an EmbeddedGateway started for the
// run. Jobs that name no customer (job.toml, --customer) each get an account of their own, new
// for this run, so that jobs replayed in parallel cannot see each other's entities.
//
// submit is one job, no archive: it prints the results summary (counts, errors by Type.REASON,
// the first failing operations) and can keep the downloaded results (--output). Without
// --customer it too acts for an account of its own.
//
// Exit status: 0 when every job passed, 1 when any differs or failed, 2 for bad usage or when
// the run could not start.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bg::client {

// What replay and submit share: where the gateway is and how to talk to it.
struct GatewayFlags {
  std::string gateway;  // "" = start an embedded one
  std::string data_dir;
  std::string config_file;
  std::vector<std::string> seed_files;
  std::string sandbox_date;
  std::string version;
  std::string customer;
  std::string developer_token = "batchgate-client";
  std::string bearer = "batchgate-client";
  std::string ca_file;
  uint64_t chunk_bytes = 262144;
  int timeout_seconds = 1800;
};

struct ReplayFlags {
  std::vector<std::string> paths;
  GatewayFlags gw;
  int jobs = 4;
  std::vector<std::string> ignore;
  size_t max_diffs = 20;
  std::string format = "text";    // text | json
  std::string junit;              // JUnit XML file, "" = none
  std::string save_results;       // keep the downloaded results in this directory
  std::string progress = "auto";  // auto | bars | lines | none
};

int RunReplay(const ReplayFlags& flags);

struct SubmitFlags {
  std::string file;
  GatewayFlags gw;
  std::string output;  // keep the results document here, "" = discard
};

int RunSubmit(const SubmitFlags& flags);

}  // namespace bg::client
