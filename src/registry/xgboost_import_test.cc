#include "registry/xgboost_import.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "base/sha256.h"
#include "registry/sqlite_registry.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::registry {
namespace {

using store::testing::TempDir;

// A two-tree model as XGBoost 1.7.4 saves it (trimmed to the fields that matter here).
std::string TinyModel(const std::string& feature_names = R"(["a", "b", "c"])",
                      const std::string& num_feature = R"("3")",
                      const std::string& booster = "gbtree") {
  return R"({"learner": {"attributes": {}, "feature_names": )" + feature_names +
         R"(, "feature_types": [], "gradient_booster": {"model": {"gbtree_model_param":
         {"num_parallel_tree": "1", "num_trees": "2"}, "tree_info": [0, 0], "trees": [
         {"base_weights": [0.148, -1.70, 1.74], "default_left": [1, 0, 0], "id": 0,
          "left_children": [1, -1, -1], "right_children": [2, -1, -1],
          "split_conditions": [0.49, -0.51, 0.52], "split_indices": [0, 0, 0],
          "tree_param": {"num_feature": "3", "num_nodes": "3"}},
         {"base_weights": [0.112, -1.35, 1.38], "default_left": [1, 0, 0], "id": 1,
          "left_children": [1, -1, -1], "right_children": [2, -1, -1],
          "split_conditions": [0.49, -0.40, 0.41], "split_indices": [0, 0, 0],
          "tree_param": {"num_feature": "3", "num_nodes": "3"}}]}, "name": ")" +
         booster + R"("}, "learner_model_param": {"base_score": "5E-1", "num_class": "0",
         "num_feature": )" +
         num_feature + R"(, "num_target": "1"}, "objective": {"name":
         "binary:logistic", "reg_loss_param": {"scale_pos_weight": "1"}}}, "version": [1, 7, 4]})";
}

TEST(XgboostImport, InspectReadsKindAndFeatures) {
  auto info = InspectXgboostJson(TinyModel(), "m.json", {});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->kind, "xgboost:binary:logistic");
  EXPECT_EQ(info->feature_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(info->num_feature, 3);
  EXPECT_EQ(info->num_trees, 2);
}

TEST(XgboostImport, OverrideReplacesFeatureNames) {
  auto info = InspectXgboostJson(TinyModel("[]"), "m.json", {"x", "y", "z"});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->feature_names, (std::vector<std::string>{"x", "y", "z"}));
}

TEST(XgboostImport, RejectsWhatDoesNotFit) {
  struct Case {
    std::string json;
    std::vector<std::string> override_names;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"not json", {}, "not a JSON document"},
      {R"({"version": [1, 7, 4]})", {}, "no \"learner\""},
      {TinyModel("[]"), {}, "no feature names"},
      {TinyModel(), {"x", "y"}, "2 feature names were given but the model has 3"},
      {TinyModel(R"(["a", "b"])"), {}, "2 feature names are in the file"},
      {TinyModel(R"(["a", "b", "c"])", R"("three")"), {}, "num_feature is not a count"},
      {TinyModel(R"(["a", "b", "c"])", R"("3")", "dart"), {}, "booster 'dart'"},
      {R"({"learner": {"gradient_booster": {"model": {}}}})", {}, "model.trees is missing"},
  };
  for (const Case& c : cases) {
    auto info = InspectXgboostJson(c.json, "m.json", c.override_names);
    ASSERT_FALSE(info.ok()) << c.expected;
    EXPECT_EQ(info.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(info.status().message().find(c.expected), std::string::npos)
        << info.status().message();
    EXPECT_EQ(info.status().message().rfind("m.json", 0), 0u) << info.status().message();
  }
}

TEST(XgboostImport, ImportStoresBytesAndRegistersVersion) {
  TempDir dir;
  PosixFileSystem fs;
  const std::string path = dir.Join("m.json");
  ASSERT_TRUE(fs.WriteFileAtomic(path, TinyModel()).ok());
  auto db = store::Database::Open(dir.Join("edgeloop.db"));
  ASSERT_TRUE(db.ok());
  SimulatedClock clock(1767225600000);
  Random random(3);
  auto registry = SqliteRegistry::Open(**db, clock, random);
  ASSERT_TRUE(registry.ok());
  store::ArtifactStore artifacts(dir.Join("artifacts"), fs);

  XgboostImport request{"pump-failure", path, {}, 0.5, "imported from the lab"};
  auto version = ImportXgboostModel(request, fs, artifacts, **registry);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(version->version, 1);
  EXPECT_EQ(version->kind, "xgboost:binary:logistic");
  EXPECT_EQ(version->model_digest, Sha256Hex(TinyModel()));
  EXPECT_EQ(version->source, "imported from " + path);
  EXPECT_EQ(version->source_run_id, "");
  EXPECT_EQ(version->threshold, 0.5);
  EXPECT_EQ(*artifacts.Get(version->model_digest), TinyModel());

  request.model = "Bad Name";
  EXPECT_EQ(ImportXgboostModel(request, fs, artifacts, **registry).status().code(),
            StatusCode::kInvalidArgument);
  request.model = "pump-failure";
  request.json_path = dir.Join("missing.json");
  EXPECT_EQ(ImportXgboostModel(request, fs, artifacts, **registry).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ((*registry)->GetModel("pump-failure")->latest_version, 1);
}

TEST(XgboostImport, ReadsAModelSavedByPythonXgboost) {
  const std::string path =
      std::string(EDGELOOP_SOURCE_DIR) + "/src/registry/testdata/xgboost_1_7_4_binary.json";
  PosixFileSystem fs;
  auto bytes = fs.ReadFile(path);
  if (!bytes.ok()) GTEST_SKIP() << "no saved model at " << path;
  auto info = InspectXgboostJson(*bytes, path, {});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->kind, "xgboost:binary:logistic");
  EXPECT_EQ(info->feature_names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(info->num_trees, 2);
}

}  // namespace
}  // namespace edgeloop::registry
