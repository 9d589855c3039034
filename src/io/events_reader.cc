#include "io/events_reader.h"

#include <algorithm>

#include "base/sha256.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "io/csv_reader.h"
#include "io/csv_writer.h"

namespace edgeloop::io {
namespace {

constexpr char kHeader[] = "time,asset,kind,failure_mode";

Status CheckHeader(const CsvReader& reader) {
  const std::vector<std::string>& header = reader.header();
  std::vector<std::string> lower;
  for (const std::string& column : header) lower.push_back(ToLower(column));
  if (lower != std::vector<std::string>{"time", "asset", "kind", "failure_mode"}) {
    return InvalidArgument(reader.name() + ":1: expected the header '" + kHeader + "', found '" +
                           Join(header, ",") + "'");
  }
  return Status::Ok();
}

}  // namespace

void SortEvents(std::vector<Event>* events) {
  std::stable_sort(events->begin(), events->end(), [](const Event& a, const Event& b) {
    if (a.time_ms != b.time_ms) return a.time_ms < b.time_ms;
    return a.asset < b.asset;
  });
}

Result<std::vector<Event>> ReadEventsCsv(const std::string& path, FileSystem& fs) {
  EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  return ParseEventsCsv(path, std::move(text));
}

Result<std::vector<Event>> ParseEventsCsv(std::string name, std::string text) {
  EL_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader,
                      CsvReader::FromString(std::move(name), std::move(text)));
  EL_RETURN_IF_ERROR(CheckHeader(*reader));
  std::vector<Event> events;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_record, reader->Next());
    if (!has_record) break;
    EL_RETURN_IF_ERROR(reader->ExpectFields(4));
    Event event;
    Result<int64_t> time = ParseTimestamp((*reader)[0]);
    if (!time.ok()) return reader->Error("column time: " + time.status().message());
    event.time_ms = *time;
    event.asset = std::string(Trim((*reader)[1]));
    if (event.asset.empty()) return reader->Error("empty asset");
    if (!ParseEventKind((*reader)[2], &event.kind)) {
      return reader->Error("unknown event kind '" + std::string((*reader)[2]) +
                           "' (expected failure, repair, maintenance or inspection)");
    }
    event.failure_mode = std::string(Trim((*reader)[3]));
    if (event.kind == EventKind::kFailure && event.failure_mode.empty()) {
      event.failure_mode = kUnknownFailureMode;
    }
    events.push_back(std::move(event));
  }
  SortEvents(&events);
  return events;
}

Result<std::string> FormatEventsCsv(const std::vector<Event>& events) {
  std::vector<Event> sorted = events;
  SortEvents(&sorted);
  std::string out = std::string(kHeader) + "\n";
  for (const Event& event : sorted) {
    if (event.asset.empty()) {
      return InvalidArgument("event at " + FormatTimestamp(event.time_ms) + " has no asset");
    }
    out += FormatTimestamp(event.time_ms);
    out += ',';
    AppendCsvField(&out, event.asset);
    out += ',';
    out += EventKindName(event.kind);
    out += ',';
    AppendCsvField(&out, event.failure_mode);
    out += '\n';
  }
  return out;
}

Status WriteEventsCsv(const std::vector<Event>& events, const std::string& path, FileSystem& fs) {
  Result<std::string> text = FormatEventsCsv(events);
  if (!text.ok()) return text.status().WithContext(path);
  return fs.WriteFileAtomic(path, *text);
}

std::string EventsDigest(const std::vector<Event>& events) {
  std::vector<Event> sorted = events;
  SortEvents(&sorted);
  Sha256Hasher hasher;
  hasher.Update("edgeloop.events.v1");
  hasher.UpdatePod(static_cast<uint64_t>(sorted.size()));
  auto text = [&](std::string_view s) {
    hasher.UpdatePod(static_cast<uint64_t>(s.size()));
    hasher.Update(s);
  };
  for (const Event& event : sorted) {
    hasher.UpdatePod(event.time_ms);
    text(event.asset);
    text(EventKindName(event.kind));
    text(event.failure_mode);
  }
  return hasher.FinalHex();
}

}  // namespace edgeloop::io
