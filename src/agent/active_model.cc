#include "agent/active_model.h"

#include <unordered_map>
#include <utility>

namespace edgeloop::agent {

Result<std::shared_ptr<const ActiveModel>> ActiveModel::FromBundle(bundle::VerifiedBundle b) {
  auto model = std::make_shared<ActiveModel>();
  model->digest = std::move(b.digest);
  model->manifest = std::move(b.manifest);
  model->spec = std::move(b.feature_spec);
  model->columns = model->spec.Columns();
  model->scorer = std::move(b.scorer);
  model->threshold = model->manifest.threshold;
  model->alert_policy = model->manifest.alert_policy;

  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < model->columns.size(); ++i) index.emplace(model->columns[i], i);
  for (const std::string& input : model->manifest.input_schema) {
    auto it = index.find(input);
    if (it == index.end()) {
      return InvalidArgument("bundle " + model->manifest.name + " v" +
                             std::to_string(model->manifest.version) + ": model input '" + input +
                             "' is not a column of its feature spec");
    }
    model->input_from_column.push_back(it->second);
  }
  auto ends_with = [](const std::string& name, const std::string& suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  for (size_t i = 0; i < model->manifest.input_schema.size(); ++i) {
    const std::string& input = model->manifest.input_schema[i];
    if (!ends_with(input, "__missing") && !ends_with(input, "__stuck") &&
        !ends_with(input, "__out_of_range")) {
      model->data_inputs.push_back(i);
    }
  }
  for (const features::SignalSpec& s : model->spec.signals) {
    if (!s.health) continue;
    HealthColumns h;
    h.signal = s.name;
    auto find = [&](const std::string& suffix) {
      auto it = index.find(s.name + "__" + suffix);
      return it == index.end() ? -1 : static_cast<int>(it->second);
    };
    h.missing = find("missing");
    h.stuck = find("stuck");
    h.out_of_range = find("out_of_range");
    model->health.push_back(std::move(h));
  }
  return std::shared_ptr<const ActiveModel>(std::move(model));
}

void ActiveModel::SelectInputs(const double* column_values, double* inputs) const {
  for (size_t i = 0; i < input_from_column.size(); ++i) inputs[i] = column_values[input_from_column[i]];
}

}  // namespace edgeloop::agent
