// `edgeloop train --config FILE [--data DIR]` and `edgeloop runs reproduce RUN`.
#pragma once

#include <string>

#include "edgeloop/app_context.h"

namespace edgeloop::app {

struct TrainFlags {
  std::string config;    // train config YAML
  std::string data_dir;  // overrides the config's data section
  bool json = false;
};

int RunTrain(const AppContext& context, const TrainFlags& flags);

struct ReproduceFlags {
  std::string run_id;
  bool json = false;
};

// Exit 0 when every input digest and the model digest match the record, 1 when any differs.
int RunReproduce(const AppContext& context, const ReproduceFlags& flags);

}  // namespace edgeloop::app
