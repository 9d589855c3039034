// `models import --xgboost FILE` of a model trained in Python with the XGBoost package.
#include <gtest/gtest.h>

#include "base/sha256.h"
#include "cli_fleet.h"
#include "cli_runner.h"

namespace edgeloop::cli_test {
namespace {

using nlohmann::json;

// Trains 5 trees on 200 seeded random rows with named features and saves them as JSON.
constexpr char kTrainInPython[] = R"(
import numpy as np
import xgboost as xgb
rng = np.random.default_rng(11)
x = rng.normal(size=(200, 3))
y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(float)
names = ["vib_de_rms__mean", "bearing_temp__slope", "flow__mean"]
d = xgb.DMatrix(x, label=y, feature_names=names)
booster = xgb.train({"objective": "binary:logistic", "max_depth": 3, "nthread": 1, "seed": 1},
                    d, num_boost_round=5)
booster.save_model("python_model.json")
)";

TEST(EdgeloopModelsImport, XgboostJsonFromPythonKeepsFeatureNamesAndKind) {
  TempDir dir("py");
  const CommandResult probe =
      RunCommand({EDGELOOP_PYTHON, "-c", "import numpy, xgboost"}, dir.path());
  if (probe.exit_code != 0) {
    GTEST_SKIP() << EDGELOOP_PYTHON << " cannot import xgboost and numpy (Debian packages "
                 << "python3-xgboost, python3-numpy; scripts/install-deps.sh installs them)\n"
                 << probe.Describe();
  }
  const CommandResult python = RunCommand({EDGELOOP_PYTHON, "-c", kTrainInPython}, dir.path());
  ASSERT_EQ(python.exit_code, 0) << python.Describe();
  const std::string model_bytes = ReadText(dir.Sub("python_model.json"));
  ASSERT_FALSE(model_bytes.empty());

  const CommandResult import = RunEdgeloop({"models", "import", "--name", "py-pump", "--xgboost",
                                            "python_model.json", "--home", "home", "--json"},
                                           dir.path());
  ASSERT_EQ(import.exit_code, 0) << import.Describe();

  const CommandResult show =
      RunEdgeloop({"models", "show", "py-pump", "--home", "home", "--json"}, dir.path());
  ASSERT_EQ(show.exit_code, 0) << show.Describe();
  const json doc = JsonOut(show);
  ASSERT_TRUE(doc.contains("version") && doc["version"].is_object()) << show.Describe();
  const json& version = doc["version"];
  EXPECT_EQ(version.value("model", ""), "py-pump");
  EXPECT_EQ(version.value("version", 0), 1);
  EXPECT_EQ(version.value("kind", ""), "xgboost:binary:logistic");
  EXPECT_EQ(version.value("feature_names", json::array()),
            json::array({"vib_de_rms__mean", "bearing_temp__slope", "flow__mean"}))
      << version.dump(2);
  // Stored byte for byte: the digest is the file's.
  EXPECT_EQ(version.value("model_digest", ""), Sha256Hex(model_bytes));
  EXPECT_EQ(doc.value("model_artifact_present", false), true);
  EXPECT_TRUE(doc.contains("run") && doc["run"].is_null()) << "not made by a run\n"
                                                           << show.Describe();
}

TEST(EdgeloopModelsImport, NotAnXgboostModelIsRejectedAndRegistersNothing) {
  TempDir dir("not-xgb");
  ASSERT_TRUE(WriteText(dir.Sub("model.json"), R"({"learner": {"objective": {}}})"));
  const CommandResult import = RunEdgeloop(
      {"models", "import", "--name", "py-pump", "--xgboost", "model.json", "--home", "home"},
      dir.path());
  EXPECT_EQ(import.exit_code, 2) << import.Describe();
  EXPECT_NE(import.err.find("model.json"), std::string::npos) << import.Describe();
  ExpectEmptyWorkspace("home", dir.path());
}

}  // namespace
}  // namespace edgeloop::cli_test
