// A real batchgate server on 127.0.0.1:0 with its own data dir, for one test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace bg::testing {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerProcessOptions o;
    o.data_dir = dir_.Join("data");
    server_ = std::make_unique<ServerProcess>(o);
    ASSERT_TRUE(server_->Start());
  }
  const std::string& base() const { return server_->base_url(); }

  TempDir dir_{"bg_it_"};
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace bg::testing
