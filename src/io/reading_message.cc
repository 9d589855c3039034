#include "io/reading_message.h"

#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/time_format.h"

namespace edgeloop::io {
namespace {

using Json = nlohmann::ordered_json;

Status FieldError(std::string_view field, std::string_view expected) {
  return InvalidArgument("reading message: field '" + std::string(field) + "' " +
                         std::string(expected));
}

Result<std::string> NonEmptyString(const Json& doc, std::string_view field) {
  auto it = doc.find(field);
  if (it == doc.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return FieldError(field, "must be a non-empty string");
  }
  return it->get<std::string>();
}

Result<SourceRow> DecodeRow(const Json& doc) {
  SourceRow row;
  EL_ASSIGN_OR_RETURN(row.asset, NonEmptyString(doc, "asset"));
  if (auto t = doc.find("time_ms"); t != doc.end()) {
    if (!t->is_number_integer()) return FieldError("time_ms", "must be an integer");
    row.time_ms = t->get<int64_t>();
  } else if (auto t = doc.find("time"); t != doc.end() && t->is_string()) {
    Result<int64_t> parsed = ParseTimestamp(t->get_ref<const std::string&>());
    if (!parsed.ok()) return FieldError("time", "is not a timestamp: " + parsed.status().message());
    row.time_ms = *parsed;
  } else {
    return FieldError("time", "must be a timestamp string (or give an integer 'time_ms')");
  }
  auto values_it = doc.find("values");
  if (values_it == doc.end() || !values_it->is_object()) {
    return FieldError("values", "must be an object");
  }
  const Json& values = *values_it;
  for (const auto& [name, value] : values.items()) {
    if (value.is_null()) {
      row.values.push_back(std::numeric_limits<double>::quiet_NaN());
    } else if (value.is_number()) {
      row.values.push_back(value.get<double>());
    } else {
      return FieldError("values." + name, "must be a number or null");
    }
    row.signals.push_back(name);
  }
  return row;
}

Result<Waveform> DecodeBurst(const Json& doc) {
  Waveform burst;
  EL_ASSIGN_OR_RETURN(burst.asset, NonEmptyString(doc, "asset"));
  EL_ASSIGN_OR_RETURN(burst.signal, NonEmptyString(doc, "signal"));
  auto start = doc.find("start_ms");
  if (start == doc.end() || !start->is_number_integer()) {
    return FieldError("start_ms", "must be an integer");
  }
  burst.start_ms = start->get<int64_t>();
  auto rate = doc.find("rate_hz");
  if (rate == doc.end() || !rate->is_number() || !(rate->get<double>() > 0)) {
    return FieldError("rate_hz", "must be a positive number");
  }
  burst.rate_hz = rate->get<double>();
  auto samples_it = doc.find("samples");
  if (samples_it == doc.end() || !samples_it->is_array() || samples_it->empty()) {
    return FieldError("samples", "must be a non-empty array of numbers");
  }
  const Json& samples = *samples_it;
  burst.samples.reserve(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    if (!samples[i].is_number()) {
      return FieldError("samples[" + std::to_string(i) + "]", "must be a number");
    }
    burst.samples.push_back(static_cast<float>(samples[i].get<double>()));
  }
  return burst;
}

}  // namespace

std::string EncodeRowMessage(const SourceRow& row) {
  Json doc;
  doc["asset"] = row.asset;
  doc["time"] = FormatTimestamp(row.time_ms);
  Json values = Json::object();
  for (size_t i = 0; i < row.signals.size() && i < row.values.size(); ++i) {
    if (std::isfinite(row.values[i])) {
      values[row.signals[i]] = row.values[i];
    } else {
      values[row.signals[i]] = nullptr;
    }
  }
  doc["values"] = std::move(values);
  return doc.dump();
}

std::string EncodeBurstMessage(const Waveform& burst) {
  // Samples are written by hand in their shortest float form: the JSON library would print
  // the float widened to double (0.1f as 0.10000000149011612), doubling the payload.
  std::string text = "{\"asset\":" + Json(burst.asset).dump() +
                     ",\"signal\":" + Json(burst.signal).dump() +
                     ",\"start_ms\":" + std::to_string(burst.start_ms) +
                     ",\"rate_hz\":" + Json(burst.rate_hz).dump() + ",\"samples\":[";
  char buffer[32];
  for (size_t i = 0; i < burst.samples.size(); ++i) {
    if (i > 0) text += ',';
    const float sample = std::isfinite(burst.samples[i]) ? burst.samples[i] : 0.0f;
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), sample);
    text.append(buffer, end);
  }
  text += "]}";
  return text;
}

Result<ReadingMessage> DecodeReadingMessage(std::string_view payload) {
  try {
    Json doc = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return InvalidArgument("reading message: payload is not valid JSON");
    if (!doc.is_object()) return InvalidArgument("reading message: payload must be a JSON object");
    if (doc.contains("samples")) {
      EL_ASSIGN_OR_RETURN(Waveform burst, DecodeBurst(doc));
      return ReadingMessage(std::move(burst));
    }
    EL_ASSIGN_OR_RETURN(SourceRow row, DecodeRow(doc));
    return ReadingMessage(std::move(row));
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("reading message: ") + e.what());
  }
}

}  // namespace edgeloop::io
