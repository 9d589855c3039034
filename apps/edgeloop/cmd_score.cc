#include "edgeloop/cmd_score.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "agent/active_model.h"
#include "agent/offline_scoring.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "bundle/key_file.h"
#include "bundle/verifier.h"
#include "edgeloop/exit_code.h"
#include "io/csv_reader.h"
#include "io/readings_reader.h"
#include "io/waveforms_reader.h"

namespace edgeloop::app {
namespace {

Result<std::shared_ptr<const agent::ActiveModel>> LoadModel(const AppContext& c, const ScoreFlags& f) {
  std::vector<bundle::PublicKey> trusted;
  for (const std::string& path : f.trust) {
    EL_ASSIGN_OR_RETURN(bundle::PublicKey key, bundle::LoadPublicKey(*c.fs, path));
    trusted.push_back(key);
  }
  EL_ASSIGN_OR_RETURN(std::string bytes, c.fs->ReadFile(f.bundle));
  EL_ASSIGN_OR_RETURN(bundle::VerifiedBundle verified, bundle::VerifyBundle(bytes, trusted));
  return agent::ActiveModel::FromBundle(std::move(verified));
}

// True when the header carries every model input.
Result<bool> IsFeatureTable(const AppContext& c, const std::string& path,
                            const std::vector<std::string>& schema) {
  EL_ASSIGN_OR_RETURN(std::string text, c.fs->ReadFile(path));
  const std::string first_line = text.substr(0, text.find('\n'));
  std::set<std::string> header;
  for (std::string_view field : Split(first_line, ',')) header.insert(std::string(Trim(field)));
  for (const std::string& name : schema) {
    if (!header.count(name)) return false;
  }
  return true;
}

Result<std::vector<agent::OfflineScore>> ScoreFeatureCsv(const AppContext& c, const ScoreFlags& f,
                                                         const std::shared_ptr<const agent::ActiveModel>& model) {
  EL_ASSIGN_OR_RETURN(std::unique_ptr<io::CsvReader> opened, io::CsvReader::OpenFile(f.input));
  io::CsvReader& reader = *opened;
  const std::vector<std::string>& schema = model->manifest.input_schema;
  std::vector<int> columns;
  for (const std::string& name : schema) columns.push_back(reader.ColumnIndex(name));
  const int asset_col = reader.ColumnIndex("asset");
  int time_col = reader.ColumnIndex("time");
  if (time_col < 0) time_col = reader.ColumnIndex("window_end");
  std::vector<std::string> assets;
  std::vector<int64_t> times;
  std::vector<std::vector<double>> rows;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool more, reader.Next());
    if (!more) break;
    std::vector<double> row(schema.size());
    for (size_t i = 0; i < schema.size(); ++i) {
      std::string_view field = reader[columns[i]];
      if (field.empty() || field == "nan" || field == "NaN") {
        row[i] = std::nan("");
        continue;
      }
      Result<double> v = ParseDouble(field);
      if (!v.ok()) {
        return InvalidArgument(f.input + ":" + std::to_string(reader.line()) + ": " + schema[i] +
                               ": '" + std::string(field) + "' is not a number");
      }
      row[i] = *v;
    }
    assets.push_back(asset_col >= 0 ? std::string(reader[asset_col]) : "");
    int64_t t = 0;
    if (time_col >= 0) {
      Result<int64_t> parsed = ParseTimestamp(reader[time_col]);
      if (!parsed.ok()) {
        return InvalidArgument(f.input + ":" + std::to_string(reader.line()) + ": time '" +
                               std::string(reader[time_col]) + "' is not a UTC timestamp");
      }
      t = *parsed;
    }
    times.push_back(t);
    rows.push_back(std::move(row));
  }
  (void)c;
  return agent::ScoreFeatureRows(model, assets, times, rows, f.top);
}

std::string TopText(const std::vector<api::Contribution>& top) {
  std::string out;
  for (const api::Contribution& x : top) {
    out += (out.empty() ? "" : ";") + x.feature + "=" + FormatDouble(x.value);
  }
  return out;
}

}  // namespace

int RunScore(const AppContext& c, const ScoreFlags& f) {
  Result<std::shared_ptr<const agent::ActiveModel>> model = LoadModel(c, f);
  if (!model.ok()) return ReportFailureTo(c.err, model.status());
  Result<bool> features = IsFeatureTable(c, f.input, (*model)->manifest.input_schema);
  if (!features.ok()) return ReportFailureTo(c.err, features.status());
  Result<std::vector<agent::OfflineScore>> scores = std::vector<agent::OfflineScore>();
  if (*features) {
    scores = ScoreFeatureCsv(c, f, *model);
  } else {
    Result<std::vector<AssetReadings>> readings = io::ReadReadingsCsv(f.input, *c.fs);
    if (!readings.ok()) return ReportFailureTo(c.err, readings.status());
    std::vector<Waveform> waveforms;
    if (!f.waveforms.empty()) {
      Result<std::vector<Waveform>> w = io::ReadWaveformsCsv(f.waveforms, *c.fs);
      if (!w.ok()) return ReportFailureTo(c.err, w.status());
      waveforms = std::move(*w);
    }
    scores = agent::ScoreReadings(*model, *readings, waveforms, *c.clock, f.top);
  }
  if (!scores.ok()) return ReportFailureTo(c.err, scores.status());

  std::string csv = "asset,time,score,over,alert,alert_id,top_features\n";
  int64_t scored = 0, over = 0, raised = 0;
  for (const agent::OfflineScore& s : *scores) {
    csv += s.asset + "," + (s.time_ms ? FormatTimestamp(s.time_ms) : "") + "," +
           (s.scored ? FormatDouble(s.score) : "") + "," + (s.over ? "1" : "0") + "," + s.alert +
           "," + s.alert_id + "," + TopText(s.top) + "\n";
    scored += s.scored ? 1 : 0;
    over += s.over ? 1 : 0;
    raised += s.alert == "raised" ? 1 : 0;
  }
  const bool to_stdout = f.output.empty() || f.output == "-";
  if (to_stdout) {
    std::fputs(csv.c_str(), c.out);
  } else {
    Status written = c.fs->WriteFileAtomic(f.output, csv);
    if (!written.ok()) return ReportFailureTo(c.err, written);
  }
  if (f.json && !to_stdout) {
    nlohmann::json j{{"bundle", {{"name", (*model)->name()}, {"version", (*model)->version()},
                                 {"digest", (*model)->digest}}},
                     {"input_kind", *features ? "features" : "readings"},
                     {"windows", scores->size()}, {"scored", scored}, {"over_threshold", over},
                     {"alerts_raised", raised}, {"output", f.output}};
    std::fprintf(c.out, "%s\n", j.dump().c_str());
  } else if (!to_stdout) {
    std::fprintf(c.out, "%s v%lld (%s): %zu windows from %s, %lld scored, %lld over %s, %lld alerts "
                        "raised -> %s\n",
                 (*model)->name().c_str(), static_cast<long long>((*model)->version()),
                 ShortDigest((*model)->digest).c_str(), scores->size(),
                 *features ? "feature rows" : "readings", static_cast<long long>(scored),
                 static_cast<long long>(over), FormatDouble((*model)->threshold).c_str(),
                 static_cast<long long>(raised), f.output.c_str());
  }
  return kExitOk;
}

}  // namespace edgeloop::app
