#include "common/json_writer.hpp"

#include <gtest/gtest.h>

namespace bg {
namespace {

TEST(JsonWriterTest, PlacesCommasAndEscapesStrings) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("id", int64_t{1000000001})
      .Field("name", "a \"quoted\" \\ line\n\x01")
      .Field("ok", true)
      .Key("none")
      .Null();
  w.Key("list").BeginArray().Int(-1).String("x").BeginObject().EndObject().BeginArray().EndArray();
  w.EndArray().Key("empty").BeginObject().EndObject().EndObject();
  EXPECT_EQ(out, R"({"id":1000000001,"name":"a \"quoted\" \\ line\n\u0001","ok":true,"none":null,)"
                 R"("list":[-1,"x",{},[]],"empty":{}})");
}

TEST(JsonWriterTest, JsonStringKeepsUtf8) {
  EXPECT_EQ(JsonString("caf\xc3\xa9\t"), "\"caf\xc3\xa9\\t\"");
}

}  // namespace
}  // namespace bg
