// The edge scorer against XGBoost's own predict, on 10,000 rows with missing values, for a model
// trained by `edgeloop train` (XGBoost's C API is the peer) and for one trained in Python with
// Debian's python3-xgboost and brought in with `edgeloop models import` (Python's predict is the
// peer). Scores must agree within 1e-6.
#include <gtest/gtest.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/strings.h"
#include "cli_fleet.h"
#include "cli_runner.h"
#include "models/tree_ensemble.h"

namespace edgeloop::cli_test {
namespace {

constexpr size_t kRows = 10000;

std::string ArtifactPath(const std::string& home, const std::string& digest) {
  return home + "/artifacts/sha256/" + digest.substr(0, 2) + "/" + digest;
}

std::unique_ptr<models::TreeEnsembleScorer> Compile(const std::string& json) {
  Result<std::unique_ptr<models::TreeEnsembleScorer>> scorer =
      models::TreeEnsembleScorer::FromXgboostJson(json);
  EXPECT_TRUE(scorer.ok()) << scorer.status().message();
  return scorer.ok() ? std::move(*scorer) : nullptr;
}

// XGBoost's predict through its C API (nthread 1, "cache_id": 0), from the JSON model bytes.
std::vector<float> XgboostPredict(const std::string& model_json, const std::vector<float>& rows,
                                  size_t cols) {
  BoosterHandle booster = nullptr;
  EXPECT_EQ(XGBoosterCreate(nullptr, 0, &booster), 0);
  EXPECT_EQ(XGBoosterLoadModelFromBuffer(booster, model_json.data(), model_json.size()), 0)
      << XGBGetLastError();
  DMatrixHandle matrix = nullptr;
  EXPECT_EQ(XGDMatrixCreateFromMat(rows.data(), rows.size() / cols, cols, NAN, &matrix), 0);
  bst_ulong n = 0;
  const float* out = nullptr;
  EXPECT_EQ(XGBoosterPredict(booster, matrix, 0, 0, 0, &n, &out), 0) << XGBGetLastError();
  std::vector<float> result(out, out + n);
  XGDMatrixFree(matrix);
  XGBoosterFree(booster);
  return result;
}

TEST(ScoringParity, ModelTrainedByEdgeloopMatchesXgboostOn10000Rows) {
  TempDir dir("parity");
  SimulatedFleet fleet = SimulateFleet(dir.path(), SmallFleetFlags());
  ASSERT_GT(fleet.rows, 0) << fleet.sim.Describe();
  ASSERT_TRUE(WriteText(dir.Sub("train.yaml"), SmallTrainConfig("  dir: " + fleet.dir + "\n")));
  const CommandResult train =
      RunEdgeloop({"train", "--config", "train.yaml", "--home", "home", "--json"}, dir.path());
  ASSERT_EQ(train.exit_code, 0) << train.Describe();
  const CommandResult show =
      RunEdgeloop({"models", "show", "pump-failure@challenger", "--home", "home", "--json"}, dir.path());
  ASSERT_EQ(show.exit_code, 0) << show.Describe();
  const std::string digest = JsonOut(show)["version"]["model_digest"].get<std::string>();
  const std::string model_json = ReadText(ArtifactPath(dir.Sub("home"), digest));
  auto scorer = Compile(model_json);
  ASSERT_NE(scorer, nullptr);

  // Rows over the model's whole input space, 5 % missing: parity must not depend on the data.
  const size_t cols = scorer->num_features();
  Random random(2026);
  std::vector<double> rows(kRows * cols);
  for (double& v : rows) v = random.Bernoulli(0.05) ? NAN : random.Uniform(-50.0, 500.0);
  std::vector<float> rows_f(rows.begin(), rows.end());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = rows_f[i];  // the same values for both
  const std::vector<float> expected = XgboostPredict(model_json, rows_f, cols);
  ASSERT_EQ(expected.size(), kRows);
  std::vector<double> batch(kRows);
  scorer->ScoreBatch(rows.data(), kRows, batch.data());
  double max_diff = 0;
  for (size_t r = 0; r < kRows; ++r) {
    max_diff = std::max(max_diff, std::fabs(scorer->Score(&rows[r * cols]) - expected[r]));
    max_diff = std::max(max_diff, std::fabs(batch[r] - expected[r]));
  }
  EXPECT_LE(max_diff, 1e-6);
}

constexpr char kPythonTrainAndPredict[] = R"(
import numpy as np
import xgboost as xgb
rng = np.random.default_rng(5)
x = rng.normal(size=(10000, 12))
x[rng.random(size=x.shape) < 0.05] = np.nan
y = (np.nan_to_num(x[:, 0]) + 0.5 * np.nan_to_num(x[:, 1]) ** 2 - np.nan_to_num(x[:, 2]) > 0.3).astype(float)
names = ["f%d" % i for i in range(12)]
d = xgb.DMatrix(x, label=y, feature_names=names, missing=np.nan)
booster = xgb.train({"objective": "binary:logistic", "max_depth": 6, "nthread": 1, "seed": 3,
                     "eta": 0.1}, d, num_boost_round=120)
booster.save_model("python_model.json")
p = booster.predict(d)
with open("rows.csv", "w") as f:
    for row in x:
        f.write(",".join("" if np.isnan(v) else repr(float(np.float32(v))) for v in row) + "\n")
with open("python_predictions.txt", "w") as f:
    for v in p:
        f.write(repr(float(v)) + "\n")
)";

TEST(ScoringParity, ModelTrainedInPythonAndImportedMatchesPythonPredictOn10000Rows) {
  TempDir dir("parity-py");
  const CommandResult check =
      RunCommand({EDGELOOP_PYTHON, "-c", "import xgboost, numpy"}, dir.path());
  if (check.exit_code != 0) {
    GTEST_SKIP() << EDGELOOP_PYTHON << " cannot import xgboost and numpy (Debian packages "
                 << "python3-xgboost, python3-numpy; scripts/install-deps.sh installs them)";
  }
  const CommandResult python = RunCommand({EDGELOOP_PYTHON, "-c", kPythonTrainAndPredict}, dir.path());
  ASSERT_EQ(python.exit_code, 0) << python.Describe();
  const CommandResult imported = RunEdgeloop(
      {"models", "import", "--name", "py-model", "--xgboost", "python_model.json", "--home", "home",
       "--json"},
      dir.path());
  ASSERT_EQ(imported.exit_code, 0) << imported.Describe();
  const CommandResult show =
      RunEdgeloop({"models", "show", "py-model", "--home", "home", "--json"}, dir.path());
  ASSERT_EQ(show.exit_code, 0) << show.Describe();
  const std::string digest = JsonOut(show)["version"]["model_digest"].get<std::string>();
  auto scorer = Compile(ReadText(ArtifactPath(dir.Sub("home"), digest)));
  ASSERT_NE(scorer, nullptr);
  ASSERT_EQ(scorer->num_features(), 12u);

  const std::vector<std::string> row_lines = SplitLines(ReadText(dir.Sub("rows.csv")));
  const std::vector<std::string> pred_lines = SplitLines(ReadText(dir.Sub("python_predictions.txt")));
  ASSERT_EQ(row_lines.size(), kRows);
  ASSERT_EQ(pred_lines.size(), kRows);
  std::vector<double> row(12);
  double max_diff = 0;
  for (size_t r = 0; r < kRows; ++r) {
    std::vector<std::string_view> fields = Split(row_lines[r], ',');
    ASSERT_EQ(fields.size(), 12u);
    for (size_t c = 0; c < 12; ++c) {
      row[c] = fields[c].empty() ? NAN : ParseDouble(fields[c]).value();
    }
    const double expected = ParseDouble(pred_lines[r]).value();
    max_diff = std::max(max_diff, std::fabs(scorer->Score(row.data()) - expected));
  }
  EXPECT_LE(max_diff, 1e-6);
}

}  // namespace
}  // namespace edgeloop::cli_test
