// What a train run records for an anomaly model (kind pca or isolation_forest), beside what
// every train run records (train_job.h): its params, metrics, drift reference and readable
// report.
//
//   - params: the model section as applied (kind, fit settings, threshold rule and value), which
//     rows fitted it ("healthy_training_rows" or "all_rows"), labels, split and alert settings;
//   - metrics: model kind, threshold, the quantiles of the training scores, rows fitted, the PCA
//     components kept and the variance they explain, the alert policy, and, when failures are on
//     record, the tree path's evaluation metrics (training/report.h) on the test rows;
//   - reference: quantile histograms (drift/reference_histogram.h) of every feature and of the
//     score over the rows the model was fitted on — {"rows", "rows_rule", "histograms": [...],
//     "score": {...}}; bundles carry the feature histograms.
// Pure functions of their inputs, so a reproduction computes the same bytes. Thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "features/feature_table.h"
#include "pipeline/train_job_config.h"
#include "training/anomaly_trainer.h"

namespace edgeloop::pipeline {

// The params only anomaly models have; the caller adds what every run records.
nlohmann::json AnomalyParamsJson(const TrainJobConfig& config,
                                 const training::AnomalyTrainResult& trained);

nlohmann::json AnomalyMetricsJson(const TrainJobConfig& config,
                                  const training::AnomalyTrainResult& trained);

nlohmann::json AnomalyReferenceJson(const features::FeatureTable& table,
                                    const training::AnomalyTrainResult& trained);

// The report a person reads after `edgeloop train`: what the model was fitted on, its
// threshold, and the evaluation when there was one.
std::string RenderAnomalyReport(const TrainJobConfig& config,
                                const training::AnomalyTrainResult& trained);

}  // namespace edgeloop::pipeline
