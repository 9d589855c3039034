#include "io/csv_writer.h"

namespace edgeloop::io {

void AppendCsvField(std::string* out, std::string_view field, char separator) {
  bool needs_quotes = false;
  for (char c : field) {
    if (c == separator || c == '"' || c == '\n' || c == '\r') {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace edgeloop::io
