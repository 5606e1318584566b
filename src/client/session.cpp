#include "client/session.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

namespace bg::client {

std::string FormatCustomerId(uint64_t digits) {
  std::string d = std::to_string(digits % 10000000000ULL);
  d.insert(0, 10 - d.size(), '0');
  return d.substr(0, 3) + "-" + d.substr(3, 3) + "-" + d.substr(6);
}

uint64_t RandomCustomerId() {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> d(1000000000ULL, 8999999999ULL);
  return d(rd);
}

Result<std::unique_ptr<ClientSession>> ClientSession::Open(const GatewayFlags& flags) {
  std::unique_ptr<ClientSession> s(new ClientSession());
  s->flags_ = flags;
  if (flags.gateway.empty()) {
    EmbeddedGatewayOptions o;
    o.data_dir = flags.data_dir;
    o.config_file = flags.config_file;
    o.seed_files = flags.seed_files;
    o.fixed_date = flags.sandbox_date;
    BG_ASSIGN_OR_RETURN(s->embedded_, EmbeddedGateway::Start(o));
    s->gateway_ = s->embedded_->base_url();
  } else {
    BG_RETURN_IF_ERROR(ParseUrl(flags.gateway).status());
    s->gateway_ = flags.gateway;
    while (!s->gateway_.empty() && s->gateway_.back() == '/') s->gateway_.pop_back();
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/batchgate-results-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return Internal("cannot create a temporary directory: " + std::string(std::strerror(errno)));
  }
  s->scratch_ = tmpl;
  return s;
}

ClientSession::~ClientSession() {
  std::error_code ec;
  if (!scratch_.empty()) std::filesystem::remove_all(scratch_, ec);
}

JobRunOptions ClientSession::RunOptions() const {
  JobRunOptions o;
  o.gateway = gateway_;
  o.credentials.developer_token = flags_.developer_token;
  o.credentials.bearer = flags_.bearer;
  o.credentials.user_agent = "batchgate-client";
  if (!flags_.customer.empty()) o.credentials.customer_id = flags_.customer;
  o.version = flags_.version;
  o.http.ca_file = flags_.ca_file;
  o.chunk_bytes = flags_.chunk_bytes;
  o.timeout = std::chrono::seconds(flags_.timeout_seconds);
  o.results_dir = scratch_;
  return o;
}

}  // namespace bg::client
