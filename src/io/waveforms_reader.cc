#include "io/waveforms_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <tuple>

#include "base/strings.h"
#include "base/time_format.h"
#include "io/csv_reader.h"
#include "io/csv_writer.h"

namespace edgeloop::io {
namespace {

constexpr char kHeader[] = "time,asset,signal,rate_hz,samples";

// A finite float from the whole of `text`, correctly rounded (no detour through double).
bool ParseSample(std::string_view text, float* sample) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *sample);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(*sample);
}

Status ParseSamples(const CsvReader& reader, std::string_view text, std::vector<float>* samples) {
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t') ++j;
    float sample = 0;
    if (!ParseSample(text.substr(i, j - i), &sample)) {
      return reader.Error("sample " + std::to_string(samples->size() + 1) + " '" +
                          std::string(text.substr(i, j - i)) + "' is not a finite number");
    }
    samples->push_back(sample);
    i = j;
  }
  if (samples->empty()) return reader.Error("no samples");
  return Status::Ok();
}

Status CheckRate(double rate_hz, const std::string& what) {
  if (!(rate_hz > 0) || !std::isfinite(rate_hz)) {
    return InvalidArgument(what + ": rate_hz must be a positive number, got " +
                           FormatDouble(rate_hz));
  }
  return Status::Ok();
}

auto Key(const Waveform& w) { return std::tie(w.start_ms, w.asset, w.signal); }

}  // namespace

Result<std::vector<Waveform>> ReadWaveformsCsv(const std::string& path, FileSystem& fs) {
  EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  return ParseWaveformsCsv(path, std::move(text));
}

Result<std::vector<Waveform>> ParseWaveformsCsv(std::string name, std::string text) {
  EL_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader,
                      CsvReader::FromString(std::move(name), std::move(text)));
  std::vector<std::string> lower;
  for (const std::string& column : reader->header()) lower.push_back(ToLower(column));
  if (Join(lower, ",") != kHeader) {
    return InvalidArgument(reader->name() + ":1: expected the header '" + kHeader + "', found '" +
                           Join(reader->header(), ",") + "'");
  }
  std::vector<Waveform> waveforms;
  std::vector<int64_t> lines;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_record, reader->Next());
    if (!has_record) break;
    EL_RETURN_IF_ERROR(reader->ExpectFields(5));
    Waveform waveform;
    Result<int64_t> time = ParseTimestamp((*reader)[0]);
    if (!time.ok()) return reader->Error("column time: " + time.status().message());
    waveform.start_ms = *time;
    waveform.asset = std::string(Trim((*reader)[1]));
    if (waveform.asset.empty()) return reader->Error("empty asset");
    waveform.signal = std::string(Trim((*reader)[2]));
    if (waveform.signal.empty()) return reader->Error("empty signal");
    Result<double> rate = ParseDouble((*reader)[3]);
    if (!rate.ok()) return reader->Error("column rate_hz: " + rate.status().message());
    waveform.rate_hz = *rate;
    Status rate_ok = CheckRate(waveform.rate_hz, "column rate_hz");
    if (!rate_ok.ok()) return reader->Error(rate_ok.message());
    EL_RETURN_IF_ERROR(ParseSamples(*reader, (*reader)[4], &waveform.samples));
    waveforms.push_back(std::move(waveform));
    lines.push_back(reader->line());
  }
  std::vector<size_t> order(waveforms.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return Key(waveforms[a]) < Key(waveforms[b]); });
  for (size_t k = 1; k < order.size(); ++k) {
    if (Key(waveforms[order[k]]) == Key(waveforms[order[k - 1]])) {
      const Waveform& w = waveforms[order[k]];
      return InvalidArgument(reader->name() + ":" + std::to_string(lines[order[k]]) +
                             ": duplicated waveform of signal " + w.signal + " at " +
                             FormatTimestamp(w.start_ms) + " for asset " + w.asset +
                             " (first seen on line " + std::to_string(lines[order[k - 1]]) + ")");
    }
  }
  std::vector<Waveform> sorted;
  sorted.reserve(waveforms.size());
  for (size_t index : order) sorted.push_back(std::move(waveforms[index]));
  return sorted;
}

Result<std::string> FormatWaveformsCsv(const std::vector<Waveform>& waveforms) {
  std::vector<const Waveform*> sorted;
  for (const Waveform& w : waveforms) sorted.push_back(&w);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Waveform* a, const Waveform* b) { return Key(*a) < Key(*b); });
  std::string out = std::string(kHeader) + "\n";
  char buf[32];
  for (const Waveform* w : sorted) {
    const std::string what =
        "waveform " + w->asset + "/" + w->signal + " at " + FormatTimestamp(w->start_ms);
    if (w->asset.empty() || w->signal.empty()) {
      return InvalidArgument(what + ": empty asset or signal");
    }
    EL_RETURN_IF_ERROR(CheckRate(w->rate_hz, what));
    if (w->samples.empty()) return InvalidArgument(what + ": no samples");
    out += FormatTimestamp(w->start_ms);
    out += ',';
    AppendCsvField(&out, w->asset);
    out += ',';
    AppendCsvField(&out, w->signal);
    out += ',';
    out += FormatDouble(w->rate_hz);
    out += ',';
    for (size_t i = 0; i < w->samples.size(); ++i) {
      if (!std::isfinite(w->samples[i])) {
        return InvalidArgument(what + ": sample " + std::to_string(i + 1) + " is not finite");
      }
      if (i) out += ' ';
      auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, w->samples[i]);
      out.append(buf, ptr);
    }
    out += '\n';
  }
  return out;
}

Status WriteWaveformsCsv(const std::vector<Waveform>& waveforms, const std::string& path,
                         FileSystem& fs) {
  Result<std::string> text = FormatWaveformsCsv(waveforms);
  if (!text.ok()) return text.status().WithContext(path);
  return fs.WriteFileAtomic(path, *text);
}

Result<Waveform> ReadSampleColumnCsv(const std::string& path, FileSystem& fs,
                                     const SampleColumnOptions& options) {
  EL_ASSIGN_OR_RETURN(std::string text, fs.ReadFile(path));
  return ParseSampleColumnCsv(path, std::move(text), options);
}

Result<Waveform> ParseSampleColumnCsv(std::string name, std::string text,
                                      const SampleColumnOptions& options) {
  EL_RETURN_IF_ERROR(CheckRate(options.rate_hz, name));
  EL_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader,
                      CsvReader::FromString(std::move(name), std::move(text)));
  if (reader->header().size() != 1 || reader->header()[0].empty()) {
    return InvalidArgument(reader->name() +
                           ":1: expected a one-column header such as 'accel_g', "
                           "found '" +
                           Join(reader->header(), ",") + "'");
  }
  Waveform waveform;
  waveform.asset = options.asset;
  waveform.signal = options.signal.empty() ? reader->header()[0] : options.signal;
  waveform.rate_hz = options.rate_hz;
  waveform.start_ms = options.start_ms;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool has_record, reader->Next());
    if (!has_record) break;
    EL_RETURN_IF_ERROR(reader->ExpectFields(1));
    float sample = 0;
    if (!ParseSample(Trim((*reader)[0]), &sample)) {
      return reader->Error("'" + std::string((*reader)[0]) + "' is not a finite number");
    }
    waveform.samples.push_back(sample);
  }
  if (waveform.samples.empty()) return InvalidArgument(reader->name() + ": no samples");
  return waveform;
}

}  // namespace edgeloop::io
