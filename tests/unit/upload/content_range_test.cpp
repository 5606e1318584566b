#include "upload/content_range.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bg::upload {
namespace {

struct Good {
  std::string text;
  std::optional<int64_t> first, last, total;
};

TEST(ContentRangeTest, ParsesEveryForm) {
  const std::vector<Good> cases = {
      {"bytes 0-262143/*", 0, 262143, std::nullopt},
      {"bytes 262144-524287/*", 262144, 524287, std::nullopt},
      {"bytes 524288-524304/524305", 524288, 524304, 524305},
      {"bytes 0-0/1", 0, 0, 1},
      {"bytes 0-262143/524288", 0, 262143, 524288},  // .NET non-stream: total on every chunk
      {"bytes */*", std::nullopt, std::nullopt, std::nullopt},
      {"bytes */0", std::nullopt, std::nullopt, 0},  // .NET resume query
      {"bytes */524305", std::nullopt, std::nullopt, 524305},
      {"Bytes 1-2/3", 1, 2, 3},
      {"BYTES 1-2/*", 1, 2, std::nullopt},
      {"  bytes   5-9/10  ", 5, 9, 10},
      {"\tbytes\t5-9/*", 5, 9, std::nullopt},
      {"bytes 999999999999999998-999999999999999998/999999999999999999", 999999999999999998,
       999999999999999998, 999999999999999999},
  };
  for (const Good& c : cases) {
    auto r = ParseContentRange(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(r->first, c.first) << c.text;
    EXPECT_EQ(r->last, c.last) << c.text;
    EXPECT_EQ(r->total, c.total) << c.text;
    EXPECT_EQ(r->is_query(), !c.first.has_value()) << c.text;
    if (c.first) EXPECT_EQ(r->length(), *c.last - *c.first + 1) << c.text;
  }
}

TEST(ContentRangeTest, RejectsMalformedValues) {
  const std::vector<std::string> bad = {
      "",
      "bytes",
      "bytes ",
      "byte 0-1/2",
      "bits 0-1/2",
      "0-1/2",
      "bytes=0-1/2",
      "bytes 0-1",
      "bytes 0-1/",
      "bytes /2",
      "bytes -1/2",
      "bytes 0-/2",
      "bytes 0-*/*",  // Node's "unknown end" form is not used by the AdWords clients
      "bytes 1-0/*",  // A > B
      "bytes 0-2/2",  // B >= T
      "bytes 0-1/0",
      "bytes -1-5/*",
      "bytes +1-5/*",
      "bytes 0 -5/*",
      "bytes 0- 5/*",
      "bytes 0-5 /*",
      "bytes 0-5/ *",
      "bytes 0x1-5/*",
      "bytes 0-5/**",
      "bytes 0-5/*/*",
      "bytes 0-1-2/*",
      "bytes */-1",
      "bytes */1e3",
      "bytes 0-9999999999999999999/*",  // would overflow int64
      "bytes 1.5-2/*",
  };
  for (const std::string& text : bad) {
    auto r = ParseContentRange(text);
    EXPECT_FALSE(r.ok()) << "'" << text << "' parsed";
    if (!r.ok()) EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

}  // namespace
}  // namespace bg::upload
