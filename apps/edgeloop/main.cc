// edgeloop: the engineer's command. This file only parses flags (CLI11 lives here and nowhere
// else), builds the real seams and dispatches to the cmd_*.cc functions.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>

#include "base/build_info.h"
#include "base/clock.h"
#include "base/file_system.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/random.h"
#include "edgeloop/app_context.h"
#include "edgeloop/cmd_bench.h"
#include "edgeloop/cmd_bundle.h"
#include "edgeloop/cmd_data.h"
#include "edgeloop/cmd_devices.h"
#include "edgeloop/cmd_eval.h"
#include "edgeloop/cmd_models.h"
#include "edgeloop/cmd_runs.h"
#include "edgeloop/cmd_score.h"
#include "edgeloop/cmd_server.h"
#include "edgeloop/cmd_sim.h"
#include "edgeloop/cmd_sim_serve.h"
#include "edgeloop/cmd_tokens.h"
#include "edgeloop/cmd_train.h"
#include "edgeloop/exit_code.h"
#include "registry/xgboost_import.h"
#include "server/secret_source.h"
#include "store/workspace.h"

namespace {

using edgeloop::app::AppContext;

constexpr char kHomeHelp[] =
    "Workspace folder (SQLite database + artifact store); default $EDGELOOP_HOME, else "
    "./edgeloop-home";

void AddHome(CLI::App* cmd, std::string* home) { cmd->add_option("--home", *home, kHomeHelp); }
void AddJson(CLI::App* cmd, bool* json) {
  cmd->add_flag("--json", *json, "Print one JSON document instead of text");
}
void AddServer(CLI::App* cmd, edgeloop::app::ServerClientFlags* flags) {
  cmd->add_option("--server", flags->server,
                  "Server URL; default $EDGELOOP_SERVER, else http://127.0.0.1:8080");
  cmd->add_option("--token-file", flags->token_file,
                  "File whose first line is the API token; default $EDGELOOP_TOKEN");
}

// Connects to the server the flags name and runs `run` with the client.
template <typename Flags, typename Run>
int WithServer(const AppContext& context, const Flags& flags, Run run) {
  auto client = edgeloop::app::ConnectFromEnvironment(context, flags.server);
  if (!client.ok()) return edgeloop::app::ReportFailureTo(context.err, client.status());
  return run(context, **client, flags);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"edgeloop — MLOps for predictive maintenance at the IoT edge.\n"
               "Simulate or import pump history, train failure-prediction models, and keep a\n"
               "registry of reproducible runs and model versions.",
               "edgeloop"};
  app.set_version_flag("--version", std::string("edgeloop ") + edgeloop::CodeVersion());
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  edgeloop sim --assets 20 --days 90 --seed 7 --out fleet\n"
      "  edgeloop train --config examples/train.yaml\n"
      "  edgeloop runs reproduce run-3f2a9c0d1e2b\n"
      "  edgeloop models show pump-failure@champion\n\n"
      "Exit codes: 0 ok, 1 a check failed, 2 bad usage or input, 3 not found, 4 not allowed,\n"
      "5 I/O, 6 data does not verify, 7 conflict, 70 internal error.");
  std::string home;
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "debug, info, warn, error or off")
      ->capture_default_str();

  std::function<int(const AppContext&)> action;

  // init
  bool init_json = false;
  CLI::App* init_cmd = app.add_subcommand("init", "Create a workspace (database and artifact store)");
  AddHome(init_cmd, &home);
  AddJson(init_cmd, &init_json);
  init_cmd->footer("Commands that write (train, data import, models import) create the workspace\n"
                   "themselves; init makes an empty one up front.\n\n"
                   "Example:\n  edgeloop init --home /var/lib/edgeloop");
  init_cmd->callback([&] {
    action = [&](const AppContext& c) -> int {
      auto opened = edgeloop::app::OpenWorkspace(c, true);
      if (!opened.ok()) return edgeloop::app::ReportFailureTo(c.err, opened.status());
      if (init_json) {
        nlohmann::json doc = {{"home", opened->workspace->home()},
                              {"database", opened->workspace->DatabasePath()}};
        std::fprintf(c.out, "%s\n", doc.dump(2).c_str());
      } else {
        std::fprintf(c.out, "workspace ready at %s\n", opened->workspace->home().c_str());
      }
      return 0;
    };
  });

  // sim
  edgeloop::app::SimFlags sim;
  CLI::App* sim_cmd = app.add_subcommand("sim", "Simulate a fleet of pumps: readings, events, assets");
  sim_cmd->add_option("--assets", sim.assets, "Number of pumps")->capture_default_str();
  sim_cmd->add_option("--days", sim.days, "Days of history")->capture_default_str();
  sim_cmd->add_option("--period", sim.period, "Sample period (e.g. 1m, 10m)")->capture_default_str();
  sim_cmd->add_option("--seed", sim.seed, "Seed; the same seed gives the same fleet")
      ->capture_default_str();
  sim_cmd->add_option("--out", sim.out, "Output folder (required unless serving)");
  sim_cmd->add_option("--schedule", sim.schedule_file,
                      "YAML file of regime changes, sensor faults and forced failures");
  sim_cmd->add_option("--start", sim.start, "First timestamp (UTC)")->capture_default_str();
  sim_cmd->add_option("--raw-khz", sim.raw_khz,
                      "Also write raw vibration bursts (waveforms.csv) at this rate in kHz");
  sim_cmd->add_option("--raw-every", sim.raw_every, "Time between raw bursts")->capture_default_str();
  sim_cmd->add_option("--raw-seconds", sim.raw_seconds, "Length of each raw burst in seconds")
      ->capture_default_str();
  AddJson(sim_cmd, &sim.json);
  sim_cmd->footer(
      "Writes assets.csv, readings.csv (wide: time, asset, one column per signal) and\n"
      "events.csv (time, asset, kind, failure_mode) into --out.\n\n"
      "Examples:\n"
      "  edgeloop sim --assets 20 --days 90 --seed 7 --out fleet\n"
      "  edgeloop sim --assets 5 --days 30 --period 1m --raw-khz 12 --out fleet-raw\n"
      "  edgeloop sim --out drift --schedule examples/schedule.yaml");
  edgeloop::app::SimServeFlags sim_serve;
  CLI::App* sim_serve_cmd = sim_cmd->add_subcommand(
      "serve", "Serve a simulated fleet live, as a PLC over Modbus TCP and/or a gateway over MQTT");
  sim_serve_cmd->add_option("--assets", sim_serve.assets, "Number of pumps")->capture_default_str();
  sim_serve_cmd->add_option("--seed", sim_serve.seed, "Seed")->capture_default_str();
  sim_serve_cmd->add_option("--step", sim_serve.step, "Simulation step (e.g. 1s)")->capture_default_str();
  sim_serve_cmd->add_option("--speed", sim_serve.speed, "Run N times faster than real time")
      ->capture_default_str();
  sim_serve_cmd->add_option("--duration", sim_serve.duration, "Stop after this wall time (default: until Ctrl-C)");
  sim_serve_cmd->add_option("--modbus", sim_serve.modbus, "Serve float32 holding registers on HOST:PORT");
  sim_serve_cmd->add_option("--map", sim_serve.map_file, "Write the agent's register map (YAML) here");
  sim_serve_cmd->add_option("--mqtt", sim_serve.mqtt, "Publish readings to the broker at HOST:PORT");
  sim_serve_cmd->add_option("--raw-khz", sim_serve.raw_khz, "Also publish raw vibration bursts at this rate")
      ->capture_default_str();
  sim_serve_cmd->add_option("--burst-every", sim_serve.burst_every, "Time between raw bursts")
      ->capture_default_str();
  sim_serve_cmd->add_option("--burst-seconds", sim_serve.burst_seconds, "Length of each raw burst")
      ->capture_default_str();
  sim_serve_cmd->footer(
      "Topics: edgeloop/<asset>/readings and edgeloop/<asset>/waveforms.\n\n"
      "Examples:\n"
      "  edgeloop sim serve --assets 3 --modbus 127.0.0.1:1502 --map plc-map.yaml\n"
      "  edgeloop sim serve --assets 3 --mqtt 127.0.0.1:1883 --raw-khz 12 --speed 60");
  sim_serve_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunSimServe(c, sim_serve); };
  });
  sim_cmd->callback([&] {
    if (*sim_serve_cmd) return;
    action = [&](const AppContext& c) {
      if (sim.out.empty()) {
        std::fprintf(c.err, "edgeloop: sim: --out is required\n");
        return 2;
      }
      edgeloop::app::SimFlags flags = sim;
      flags.progress = c.progress;
      return edgeloop::app::RunSim(flags, *c.fs, c.out, c.err);
    };
  });

  // data
  CLI::App* data_cmd = app.add_subcommand("data", "Import readings, events and assets into the workspace");
  data_cmd->require_subcommand(1);
  data_cmd->footer("Examples:\n"
                   "  edgeloop data import --name north --readings fleet/readings.csv --events fleet/events.csv\n"
                   "  edgeloop data list --json");
  edgeloop::app::DataImportFlags data_import;
  CLI::App* import_cmd = data_cmd->add_subcommand("import", "Check and store data files as a named dataset");
  import_cmd->add_option("--name", data_import.name, "Dataset name")->required();
  import_cmd->add_option("--readings", data_import.readings, "Readings CSV (wide or long)");
  import_cmd->add_option("--events", data_import.events, "Events CSV (time,asset,kind,failure_mode)");
  import_cmd->add_option("--assets", data_import.assets, "Assets CSV (asset,site,tags)");
  AddHome(import_cmd, &home);
  AddJson(import_cmd, &data_import.json);
  import_cmd->footer(
      "Readings may be wide (time,asset,<signal>...) or long (time,asset,signal,value).\n"
      "Every file is checked first; a malformed line imports nothing.\n\n"
      "Example:\n"
      "  edgeloop data import --name north --readings fleet/readings.csv --events fleet/events.csv");
  import_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunDataImport(c, data_import); };
  });
  edgeloop::app::DataListFlags data_list;
  CLI::App* data_list_cmd = data_cmd->add_subcommand("list", "List imported datasets");
  AddHome(data_list_cmd, &home);
  AddJson(data_list_cmd, &data_list.json);
  data_list_cmd->footer("Examples:\n  edgeloop data list\n  edgeloop data list --json --home /var/lib/edgeloop");
  data_list_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunDataList(c, data_list); };
  });

  // train
  edgeloop::app::TrainFlags train;
  CLI::App* train_cmd = app.add_subcommand("train", "Train and evaluate a model; record the run and register the version");
  train_cmd->add_option("--config", train.config, "Train config YAML")->required();
  train_cmd->add_option("--data", train.data_dir,
                        "Folder with readings.csv and events.csv (overrides the config's data)");
  AddHome(train_cmd, &home);
  AddJson(train_cmd, &train.json);
  train_cmd->footer(
      "Examples:\n"
      "  edgeloop train --config examples/train.yaml\n"
      "  edgeloop train --config examples/train.yaml --data fleet --json");
  train_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunTrain(c, train); };
  });

  // runs
  CLI::App* runs_cmd = app.add_subcommand("runs", "Inspect and reproduce recorded runs");
  runs_cmd->require_subcommand(1);
  runs_cmd->footer("Examples:\n  edgeloop runs list --limit 5\n  edgeloop runs show run-3f2a9c0d1e2b\n"
                   "  edgeloop runs reproduce run-3f2a9c0d1e2b");
  edgeloop::app::RunsListFlags runs_list;
  CLI::App* runs_list_cmd = runs_cmd->add_subcommand("list", "List runs, newest first");
  runs_list_cmd->add_option("--limit", runs_list.limit, "At most this many (0 = all)")
      ->capture_default_str();
  runs_list_cmd->add_option("--status", runs_list.status, "running, finished or failed");
  AddHome(runs_list_cmd, &home);
  AddJson(runs_list_cmd, &runs_list.json);
  runs_list_cmd->footer("Examples:\n  edgeloop runs list\n  edgeloop runs list --status failed --json");
  runs_list_cmd->callback([&] {
    action = [&](const AppContext& c) -> int {
      auto opened = edgeloop::app::OpenWorkspace(c, false);
      if (!opened.ok()) return edgeloop::app::ReportFailureTo(c.err, opened.status());
      return edgeloop::app::RunsList(*opened->workspace, *opened->registry, runs_list, c.out, c.err);
    };
  });
  edgeloop::app::RunsShowFlags runs_show;
  CLI::App* runs_show_cmd = runs_cmd->add_subcommand("show", "Show everything a run recorded");
  runs_show_cmd->add_option("run", runs_show.run_id, "Run id")->required();
  AddHome(runs_show_cmd, &home);
  AddJson(runs_show_cmd, &runs_show.json);
  runs_show_cmd->footer("Examples:\n  edgeloop runs show run-3f2a9c0d1e2b\n  edgeloop runs show run-3f2a9c0d1e2b --json");
  runs_show_cmd->callback([&] {
    action = [&](const AppContext& c) -> int {
      auto opened = edgeloop::app::OpenWorkspace(c, false);
      if (!opened.ok()) return edgeloop::app::ReportFailureTo(c.err, opened.status());
      return edgeloop::app::RunsShow(*opened->workspace, *opened->registry, runs_show, c.out, c.err);
    };
  });
  edgeloop::app::ReproduceFlags reproduce;
  CLI::App* reproduce_cmd = runs_cmd->add_subcommand(
      "reproduce", "Rebuild a run's model from its record and compare digests (exit 1 if any differs)");
  reproduce_cmd->add_option("run", reproduce.run_id, "Run id")->required();
  AddHome(reproduce_cmd, &home);
  AddJson(reproduce_cmd, &reproduce.json);
  reproduce_cmd->footer("Example:\n  edgeloop runs reproduce run-3f2a9c0d1e2b");
  reproduce_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunReproduce(c, reproduce); };
  });

  // models
  CLI::App* models_cmd = app.add_subcommand("models", "The model registry: models, versions, aliases");
  models_cmd->require_subcommand(1);
  models_cmd->footer("Examples:\n  edgeloop models list\n  edgeloop models show pump-failure@champion\n"
                     "  edgeloop models alias pump-failure champion 2\n"
                     "  edgeloop models import --name pump-failure --xgboost model.json");
  edgeloop::app::ModelsListFlags models_list;
  CLI::App* models_list_cmd = models_cmd->add_subcommand("list", "List models with their latest version and aliases");
  AddHome(models_list_cmd, &home);
  AddJson(models_list_cmd, &models_list.json);
  models_list_cmd->footer("Examples:\n  edgeloop models list\n  edgeloop models list --json");
  models_list_cmd->callback([&] {
    action = [&](const AppContext& c) -> int {
      auto opened = edgeloop::app::OpenWorkspace(c, false);
      if (!opened.ok()) return edgeloop::app::ReportFailureTo(c.err, opened.status());
      return edgeloop::app::ModelsList(*opened->workspace, *opened->registry, models_list, c.out, c.err);
    };
  });
  edgeloop::app::ModelsShowFlags models_show;
  CLI::App* models_show_cmd = models_cmd->add_subcommand("show", "Show a model version and its lineage");
  models_show_cmd->add_option("ref", models_show.ref, "NAME, NAME@VERSION or NAME@ALIAS")->required();
  AddHome(models_show_cmd, &home);
  AddJson(models_show_cmd, &models_show.json);
  models_show_cmd->footer("Examples:\n  edgeloop models show pump-failure@champion\n  edgeloop models show pump-failure@2 --json");
  models_show_cmd->callback([&] {
    action = [&](const AppContext& c) -> int {
      auto opened = edgeloop::app::OpenWorkspace(c, false);
      if (!opened.ok()) return edgeloop::app::ReportFailureTo(c.err, opened.status());
      return edgeloop::app::ModelsShow(*opened->workspace, *opened->registry, models_show, c.out, c.err);
    };
  });
  edgeloop::app::ModelsAliasFlags models_alias;
  CLI::App* models_alias_cmd = models_cmd->add_subcommand("alias", "Point an alias (champion, challenger, ...) at a version");
  models_alias_cmd->add_option("model", models_alias.model, "Model name")->required();
  models_alias_cmd->add_option("alias", models_alias.alias, "Alias name")->required();
  models_alias_cmd->add_option("version", models_alias.version, "Version number");
  models_alias_cmd->add_flag("--remove", models_alias.remove, "Delete the alias instead");
  AddHome(models_alias_cmd, &home);
  AddJson(models_alias_cmd, &models_alias.json);
  models_alias_cmd->footer("Examples:\n  edgeloop models alias pump-failure champion 3\n  edgeloop models alias pump-failure challenger --remove");
  models_alias_cmd->callback([&] {
    action = [&](const AppContext& c) -> int {
      auto opened = edgeloop::app::OpenWorkspace(c, false);
      if (!opened.ok()) return edgeloop::app::ReportFailureTo(c.err, opened.status());
      return edgeloop::app::ModelsAlias(*opened->workspace, *opened->registry, models_alias, c.out, c.err);
    };
  });
  edgeloop::app::ModelsImportXgboostFlags models_import;
  std::optional<double> import_threshold;
  CLI::App* models_import_cmd = models_cmd->add_subcommand("import", "Register a model trained elsewhere");
  models_import_cmd->add_option("--name", models_import.model, "Model name in the registry")->required();
  models_import_cmd->add_option("--xgboost", models_import.json_path, "XGBoost JSON model file")->required();
  models_import_cmd->add_option("--feature-names", models_import.feature_names,
                                "Feature names, when the model file has none")->delimiter(',');
  models_import_cmd->add_option("--threshold", import_threshold, "Alert threshold on the score");
  models_import_cmd->add_option("--description", models_import.description, "Description of a new model");
  AddHome(models_import_cmd, &home);
  AddJson(models_import_cmd, &models_import.json);
  models_import_cmd->footer("Example:\n  edgeloop models import --name pump-failure --xgboost model.json");
  models_import_cmd->callback([&] {
    action = [&](const AppContext& c) -> int {
      // Check the model file before a workspace is created for it.
      auto bytes = c.fs->ReadFile(models_import.json_path);
      if (!bytes.ok()) return edgeloop::app::ReportFailureTo(c.err, bytes.status());
      auto info = edgeloop::registry::InspectXgboostJson(*bytes, models_import.json_path,
                                                         models_import.feature_names);
      if (!info.ok()) return edgeloop::app::ReportFailureTo(c.err, info.status());
      auto opened = edgeloop::app::OpenWorkspace(c, true);
      if (!opened.ok()) return edgeloop::app::ReportFailureTo(c.err, opened.status());
      models_import.threshold = import_threshold;
      return edgeloop::app::ModelsImportXgboost(*opened->workspace, *opened->registry, models_import, c.out, c.err);
    };
  });

  // eval
  CLI::App* eval_cmd = app.add_subcommand("eval", "Evaluate on public benchmarks (C-MAPSS, SKAB)");
  eval_cmd->require_subcommand(1);
  eval_cmd->footer(
      "Examples:\n"
      "  edgeloop eval cmapss --train ../shared/data/cmapss/train_FD001.txt\n"
      "  edgeloop eval skab --data ../shared/data/skab/data\n"
      "  edgeloop eval skab-metrics --predictions ../shared/data/skab/reference/DEV_subset_reference_predictions.csv");
  edgeloop::app::EvalCmapssFlags eval_cmapss;
  CLI::App* eval_cmapss_cmd = eval_cmd->add_subcommand(
      "cmapss", "Train a remaining-useful-life regressor on NASA C-MAPSS and report RMSE and the NASA score");
  eval_cmapss_cmd->add_option("--train", eval_cmapss.train, "train_FD00x.txt")->required();
  eval_cmapss_cmd->add_option("--test", eval_cmapss.test, "test_FD00x.txt (then --rul is required)");
  eval_cmapss_cmd->add_option("--rul", eval_cmapss.rul, "RUL_FD00x.txt: true RUL at each test engine's last cycle");
  eval_cmapss_cmd->add_option("--folds", eval_cmapss.folds,
                              "Without a test set: cross-validate by whole engines in this many folds")
      ->capture_default_str();
  eval_cmapss_cmd->add_option("--seed", eval_cmapss.seed, "Seed for folds, truncation and XGBoost")
      ->capture_default_str();
  AddJson(eval_cmapss_cmd, &eval_cmapss.json);
  eval_cmapss_cmd->footer(
      "Without --test, engines are held out whole; each held-out engine is cut at random cycles\n"
      "like the official test set and scored once per cut against min(RUL, 125).\n\n"
      "Examples:\n"
      "  edgeloop eval cmapss --train ../shared/data/cmapss/train_FD001.txt\n"
      "  edgeloop eval cmapss --train train_FD001.txt --test test_FD001.txt --rul RUL_FD001.txt --json");
  eval_cmapss_cmd->callback([&] {
    action = [&](const AppContext& c) {
      return edgeloop::app::RunEvalCmapss(eval_cmapss, *c.fs, c.out, c.err);
    };
  });
  edgeloop::app::EvalSkabFlags eval_skab;
  CLI::App* eval_skab_cmd = eval_cmd->add_subcommand(
      "skab", "Run SKAB's protocol with edgeloop's anomaly models: F1, FAR, MAR and NAB scores");
  eval_skab_cmd->add_option("--data", eval_skab.data, "A folder in SKAB's layout (e.g. ../shared/data/skab/data)")
      ->required();
  eval_skab_cmd->add_option("--config", eval_skab.config, "Evaluation settings (default: those of examples/skab.yaml)");
  eval_skab_cmd->add_option("--model", eval_skab.model, "Model kind: pca or isolation_forest");
  eval_skab_cmd->add_option("--export", eval_skab.export_file,
                            "Instead of evaluating: export the model of this file (path in --data, e.g. valve1/3.csv) as a bundle");
  eval_skab_cmd->add_option("--key", eval_skab.key, "With --export: the secret signing key (keys generate)");
  eval_skab_cmd->add_option("-o,--output", eval_skab.output, "With --export: the bundle file to write");
  AddJson(eval_skab_cmd, &eval_skab.json);
  eval_skab_cmd->footer(
      "Each labelled file: fit on its first 400 rows, predict the rest; all test points pooled.\n\n"
      "Examples:\n"
      "  edgeloop eval skab --data ../shared/data/skab/data\n"
      "  edgeloop eval skab --data ../shared/data/skab/data --model isolation_forest --json\n"
      "  edgeloop eval skab --data ../shared/data/skab/data --export valve1/3.csv --key keys/release.key -o valve1-3.elb");
  eval_skab_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunEvalSkab(eval_skab, *c.fs, c.out, c.err); };
  });
  edgeloop::app::EvalSkabMetricsFlags eval_skab_metrics;
  CLI::App* eval_skab_metrics_cmd = eval_cmd->add_subcommand(
      "skab-metrics", "Score stored binary predictions with SKAB's metrics (F1, FAR, MAR, NAB)");
  eval_skab_metrics_cmd->add_option("--predictions", eval_skab_metrics.predictions,
                                    "CSV with anomaly and changepoint labels and one column per detector")
      ->required();
  AddJson(eval_skab_metrics_cmd, &eval_skab_metrics.json);
  eval_skab_metrics_cmd->footer(
      "Example:\n"
      "  edgeloop eval skab-metrics --predictions ../shared/data/skab/reference/DEV_subset_reference_predictions.csv");
  eval_skab_metrics_cmd->callback([&] {
    action = [&](const AppContext& c) {
      return edgeloop::app::RunEvalSkabMetrics(eval_skab_metrics, *c.fs, c.out, c.err);
    };
  });

  // keys
  CLI::App* keys_cmd = app.add_subcommand("keys", "Bundle signing keys (ed25519)");
  keys_cmd->require_subcommand(1);
  keys_cmd->footer("Example:\n  edgeloop keys generate --out keys/release");
  edgeloop::app::KeysGenerateFlags keys_generate;
  CLI::App* keys_generate_cmd = keys_cmd->add_subcommand(
      "generate", "Make a key pair: PATH.key (secret, mode 0600) and PATH.pub (for devices)");
  keys_generate_cmd->add_option("--out", keys_generate.out, "Path prefix of the two files")->required();
  AddJson(keys_generate_cmd, &keys_generate.json);
  keys_generate_cmd->footer("Example:\n  edgeloop keys generate --out keys/release");
  keys_generate_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunKeysGenerate(c, keys_generate); };
  });

  // bundle
  CLI::App* bundle_cmd = app.add_subcommand("bundle", "Signed, self-verifying model bundles");
  bundle_cmd->require_subcommand(1);
  bundle_cmd->footer("Examples:\n  edgeloop bundle build --model pump-failure@champion --key keys/release.key -o pump.elb\n"
                     "  edgeloop bundle verify pump.elb --trust keys/release.pub\n"
                     "  edgeloop bundle inspect pump.elb --json\n"
                     "  edgeloop bundle upload pump.elb --server http://127.0.0.1:8080");
  edgeloop::app::BundleBuildFlags bundle_build;
  CLI::App* bundle_build_cmd = bundle_cmd->add_subcommand(
      "build", "Build a signed bundle from a registered model version");
  bundle_build_cmd->add_option("--model", bundle_build.model, "NAME@ALIAS, NAME@VERSION or NAME")
      ->required();
  bundle_build_cmd->add_option("--key", bundle_build.key, "Secret key file (edgeloop keys generate)")
      ->required();
  bundle_build_cmd->add_option("-o,--output", bundle_build.output, "Bundle file to write")->required();
  AddHome(bundle_build_cmd, &home);
  AddJson(bundle_build_cmd, &bundle_build.json);
  bundle_build_cmd->footer(
      "The bundle holds manifest.json, manifest.sig, model.json, feature_spec.yaml and golden.csv;\n"
      "it opens with `tar --zstd -xf`.\n\n"
      "Example:\n  edgeloop bundle build --model pump-failure@champion --key keys/release.key -o pump.elb");
  bundle_build_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunBundleBuild(c, bundle_build); };
  });
  edgeloop::app::BundleVerifyFlags bundle_verify;
  CLI::App* bundle_verify_cmd = bundle_cmd->add_subcommand(
      "verify", "Check signature, seal, every file's hash, the model and its golden outputs");
  bundle_verify_cmd->add_option("file", bundle_verify.file, "Bundle file (.elb)")->required();
  bundle_verify_cmd->add_option("--trust", bundle_verify.trust, "Trusted public key file (repeatable)")
      ->required();
  AddJson(bundle_verify_cmd, &bundle_verify.json);
  bundle_verify_cmd->footer(
      "Exit 0 when the bundle verifies, 4 when no trusted key signed it, 6 when any other check\n"
      "fails (the message names the check).\n\n"
      "Example:\n  edgeloop bundle verify pump.elb --trust keys/release.pub");
  bundle_verify_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunBundleVerify(c, bundle_verify); };
  });
  edgeloop::app::BundleInspectFlags bundle_inspect;
  CLI::App* bundle_inspect_cmd = bundle_cmd->add_subcommand(
      "inspect", "Show a bundle's manifest (without trusting it)");
  bundle_inspect_cmd->add_option("file", bundle_inspect.file, "Bundle file (.elb)")->required();
  AddJson(bundle_inspect_cmd, &bundle_inspect.json);
  bundle_inspect_cmd->footer("Example:\n  edgeloop bundle inspect pump.elb");
  bundle_inspect_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunBundleInspect(c, bundle_inspect); };
  });

  edgeloop::app::BundleValidateFlags bundle_validate;
  CLI::App* bundle_validate_cmd = bundle_cmd->add_subcommand(
      "validate", "Verify, profile (latency p50/p99, memory, size) and gate a bundle on this machine");
  bundle_validate_cmd->add_option("file", bundle_validate.file, "Bundle file (.elb)")->required();
  bundle_validate_cmd->add_option("--trust", bundle_validate.trust, "Trusted public key file (repeatable)")
      ->required();
  bundle_validate_cmd->add_option("--gates", bundle_validate.gates, "Gate thresholds (YAML, see examples/gates.yaml)");
  bundle_validate_cmd->add_option("--iterations", bundle_validate.latency_iterations,
                                  "Passes over the golden rows when timing")
      ->capture_default_str();
  bundle_validate_cmd->add_flag("--no-record", bundle_validate.no_record,
                                "Do not record the report in the workspace registry");
  AddHome(bundle_validate_cmd, &home);
  AddJson(bundle_validate_cmd, &bundle_validate.json);
  bundle_validate_cmd->footer(
      "Exit 0 when every gate passes, 1 when a gate fails, 4 when no trusted key signed it, 6 when\n"
      "verification fails. The report is recorded against the model version in the workspace.\n\n"
      "Example:\n  edgeloop bundle validate pump.elb --trust keys/release.pub --gates examples/gates.yaml");
  bundle_validate_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunBundleValidate(c, bundle_validate); };
  });
  edgeloop::app::BundleUploadFlags bundle_upload;
  CLI::App* bundle_upload_cmd = bundle_cmd->add_subcommand(
      "upload", "Upload a bundle to a running server, which verifies it against its --trust keys");
  bundle_upload_cmd->add_option("file", bundle_upload.file, "Bundle file (.elb)")->required();
  AddServer(bundle_upload_cmd, &bundle_upload.server);
  AddJson(bundle_upload_cmd, &bundle_upload.json);
  bundle_upload_cmd->footer(
      "Prints the bundle's digest, which `devices set-desired --bundle` takes. Uploading a bundle\n"
      "the server already has changes nothing. Needs an admin token.\n\n"
      "Example:\n  edgeloop bundle upload pump.elb --server http://127.0.0.1:8080 --token-file admin.token");
  bundle_upload_cmd->callback([&] {
    action = [&](const AppContext& c) {
      return WithServer(c, bundle_upload, edgeloop::app::RunBundleUpload);
    };
  });

  // score
  edgeloop::app::ScoreFlags score;
  CLI::App* score_cmd = app.add_subcommand(
      "score", "Score readings or feature rows offline with a bundle, through the edge agent's code path");
  score_cmd->add_option("--bundle", score.bundle, "Bundle file (.elb)")->required();
  score_cmd->add_option("--trust", score.trust, "Trusted public key file (repeatable)")->required();
  score_cmd->add_option("--input", score.input, "Readings CSV (wide or long) or feature rows CSV")->required();
  score_cmd->add_option("--waveforms", score.waveforms, "Waveforms CSV for spectral features");
  score_cmd->add_option("--output", score.output, "CSV to write (default: stdout)");
  score_cmd->add_option("--top", score.top, "Contributing features named per alert")->capture_default_str();
  AddJson(score_cmd, &score.json);
  score_cmd->footer(
      "Output columns: asset,time,score,over,alert,alert_id,top_features.\n\n"
      "Examples:\n"
      "  edgeloop score --bundle pump.elb --trust keys/release.pub --input fleet/readings.csv --output scores.csv\n"
      "  edgeloop score --bundle pump.elb --trust keys/release.pub --input features.csv");
  score_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunScore(c, score); };
  });

  // bench
  CLI::App* bench_cmd = app.add_subcommand("bench", "Measure on this machine against a peer");
  bench_cmd->require_subcommand(1);
  bench_cmd->footer("Example:\n  edgeloop bench scoring --trees 500 --depth 6 --json");
  edgeloop::app::BenchScoringFlags bench_scoring;
  CLI::App* bench_scoring_cmd = bench_cmd->add_subcommand(
      "scoring", "Tree-ensemble scoring: ours against XGBoost's own predict, same model and rows");
  bench_scoring_cmd->add_option("--trees", bench_scoring.trees, "Trees")->capture_default_str();
  bench_scoring_cmd->add_option("--depth", bench_scoring.depth, "Tree depth")->capture_default_str();
  bench_scoring_cmd->add_option("--features", bench_scoring.features, "Features per row")->capture_default_str();
  bench_scoring_cmd->add_option("--rows", bench_scoring.rows, "Rows")->capture_default_str();
  bench_scoring_cmd->add_option("--seed", bench_scoring.seed, "Seed")->capture_default_str();
  AddJson(bench_scoring_cmd, &bench_scoring.json);
  bench_scoring_cmd->footer("Example:\n  edgeloop bench scoring --trees 500 --depth 6 --json");
  bench_scoring_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunBenchScoring(c, bench_scoring); };
  });

  // server
  edgeloop::app::ServerFlags server_flags;
  CLI::App* server_cmd = app.add_subcommand(
      "server", "Run the control plane: REST API for models, bundles, events, devices and sync");
  server_cmd->add_option("--listen", server_flags.listen, "HOST:PORT to serve on (port 0: any free port)")
      ->capture_default_str();
  server_cmd->add_option("--trust", server_flags.trust,
                         "Public key file whose bundles uploads may carry (repeatable)");
  server_cmd->add_option("--key", server_flags.key, "Secret key file to sign bundles built by the server");
  server_cmd->add_option("--max-body-mb", server_flags.max_body_mb, "Request body limit of every route but bundle upload")
      ->capture_default_str();
  server_cmd->add_option("--max-bundle-mb", server_flags.max_bundle_mb, "Request body limit of bundle upload")
      ->capture_default_str();
  server_cmd->add_option("--threads", server_flags.threads, "Worker threads")->capture_default_str();
  AddHome(server_cmd, &home);
  server_cmd->footer(
      "Runs until SIGINT or SIGTERM. On the first start it writes an admin token to\n"
      "HOME/admin.token (mode 0600); use it with `export EDGELOOP_TOKEN=$(cat HOME/admin.token)`.\n"
      "The API is described in docs/api.md.\n\n"
      "Examples:\n"
      "  edgeloop server --home /var/lib/edgeloop --listen 127.0.0.1:8080 --trust keys/release.pub\n"
      "  edgeloop server --listen 0.0.0.0:8080 --trust keys/release.pub --key keys/release.key");
  server_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunServerUntilSignal(c, server_flags); };
  });

  // devices
  CLI::App* devices_cmd = app.add_subcommand(
      "devices", "Edge devices on a running server: provision, list, show, set the desired bundle");
  devices_cmd->require_subcommand(1);
  devices_cmd->footer(
      "Examples:\n"
      "  edgeloop devices provision pump-gw-17 --site north --tag ring=test --token-out gw17.token\n"
      "  edgeloop devices list --selector ring=test\n"
      "  edgeloop devices show pump-gw-17\n"
      "  edgeloop devices set-desired pump-gw-17 --bundle 5d0c...e1");
  edgeloop::app::DevicesProvisionFlags devices_provision;
  CLI::App* devices_provision_cmd = devices_cmd->add_subcommand(
      "provision", "Register a device and print its sync token once");
  devices_provision_cmd->add_option("id", devices_provision.id, "Device id ([a-z0-9][a-z0-9._-]*)")
      ->required();
  devices_provision_cmd->add_option("--site", devices_provision.site, "Site the device is on")
      ->required();
  devices_provision_cmd->add_option("--tag", devices_provision.tags, "Tag key=value (repeatable)");
  devices_provision_cmd->add_option("--asset", devices_provision.assets,
                                    "Asset the device serves (repeatable)");
  devices_provision_cmd->add_option("--token-out", devices_provision.token_out,
                                    "Write the token to this file (mode 0600) instead of stdout");
  AddServer(devices_provision_cmd, &devices_provision.server);
  AddJson(devices_provision_cmd, &devices_provision.json);
  devices_provision_cmd->footer(
      "The token goes into the agent's server.token_file; it is shown once.\n\n"
      "Example:\n"
      "  edgeloop devices provision pump-gw-17 --site north --tag ring=test --asset P003 --token-out gw17.token");
  devices_provision_cmd->callback([&] {
    action = [&](const AppContext& c) {
      return WithServer(c, devices_provision, edgeloop::app::RunDevicesProvision);
    };
  });
  edgeloop::app::DevicesListFlags devices_list;
  CLI::App* devices_list_cmd = devices_cmd->add_subcommand(
      "list", "List devices with their running bundle, outbox depth and last sync");
  devices_list_cmd->add_option("--selector", devices_list.selector,
                               "Tag selector, e.g. \"ring=canary,site in (north,south)\"");
  AddServer(devices_list_cmd, &devices_list.server);
  AddJson(devices_list_cmd, &devices_list.json);
  devices_list_cmd->footer("Examples:\n  edgeloop devices list\n  edgeloop devices list --selector ring=test --json");
  devices_list_cmd->callback([&] {
    action = [&](const AppContext& c) {
      return WithServer(c, devices_list, edgeloop::app::RunDevicesList);
    };
  });
  edgeloop::app::DevicesShowFlags devices_show;
  CLI::App* devices_show_cmd = devices_cmd->add_subcommand(
      "show", "Show a device and its twin: desired and reported state, last sync, acknowledged seq");
  devices_show_cmd->add_option("id", devices_show.id, "Device id")->required();
  AddServer(devices_show_cmd, &devices_show.server);
  AddJson(devices_show_cmd, &devices_show.json);
  devices_show_cmd->footer("Example:\n  edgeloop devices show pump-gw-17 --json");
  devices_show_cmd->callback([&] {
    action = [&](const AppContext& c) {
      return WithServer(c, devices_show, edgeloop::app::RunDevicesShow);
    };
  });
  edgeloop::app::DevicesSetDesiredFlags devices_desired;
  CLI::App* devices_desired_cmd = devices_cmd->add_subcommand(
      "set-desired", "Set the bundle a device should run (it downloads, verifies and installs it)");
  devices_desired_cmd->add_option("id", devices_desired.id, "Device id")->required();
  devices_desired_cmd->add_option("--bundle", devices_desired.bundle,
                                  "Digest of a bundle on the server (bundle upload prints it)")
      ->required();
  devices_desired_cmd->add_flag("--allow-older", devices_desired.allow_older,
                                "Order a rollback: the device may install an older version");
  devices_desired_cmd->add_option("--sync-period", devices_desired.sync_period_s,
                                  "Seconds between the device's syncs (default: keep)");
  AddServer(devices_desired_cmd, &devices_desired.server);
  AddJson(devices_desired_cmd, &devices_desired.json);
  devices_desired_cmd->footer(
      "Other fields of the desired state stay as they are. Needs an admin token.\n\n"
      "Example:\n  edgeloop devices set-desired pump-gw-17 --bundle 5d0c...e1 --sync-period 30");
  devices_desired_cmd->callback([&] {
    action = [&](const AppContext& c) {
      return WithServer(c, devices_desired, edgeloop::app::RunDevicesSetDesired);
    };
  });

  // tokens
  CLI::App* tokens_cmd = app.add_subcommand("tokens", "API tokens of the server (admin, operator, device)");
  tokens_cmd->require_subcommand(1);
  tokens_cmd->footer("Examples:\n  edgeloop tokens create --role operator --name alice > alice.token\n"
                     "  edgeloop tokens list\n  edgeloop tokens revoke tok-3f2a9c0d1e2b");
  edgeloop::app::TokensCreateFlags tokens_create;
  CLI::App* tokens_create_cmd = tokens_cmd->add_subcommand(
      "create", "Make a token and print it once (only its hash is stored)");
  tokens_create_cmd->add_option("--role", tokens_create.role, "admin, operator or device")->required();
  tokens_create_cmd->add_option("--name", tokens_create.name, "Who or what the token is for")->required();
  tokens_create_cmd->add_option("--device", tokens_create.device, "Device id (device tokens only)");
  AddHome(tokens_create_cmd, &home);
  AddJson(tokens_create_cmd, &tokens_create.json);
  tokens_create_cmd->footer(
      "The token goes to stdout alone, so redirecting keeps it; keep the file private.\n\n"
      "Examples:\n"
      "  edgeloop tokens create --role operator --name alice > alice.token\n"
      "  edgeloop tokens create --role device --name gateway-17 --device pump-gw-17 --json");
  tokens_create_cmd->callback([&] {
    action = [&](const AppContext& c) {
      edgeloop::server::SodiumSecretSource secrets;
      return edgeloop::app::RunTokensCreate(c, tokens_create, secrets);
    };
  });
  edgeloop::app::TokensListFlags tokens_list;
  CLI::App* tokens_list_cmd = tokens_cmd->add_subcommand("list", "List tokens (ids, roles, names; never secrets)");
  AddHome(tokens_list_cmd, &home);
  AddJson(tokens_list_cmd, &tokens_list.json);
  tokens_list_cmd->footer("Examples:\n  edgeloop tokens list\n  edgeloop tokens list --json");
  tokens_list_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunTokensList(c, tokens_list); };
  });
  edgeloop::app::TokensRevokeFlags tokens_revoke;
  CLI::App* tokens_revoke_cmd = tokens_cmd->add_subcommand("revoke", "Revoke a token; requests with it get 401");
  tokens_revoke_cmd->add_option("id", tokens_revoke.id, "Token id (tok-...)")->required();
  AddHome(tokens_revoke_cmd, &home);
  AddJson(tokens_revoke_cmd, &tokens_revoke.json);
  tokens_revoke_cmd->footer("Example:\n  edgeloop tokens revoke tok-3f2a9c0d1e2b");
  tokens_revoke_cmd->callback([&] {
    action = [&](const AppContext& c) { return edgeloop::app::RunTokensRevoke(c, tokens_revoke); };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  edgeloop::LogLevel level;
  if (!edgeloop::ParseLogLevel(log_level, &level)) {
    std::fprintf(stderr, "edgeloop: --log-level: '%s' is not one of debug, info, warn, error, off\n",
                 log_level.c_str());
    return 2;
  }
  edgeloop::PosixFileSystem fs;
  edgeloop::SystemClock clock;
  edgeloop::Random random(edgeloop::SeedFromOs());
  edgeloop::Logger log(level);
  AppContext context;
  context.fs = &fs;
  context.clock = &clock;
  context.random = &random;
  context.log = &log;
  context.progress = ::isatty(STDERR_FILENO) != 0;
  context.home = edgeloop::store::ResolveHome(home, std::getenv("EDGELOOP_HOME"));
  return action(context);
}
