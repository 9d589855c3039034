#include "edgeloop/cmd_bench.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "edgeloop/testing/capture.h"

namespace edgeloop::app {
namespace {

using testing::Capture;

BenchScoringFlags TinyFlags() {
  BenchScoringFlags flags;
  flags.trees = 6;
  flags.depth = 3;
  flags.features = 4;
  flags.rows = 300;
  flags.seed = 3;
  return flags;
}

TEST(CmdBench, ScoringWritesOneJsonObject) {
  Capture out, err;
  AppContext context;
  context.out = out.file();
  context.err = err.file();
  BenchScoringFlags flags = TinyFlags();
  flags.json = true;
  ASSERT_EQ(RunBenchScoring(context, flags), 0) << err.Text();
  const nlohmann::json doc = nlohmann::json::parse(out.Text());
  EXPECT_EQ(doc["model"]["trees"], 6);
  EXPECT_EQ(doc["model"]["layout"], "perfect");
  EXPECT_EQ(doc["rows"], 300);
  EXPECT_EQ(doc["seed"], 3);
  EXPECT_GT(doc["single_row"]["ours"]["p50_us"].get<double>(), 0);
  EXPECT_GT(doc["single_row"]["xgboost"]["p99_us"].get<double>(), 0);
  EXPECT_GT(doc["batch"]["speedup"].get<double>(), 0);
  EXPECT_TRUE(doc["parity"]["ok"].get<bool>());
}

TEST(CmdBench, ScoringPrintsTableAndRejectsBadFlags) {
  Capture out, err;
  AppContext context;
  context.out = out.file();
  context.err = err.file();
  ASSERT_EQ(RunBenchScoring(context, TinyFlags()), 0) << err.Text();
  const std::string table = out.Text();
  EXPECT_NE(table.find("single row, p50"), std::string::npos) << table;
  EXPECT_NE(table.find("batch, per row"), std::string::npos) << table;
  EXPECT_NE(table.find("parity"), std::string::npos) << table;

  BenchScoringFlags bad = TinyFlags();
  bad.depth = 0;
  EXPECT_EQ(RunBenchScoring(context, bad), 2);
  EXPECT_NE(err.Text().find("depth 0"), std::string::npos) << err.Text();
}

}  // namespace
}  // namespace edgeloop::app
