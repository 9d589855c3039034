#include "agent/request_scoring.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "agent/asset_pipeline.h"

namespace edgeloop::agent {
namespace {

std::vector<api::Contribution> Explain(const ActiveModel& model, const double* inputs, int top) {
  const size_t width = model.input_from_column.size();
  std::vector<double> c(width + 1);
  if (!model.scorer->Contributions(inputs, c.data()).ok()) return {};
  std::vector<api::Contribution> all;
  for (size_t i = 0; i < width; ++i) all.push_back({model.manifest.input_schema[i], c[i]});
  std::sort(all.begin(), all.end(), [](const api::Contribution& a, const api::Contribution& b) {
    const double x = std::abs(a.value), y = std::abs(b.value);
    return x != y ? x > y : a.feature < b.feature;
  });
  if (all.size() > static_cast<size_t>(top)) all.resize(top);
  return all;
}

}  // namespace

Result<api::ScoreResponse> ScoreRequestWith(const std::shared_ptr<const ActiveModel>& model,
                                            const api::ScoreRequest& request, const Clock& clock) {
  api::ScoreResponse response;
  response.bundle_name = model->name();
  response.model_version = model->version();
  response.bundle_digest = model->digest;
  response.threshold = model->threshold;
  const std::vector<std::string>& schema = model->manifest.input_schema;
  if (!request.readings) {
    std::unordered_map<std::string, size_t> index;
    for (size_t i = 0; i < schema.size(); ++i) index.emplace(schema[i], i);
    std::vector<double> inputs(schema.size());
    for (size_t r = 0; r < request.rows.size(); ++r) {
      std::fill(inputs.begin(), inputs.end(), std::numeric_limits<double>::quiet_NaN());
      for (const auto& [name, value] : request.rows[r].features) {
        auto it = index.find(name);
        if (it == index.end()) {
          return InvalidArgument("score request: rows[" + std::to_string(r) + "].features." + name +
                                 ": the model " + model->name() + " v" +
                                 std::to_string(model->version()) + " has no such input");
        }
        inputs[it->second] = value;
      }
      api::ScoredWindow w;
      w.asset = request.rows[r].asset;
      w.score = model->scorer->Score(inputs.data());
      w.over = w.score >= model->threshold;
      if (request.explain) w.contributions = Explain(*model, inputs.data(), request.top);
      response.results.push_back(std::move(w));
    }
    return response;
  }
  response.from_readings = true;
  const AssetReadings& readings = *request.readings;
  EL_ASSIGN_OR_RETURN(AssetPipeline pipeline,
                      AssetPipeline::Create(model, readings.asset, &clock, /*top=*/0));
  io::SourceRow row;
  row.asset = readings.asset;
  row.signals = readings.signals;
  row.values.resize(readings.signals.size());
  for (size_t i = 0; i < readings.rows(); ++i) {
    row.time_ms = readings.time_ms[i];
    for (size_t s = 0; s < readings.signals.size(); ++s) row.values[s] = readings.values[s][i];
    Status pushed = pipeline.Push(row);
    if (!pushed.ok()) return pushed.WithContext("score request: readings row " + std::to_string(i));
  }
  if (readings.rows() > 0) EL_RETURN_IF_ERROR(pipeline.Flush(readings.time_ms.back()));
  std::vector<WindowOutcome> outcomes;
  pipeline.TakeOutcomes(&outcomes);
  for (const WindowOutcome& o : outcomes) {
    if (!o.scored) continue;
    api::ScoredWindow w;
    w.asset = readings.asset;
    w.window_end_ms = o.window_end_ms;
    w.score = o.score;
    w.over = o.score >= model->threshold;
    if (request.explain) w.contributions = Explain(*model, o.inputs.data(), request.top);
    response.results.push_back(std::move(w));
  }
  return response;
}

}  // namespace edgeloop::agent
