// Reading messages: the JSON payload of one MQTT message, which carries one row or one burst.
//
//   row:   {"asset":"P001","time":"2026-01-01T00:00:00Z","values":{"flow":12.5,"temp":null}}
//          ("time_ms": <int> may replace "time"; a null value is a missing reading)
//   burst: {"asset":"P001","signal":"vib_de_raw","start_ms":1767225600000,"rate_hz":12000,
//           "samples":[0.12,-0.5,...]}
//
// Encode writes what the publisher sends (rows with "time", values in signal order, NaN as null;
// samples in their shortest float form, so encode then decode is bit-exact). Decode accepts
// either shape and returns InvalidArgument naming the field that is wrong ("reading message:
// field 'values.flow' must be a number or null"). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "base/readings.h"
#include "base/status.h"
#include "io/source.h"

namespace edgeloop::io {

using ReadingMessage = std::variant<SourceRow, Waveform>;

std::string EncodeRowMessage(const SourceRow& row);
std::string EncodeBurstMessage(const Waveform& burst);
Result<ReadingMessage> DecodeReadingMessage(std::string_view payload);

}  // namespace edgeloop::io
