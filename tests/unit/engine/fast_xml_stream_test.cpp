// The fast XmlStream engine against expat (tests/support/xml_engines_diff.hpp): on every input
// here it either gives up or yields exactly expat's events, and it does not give up on what the
// client libraries really upload.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support/xml_engines_diff.hpp"

namespace bg::engine {
namespace {

using testing::DiffEngines;
using testing::EngineRun;
using testing::RunEngine;

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::filesystem::path> Files(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

const char kSample[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
    "<ns1:mutate xmlns:ns1=\"https://adwords.google.com/api/adwords/cm/v201702\" "
    "xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'>\r\n"
    " <!-- a comment -->\n"
    " <operations xsi:type=\"ns1:AdGroupCriterionOperation\"><operator>ADD</operator>"
    "<operand xsi:type=\"BiddableAdGroupCriterion\"><adGroupId>-3</adGroupId>"
    "<criterion xsi:type = \"Keyword\"><text>caf\xC3\xA9 &amp; &#x4E2D;&#25991; \xF0\x9F\x9A\x80"
    "</text><matchType><![CDATA[BR\r\nOAD]]></matchType></criterion>"
    "<bid xsi:nil=\"true\"/><userStatus>ENABLED\r</userStatus></operand></operations>\n"
    " <?pi some data?>\n"
    "</ns1:mutate>\n<!-- after -->  \n";

TEST(FastXmlStreamTest, SameEventsAsExpatOnASample) {
  bool accepted = false;
  EXPECT_EQ(DiffEngines(kSample, &accepted), "");
  EXPECT_TRUE(accepted);
  EngineRun fast = RunEngine(kSample, XmlEngine::kFast);
  // Line ends normalized, entities and references decoded, CDATA delivered, nil seen.
  EXPECT_NE(fast.log.find("\"BR\nOAD\""), std::string::npos) << fast.log;
  EXPECT_NE(fast.log.find("\"ENABLED\n\""), std::string::npos) << fast.log;
  EXPECT_NE(fast.log.find("caf\xC3\xA9 & \xE4\xB8\xAD\xE6\x96\x87"), std::string::npos);
  EXPECT_NE(fast.log.find("<bid||nil>"), std::string::npos);
  EXPECT_NE(fast.log.find("<criterion|Keyword|>"), std::string::npos);
}

TEST(FastXmlStreamTest, AcceptsEveryClientDialect) {
  for (const auto& dir : {std::string(BG_FIXTURES_DIR) + "/uploads"}) {
    for (const auto& f : Files(dir)) {
      if (f.extension() != ".xml") continue;
      std::string doc = ReadFile(f);
      bool accepted = false;
      EXPECT_EQ(DiffEngines(doc, &accepted), "") << f;
      EXPECT_TRUE(accepted) << f << ": the fast engine gave up on a real dialect";
    }
  }
}

TEST(FastXmlStreamTest, EveryCorpusFileAgrees) {
  for (const auto& f : Files(std::string(BG_FIXTURES_DIR) + "/corpus")) {
    EXPECT_EQ(DiffEngines(ReadFile(f)), "") << f;
  }
}

// Inputs that expat rejects or that the fast engine leaves to it: it must never accept them.
TEST(FastXmlStreamTest, NeverAcceptsWhatExpatRejects) {
  const std::vector<std::string> bad = {
      "<a>x]]>y</a>", "<a>\x01</a>", "<a>\xC0\xAF</a>", "<a>\xED\xA0\x80</a>",
      "<a>\xEF\xBF\xBE</a>", "<a>\xF4\x90\x80\x80</a>", "<a>&foo;</a>", "<a>&#0;</a>",
      "<a>&#x110000;</a>", "<a>&#X41;</a>", "<a>&#;</a>", "<a b='1' b='2'/>", "<a b='1'c='2'/>",
      "<a b='<'/>", "<a></b>", "<a>", "<a/><b/>", "x<a/>", "<a/>x", "<!DOCTYPE a><a/>",
      " <?xml version='1.0'?><a/>", "<?xml version='1.0' encoding='ISO-8859-1'?><a>\xE9</a>",
      "<?xml version='1.1'?><a/>", "<?xml  ?><a/>", "<a><!-- -- --></a>", "<a><?xml x?></a>",
      "<a><![CDATA[x</a>", "<![CDATA[x]]><a/>", "<\xC3\xA9/>", "<a \xC3\xA9='1'/>", "",
      "\xEF\xBB\xBF\xEF\xBB\xBF<a/>", "<a>\r", "<1a/>", "<a>&amp</a>", "</a>",
  };
  for (const std::string& doc : bad) {
    bool accepted = false;
    EXPECT_EQ(DiffEngines(doc, &accepted), "") << doc;
    EXPECT_FALSE(accepted) << "accepted: " << doc;
  }
}

TEST(FastXmlStreamTest, EdgeCasesItHandlesAgree) {
  const std::vector<std::string> good = {
      "<a/>", "\xEF\xBB\xBF<a/>", "<?xml version='1.0'?><a/>", "<?xml version=\"1.0\" "
      "standalone='yes' ?>\n<a/>", "<a>\r\n\r\r\n</a>", "<a b=\"x\r\ny\tz\"/>",
      "<a b='&lt;&#65;&#x42;'/>", "<a>x]y]]z</a>", "<a>]</a>", "<a><![CDATA[]]></a>",
      "<a><![CDATA[]]]]></a>", "<a></a >", "<a\n/>", "<p:a xmlns:p='u' p:type='q:T'/>",
      "<a type='T' xsi:type='U'/>", "<a xmlns:type='x'/>", "<a nil='1'/>", "<a><!----></a>",
      "<?pi?><a/><?pi x?>", "<a>&apos;&quot;&gt;</a>", "<a>\xC2\x80\xF0\x90\x80\x80</a>",
  };
  for (const std::string& doc : good) {
    bool accepted = false;
    EXPECT_EQ(DiffEngines(doc, &accepted), "") << doc;
    EXPECT_TRUE(accepted) << doc;
  }
}

TEST(FastXmlStreamTest, EveryTruncationOfASampleAgrees) {
  std::string doc = kSample;
  for (size_t n = 0; n <= doc.size(); ++n) {
    EXPECT_EQ(DiffEngines(doc.substr(0, n)), "") << n;
  }
}

// Tokens across the 256 KiB window of the fast engine: white space before the root moves every
// byte of the sample over the boundary in turn.
TEST(FastXmlStreamTest, TokensAcrossWindowBoundariesAgree) {
  std::string body = std::string(kSample).substr(std::string(kSample).find("<ns1:mutate"));
  for (size_t shift = 0; shift < body.size(); ++shift) {
    std::string doc(XmlStream::kBlockSize - shift, ' ');
    doc += body;
    bool accepted = false;
    ASSERT_EQ(DiffEngines(doc, &accepted), "") << shift;
    EXPECT_TRUE(accepted) << shift;
  }
}

TEST(FastXmlStreamTest, RandomMutationsAgree) {
  std::vector<std::string> seeds = {kSample};
  for (const auto& f : Files(std::string(BG_FIXTURES_DIR) + "/uploads")) {
    if (f.extension() != ".xml") continue;
    seeds.push_back(ReadFile(f).substr(0, 4000));
  }
  const std::string specials = "<>&;'\"/!?[]-=\r\n\t \x80\xC3\xEF\xBF\xF0:x#";
  std::mt19937 rng(20261202);
  int accepted_count = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string doc = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits && !doc.empty(); ++k) {
      size_t at = rng() % doc.size();
      switch (rng() % 4) {
        case 0:
          doc[at] = specials[rng() % specials.size()];
          break;
        case 1:
          doc.insert(at, 1, specials[rng() % specials.size()]);
          break;
        case 2:
          doc.erase(at, 1 + rng() % 8);
          break;
        default:
          doc.insert(at, doc.substr(rng() % doc.size(), 1 + rng() % 16));
          break;
      }
    }
    bool accepted = false;
    ASSERT_EQ(DiffEngines(doc, &accepted), "") << doc;
    accepted_count += accepted;
  }
  EXPECT_GT(accepted_count, 100);  // the mutations exercise the accepting paths too
}

}  // namespace
}  // namespace bg::engine
