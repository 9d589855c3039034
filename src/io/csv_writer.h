// Helpers for writing CSV that CsvReader reads back exactly.
#pragma once

#include <string>
#include <string_view>

namespace edgeloop::io {

// Appends `field` to `out`, quoted (with "" escapes) when it contains the separator, a quote,
// a CR or a LF; otherwise as is.
void AppendCsvField(std::string* out, std::string_view field, char separator = ',');

}  // namespace edgeloop::io
