#include "edgeloop/cmd_models.h"

#include <gtest/gtest.h>

#include "edgeloop/testing/capture.h"

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/random.h"
#include "base/sha256.h"
#include "edgeloop/exit_code.h"
#include "registry/registry_schema.h"
#include "registry/sqlite_registry.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::app {
namespace {

using testing::Capture;

std::string ModelJson(const std::string& feature_names) {
  return R"({"learner": {"feature_names": )" + feature_names +
         R"(, "gradient_booster": {"name": "gbtree", "model": {"trees": [{"id": 0,
         "left_children": [-1], "right_children": [-1], "split_indices": [0],
         "split_conditions": [0.5], "default_left": [0], "base_weights": [0.5]}]}},
         "learner_model_param": {"num_feature": "2"},
         "objective": {"name": "reg:squarederror"}}})";
}

class CmdModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::Workspace::Options options;
    options.create = true;
    options.schemas.push_back(registry::RegistrySchema());
    auto ws = store::Workspace::Open(dir_.Join("home"), fs_, options);
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    workspace_ = std::move(*ws);
    auto reg = registry::SqliteRegistry::Open(workspace_->db(), clock_, random_);
    ASSERT_TRUE(reg.ok());
    registry_ = std::move(*reg);
    ASSERT_TRUE(
        fs_.WriteFileAtomic(dir_.Join("named.json"), ModelJson(R"(["flow", "temp"])")).ok());
    ASSERT_TRUE(fs_.WriteFileAtomic(dir_.Join("unnamed.json"), ModelJson("[]")).ok());
  }

  int Import(const std::string& file, std::vector<std::string> names = {}, bool json = false) {
    ModelsImportXgboostFlags flags;
    flags.model = "pump-flow";
    flags.json_path = dir_.Join(file);
    flags.feature_names = std::move(names);
    flags.json = json;
    return ModelsImportXgboost(*workspace_, *registry_, flags, out_.file(), err_.file());
  }

  store::testing::TempDir dir_;
  PosixFileSystem fs_;
  SimulatedClock clock_{1767225600000};
  Random random_{9};
  std::unique_ptr<store::Workspace> workspace_;
  std::unique_ptr<registry::SqliteRegistry> registry_;
  Capture out_, err_;
};

TEST_F(CmdModelsTest, ImportRegistersVersions) {
  ASSERT_EQ(Import("named.json"), kExitOk) << err_.TakeText();
  EXPECT_NE(out_.TakeText().find("registered pump-flow@1: xgboost:reg:squarederror, 2 features"),
            std::string::npos);
  ASSERT_EQ(Import("unnamed.json", {"a,b"}, /*json=*/true), kExitOk) << err_.TakeText();
  nlohmann::json doc = nlohmann::json::parse(out_.TakeText());
  EXPECT_EQ(doc["version"], 2);
  EXPECT_EQ(doc["feature_names"], nlohmann::json::array({"a", "b"}));
  EXPECT_EQ(doc["source"], "imported from " + dir_.Join("unnamed.json"));
  EXPECT_TRUE(workspace_->artifacts().Has(doc["model_digest"].get<std::string>()));
}

TEST_F(CmdModelsTest, ImportErrorsMapToExitCodes) {
  EXPECT_EQ(Import("unnamed.json"), 2);
  EXPECT_NE(err_.TakeText().find("no feature names"), std::string::npos);
  EXPECT_EQ(Import("named.json", {"a", "b", "c"}), 2);
  EXPECT_NE(err_.TakeText().find("3 feature names were given but the model has 2"), std::string::npos);
  EXPECT_EQ(Import("missing.json"), 3);
  EXPECT_EQ(registry_->GetModel("pump-flow").status().code(), StatusCode::kNotFound);
}

TEST_F(CmdModelsTest, AliasMovesAndShowResolves) {
  ASSERT_EQ(Import("named.json"), kExitOk);
  ASSERT_EQ(Import("named.json"), kExitOk);
  out_.TakeText();
  ModelsAliasFlags alias{"pump-flow", "champion", 1, false, false};
  ASSERT_EQ(ModelsAlias(*workspace_, *registry_, alias, out_.file(), err_.file()), kExitOk);
  EXPECT_EQ(out_.TakeText(), "pump-flow@champion -> version 1 (new alias)\n");
  alias.version = 2;
  ASSERT_EQ(ModelsAlias(*workspace_, *registry_, alias, out_.file(), err_.file()), kExitOk);
  EXPECT_EQ(out_.TakeText(), "pump-flow@champion -> version 2 (was version 1)\n");
  alias.version = 9;
  EXPECT_EQ(ModelsAlias(*workspace_, *registry_, alias, out_.file(), err_.file()), 3);
  EXPECT_NE(err_.TakeText().find("has no version 9"), std::string::npos);

  ModelsShowFlags show{"pump-flow@champion", false};
  ASSERT_EQ(ModelsShow(*workspace_, *registry_, show, out_.file(), err_.file()), kExitOk);
  std::string text = out_.TakeText();
  EXPECT_NE(text.find("version            2"), std::string::npos) << text;
  EXPECT_NE(text.find("aliases            champion"), std::string::npos) << text;
  EXPECT_NE(text.find("features           2: flow, temp"), std::string::npos) << text;
  EXPECT_NE(text.find("not made by a run"), std::string::npos) << text;
  EXPECT_EQ(text.find("versions\n"), std::string::npos) << text;

  show.ref = "pump-flow";
  show.json = true;
  ASSERT_EQ(ModelsShow(*workspace_, *registry_, show, out_.file(), err_.file()), kExitOk);
  nlohmann::json doc = nlohmann::json::parse(out_.TakeText());
  EXPECT_EQ(doc["version"]["version"], 2);
  EXPECT_EQ(doc["versions"].size(), 2u);
  EXPECT_EQ(doc["model"]["aliases"]["champion"], 2);
  EXPECT_TRUE(doc["model_artifact_present"].get<bool>());

  alias.remove = true;
  ASSERT_EQ(ModelsAlias(*workspace_, *registry_, alias, out_.file(), err_.file()), kExitOk);
  EXPECT_EQ(out_.TakeText(), "removed pump-flow@champion (it pointed at version 2)\n");
  EXPECT_EQ(ModelsAlias(*workspace_, *registry_, alias, out_.file(), err_.file()), 3);
}

TEST_F(CmdModelsTest, ListShowsModels) {
  ModelsListFlags flags;
  ASSERT_EQ(ModelsList(*workspace_, *registry_, flags, out_.file(), err_.file()), kExitOk);
  EXPECT_EQ(out_.TakeText(), "no models\n");
  ASSERT_EQ(Import("named.json"), kExitOk);
  ASSERT_TRUE(registry_->SetAlias("pump-flow", "champion", 1).ok());
  out_.TakeText();
  ASSERT_EQ(ModelsList(*workspace_, *registry_, flags, out_.file(), err_.file()), kExitOk);
  const std::string text = out_.TakeText();
  EXPECT_NE(text.find("NAME       LATEST  ALIASES"), std::string::npos) << text;
  EXPECT_NE(text.find("pump-flow  1       champion=1"), std::string::npos) << text;
  flags.json = true;
  ASSERT_EQ(ModelsList(*workspace_, *registry_, flags, out_.file(), err_.file()), kExitOk);
  nlohmann::json doc = nlohmann::json::parse(out_.TakeText());
  EXPECT_EQ(doc["models"][0]["name"], "pump-flow");
}

TEST_F(CmdModelsTest, ShowOfBadRefIsUsageError) {
  ModelsShowFlags show{"Pump@x", false};
  EXPECT_EQ(ModelsShow(*workspace_, *registry_, show, out_.file(), err_.file()), 2);
  show.ref = "pump-flow@champion";
  EXPECT_EQ(ModelsShow(*workspace_, *registry_, show, out_.file(), err_.file()), 3);
}

}  // namespace
}  // namespace edgeloop::app
