#include "io/assets_reader.h"

#include <gtest/gtest.h>

#include "io/internal/temp_dir.h"

namespace edgeloop::io {
namespace {

class AssetsFiles : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    const std::string path = dir_.File("assets.csv");
    EXPECT_TRUE(fs_.WriteFileAtomic(path, text).ok());
    return path;
  }
  internal::TempDir dir_;
  PosixFileSystem fs_;
};

TEST_F(AssetsFiles, ReadsSitesAndTagsSortedById) {
  Result<std::vector<Asset>> assets =
      ReadAssetsCsv(Write("asset,site,tags\n"
                          "P002,south,model=ESP-400;ring=canary\n"
                          "P001,north,\n"
                          "P003,north,\"model=ESP-600; note = a,b \"\n"),
                    fs_);
  ASSERT_TRUE(assets.ok()) << assets.status().ToString();
  ASSERT_EQ(assets->size(), 3u);
  EXPECT_EQ((*assets)[0], (Asset{"P001", "north", {}}));
  EXPECT_EQ((*assets)[1], (Asset{"P002", "south", {{"model", "ESP-400"}, {"ring", "canary"}}}));
  EXPECT_EQ((*assets)[2], (Asset{"P003", "north", {{"model", "ESP-600"}, {"note", "a,b"}}}));
}

TEST_F(AssetsFiles, MalformedLinesNameFileAndLine) {
  const std::string header = "asset,site,tags\n";
  const std::pair<std::string, std::string> cases[] = {
      {"P1,north,model\n", ":2: asset P1: tag 'model' is not key=value"},
      {"P1,north,=x\n", ":2: asset P1: tag '=x' has an empty key"},
      {"P1,north,a=1;a=2\n", ":2: asset P1: tag 'a' given twice"},
      {"P1,north\n", ":2: expected 3 fields, found 2"},
      {",north,\n", ":2: empty asset"},
      {"P1,north,\nP1,south,\n", ":3: asset P1 listed twice (first on line 2)"},
  };
  for (const auto& [body, expected] : cases) {
    Result<std::vector<Asset>> assets = ReadAssetsCsv(Write(header + body), fs_);
    ASSERT_FALSE(assets.ok()) << body;
    EXPECT_EQ(assets.status().message(), dir_.File("assets.csv") + expected);
  }
}

TEST_F(AssetsFiles, WritingThenReadingGivesTheSameAssets) {
  std::vector<Asset> assets = {
      {"P9", "offshore \"B\"", {{"model", "ESP-400"}, {"fluid", "oil,water"}}},
      {"P1", "north", {}},
  };
  const std::string path = dir_.File("out.csv");
  ASSERT_TRUE(WriteAssetsCsv(assets, path, fs_).ok());
  Result<std::vector<Asset>> read = ReadAssetsCsv(path, fs_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0], assets[1]);
  EXPECT_EQ((*read)[1], assets[0]);
}

TEST_F(AssetsFiles, WriterRefusesTagsThatCannotBeReadBack) {
  Status status = WriteAssetsCsv({{"P1", "north", {{"a;b", "1"}}}}, dir_.File("x.csv"), fs_);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs_.Exists(dir_.File("x.csv")));
  EXPECT_FALSE(FormatTags({{"k", "v;w"}}).ok());
  EXPECT_EQ(*FormatTags({{"site", "north"}, {"model", "ESP-400"}}), "model=ESP-400;site=north");
}

}  // namespace
}  // namespace edgeloop::io
