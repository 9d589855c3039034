#include "features/window_extractor.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <set>

#include "base/strings.h"
#include "base/time_format.h"
#include "features/internal/feature_builder.h"
#include "features/internal/moments.h"
#include "features/spectral.h"

namespace edgeloop::features {

using internal::Block;
using internal::SpectralSum;

int64_t BlockEndFor(int64_t time_ms, int64_t hop_ms) {
  int64_t rem = time_ms % hop_ms;
  if (rem < 0) rem += hop_ms;
  return rem == 0 ? time_ms : time_ms - rem + hop_ms;
}

namespace {

int64_t FloorToHop(int64_t time_ms, int64_t hop_ms) {
  int64_t rem = time_ms % hop_ms;
  if (rem < 0) rem += hop_ms;
  return time_ms - rem;
}

}  // namespace

// Everything lives behind one pointer so the extractor moves cheaply and the builder's pointer
// to the spec stays valid.
struct WindowExtractor::State {
  explicit State(const FeatureSpec& s) : spec(s), builder(&spec) {}

  FeatureSpec spec;
  internal::FeatureBuilder builder;
  std::string asset;
  std::vector<std::string> columns;
  size_t input_width = 0;
  std::vector<size_t> signal_column;  // per spec signal: index in the pushed rows
  int64_t hop = 0;

  bool started = false;
  bool has_time = false;
  int64_t last_time = 0;
  int64_t closed_through = INT64_MIN;

  // Samples of the open block (the one ending at closed_through + hop), per spec signal.
  std::vector<int64_t> buffer_time;
  std::vector<std::vector<double>> buffer_values;

  // The last length/hop closed blocks; ring_next is the oldest.
  std::vector<Block> ring;
  size_t ring_next = 0;
  // Burst sums of blocks not closed yet, by block end.
  std::map<int64_t, std::vector<SpectralSum>> pending_bursts;

  internal::BlockTimes times;
  internal::BlockTimes burst_times;
  SpectralAnalyzer analyzer;
  std::vector<double> burst_samples;
  std::vector<double> burst_features;
  std::vector<const double*> signal_values;
  std::vector<const Block*> window_blocks;
  std::vector<FeatureRow> rows;

  std::string Time(int64_t ms) const { return FormatTimestamp(ms); }
  Status Refuse(const std::string& what) const {
    return InvalidArgument("asset " + asset + ": " + what);
  }

  void Start(int64_t first_block_end) {
    started = true;
    closed_through = first_block_end - hop;
  }

  Status CheckWindowCount(int64_t target) const {
    if (started && target > closed_through &&
        (target - closed_through) / hop > kMaxWindowsPerCall) {
      return Refuse("moving from " + Time(closed_through) + " to " + Time(target) +
                    " would close " + std::to_string((target - closed_through) / hop) +
                    " windows at once; is the timestamp right?");
    }
    return Status::Ok();
  }

  // Closes the block ending at `end` with samples t[0..n) (values per spec signal), then emits
  // the window ending there.
  void CloseBlock(int64_t end, const int64_t* t, const double* const* values, size_t n) {
    Block& block = ring[ring_next];
    block.end_ms = end;
    if (n > 0) times.Prepare(t, n, end);
    for (size_t s = 0; s < spec.signals.size(); ++s) {
      const SignalSpec& signal = spec.signals[s];
      block.signals[s] = n > 0 ? internal::AccumulateBlock(times, values[s], n,
                                                           signal.health && signal.has_range(),
                                                           signal.range_min, signal.range_max)
                               : internal::Moments{};
    }
    auto bursts = pending_bursts.find(end);
    for (size_t s = 0; s < spec.spectral.size(); ++s) {
      if (bursts != pending_bursts.end()) {
        block.spectral[s] = std::move(bursts->second[s]);
      } else {
        block.spectral[s].bursts = 0;
        block.spectral[s].sums.clear();
      }
    }
    if (bursts != pending_bursts.end()) pending_bursts.erase(bursts);
    ring_next = (ring_next + 1) % ring.size();

    window_blocks.clear();
    for (size_t k = 0; k < ring.size(); ++k)
      window_blocks.push_back(&ring[(ring_next + k) % ring.size()]);
    FeatureRow row;
    row.window_end_ms = end;
    row.values.resize(builder.columns());
    builder.Build(end, window_blocks, row.values.data());
    rows.push_back(std::move(row));
    closed_through = end;
  }

  // Closes every block ending at or before `target`, the buffered one included.
  void CloseThrough(int64_t target) {
    while (closed_through < target) {
      int64_t end = closed_through + hop;
      if (buffer_time.empty()) {
        CloseBlock(end, nullptr, nullptr, 0);
        continue;
      }
      signal_values.clear();
      for (const auto& column : buffer_values) signal_values.push_back(column.data());
      CloseBlock(end, buffer_time.data(), signal_values.data(), buffer_time.size());
      buffer_time.clear();
      for (auto& column : buffer_values) column.clear();
    }
  }
};

WindowExtractor::WindowExtractor(std::unique_ptr<State> state) : state_(std::move(state)) {}
WindowExtractor::~WindowExtractor() = default;
WindowExtractor::WindowExtractor(WindowExtractor&&) noexcept = default;
WindowExtractor& WindowExtractor::operator=(WindowExtractor&&) noexcept = default;

Result<WindowExtractor> WindowExtractor::Create(const FeatureSpec& spec, std::string asset,
                                                const std::vector<std::string>& input_columns) {
  EL_RETURN_IF_ERROR(spec.Validate());
  EL_RETURN_IF_ERROR(spec.ValidateAgainst(input_columns, spec.source));
  auto state = std::make_unique<State>(spec);
  state->asset = std::move(asset);
  state->columns = spec.Columns();
  state->input_width = input_columns.size();
  state->hop = spec.hop_ms;
  for (const SignalSpec& signal : spec.signals) {
    size_t index =
        std::find(input_columns.begin(), input_columns.end(), signal.name) - input_columns.begin();
    state->signal_column.push_back(index);
  }
  state->buffer_values.resize(spec.signals.size());
  state->ring.resize(static_cast<size_t>(spec.window_length_ms / spec.hop_ms));
  for (Block& block : state->ring) {
    block.signals.resize(spec.signals.size());
    block.spectral.resize(spec.spectral.size());
  }
  return WindowExtractor(std::move(state));
}

Status WindowExtractor::Push(int64_t time_ms, const double* values) {
  State& st = *state_;
  if (st.has_time && time_ms <= st.last_time) {
    return st.Refuse("timestamp " + st.Time(time_ms) + " is not after the previous one " +
                     st.Time(st.last_time));
  }
  if (st.started && time_ms <= st.closed_through) {
    return st.Refuse("timestamp " + st.Time(time_ms) + " falls in a window closed through " +
                     st.Time(st.closed_through));
  }
  int64_t block_end = BlockEndFor(time_ms, st.hop);
  EL_RETURN_IF_ERROR(st.CheckWindowCount(block_end - st.hop));
  if (!st.started) st.Start(block_end);
  st.CloseThrough(block_end - st.hop);
  st.buffer_time.push_back(time_ms);
  for (size_t s = 0; s < st.signal_column.size(); ++s) {
    st.buffer_values[s].push_back(values[st.signal_column[s]]);
  }
  st.has_time = true;
  st.last_time = time_ms;
  return Status::Ok();
}

Status WindowExtractor::PushColumns(const int64_t* time_ms, const double* const* columns,
                                    size_t rows) {
  State& st = *state_;
  if (rows == 0) return Status::Ok();
  for (size_t i = 0; i < rows; ++i) {
    bool ordered = i == 0 ? !st.has_time || time_ms[0] > st.last_time : time_ms[i] > time_ms[i - 1];
    if (!ordered) {
      int64_t previous = i == 0 ? st.last_time : time_ms[i - 1];
      return st.Refuse("timestamp " + st.Time(time_ms[i]) + " (row " + std::to_string(i) +
                       " of the batch) is not after the previous one " + st.Time(previous));
    }
  }
  if (st.started && time_ms[0] <= st.closed_through) {
    return st.Refuse("timestamp " + st.Time(time_ms[0]) + " falls in a window closed through " +
                     st.Time(st.closed_through));
  }
  int64_t first_end = BlockEndFor(time_ms[0], st.hop);
  int64_t last_end = BlockEndFor(time_ms[rows - 1], st.hop);
  if (!st.started && (last_end - first_end) / st.hop > kMaxWindowsPerCall) {
    return st.Refuse("readings from " + st.Time(time_ms[0]) + " to " + st.Time(time_ms[rows - 1]) +
                     " span too many windows");
  }
  EL_RETURN_IF_ERROR(st.CheckWindowCount(last_end - st.hop));

  size_t i = 0;
  while (i < rows) {
    int64_t block_end = BlockEndFor(time_ms[i], st.hop);
    if (!st.started) st.Start(block_end);
    st.CloseThrough(block_end - st.hop);
    size_t j = std::upper_bound(time_ms + i, time_ms + rows, block_end) - time_ms;
    if (j < rows && st.buffer_time.empty()) {
      // The whole block is here and nothing of it is buffered: summarise it in place.
      st.signal_values.clear();
      for (size_t column : st.signal_column) st.signal_values.push_back(columns[column] + i);
      st.CloseBlock(block_end, time_ms + i, st.signal_values.data(), j - i);
    } else {
      st.buffer_time.insert(st.buffer_time.end(), time_ms + i, time_ms + j);
      for (size_t s = 0; s < st.signal_column.size(); ++s) {
        const double* column = columns[st.signal_column[s]];
        st.buffer_values[s].insert(st.buffer_values[s].end(), column + i, column + j);
      }
    }
    i = j;
  }
  st.has_time = true;
  st.last_time = time_ms[rows - 1];
  return Status::Ok();
}

Status WindowExtractor::PushWaveform(const Waveform& waveform) {
  State& st = *state_;
  if (!waveform.asset.empty() && waveform.asset != st.asset) {
    return st.Refuse("waveform of asset " + waveform.asset + " pushed to this asset's extractor");
  }
  size_t index = 0;
  while (index < st.spec.spectral.size() && st.spec.spectral[index].name != waveform.signal)
    ++index;
  if (index == st.spec.spectral.size()) {
    return st.Refuse("waveform signal '" + waveform.signal +
                     "' is not a spectral signal of the feature spec");
  }
  const SpectralSignalSpec& signal = st.spec.spectral[index];
  if (!(std::fabs(waveform.rate_hz - signal.rate_hz) <= 1e-9 * signal.rate_hz)) {
    return st.Refuse("waveform '" + waveform.signal + "' at " + st.Time(waveform.start_ms) +
                     " has rate " + FormatDouble(waveform.rate_hz) + " Hz; the spec expects " +
                     FormatDouble(signal.rate_hz) + " Hz");
  }
  int64_t block_end = BlockEndFor(waveform.start_ms, st.hop);
  if (st.started && block_end <= st.closed_through) {
    return st.Refuse("waveform '" + waveform.signal + "' starting " + st.Time(waveform.start_ms) +
                     " falls in a window closed through " + st.Time(st.closed_through));
  }
  Status status = internal::BurstFeatures(signal, waveform, &st.analyzer, &st.burst_times,
                                          &st.burst_samples, &st.burst_features);
  if (!status.ok()) {
    return st.Refuse("waveform '" + waveform.signal + "' starting " + st.Time(waveform.start_ms) +
                     ": " + status.message());
  }
  if (!st.started) st.Start(block_end);
  std::vector<SpectralSum>& sums = st.pending_bursts[block_end];
  sums.resize(st.spec.spectral.size());
  SpectralSum& sum = sums[index];
  if (sum.bursts == 0) sum.sums.assign(st.burst_features.size(), 0.0);
  for (size_t k = 0; k < st.burst_features.size(); ++k) sum.sums[k] += st.burst_features[k];
  sum.bursts += 1;
  return Status::Ok();
}

Status WindowExtractor::Flush(int64_t up_to_ms) {
  State& st = *state_;
  if (!st.started) return Status::Ok();
  int64_t target = FloorToHop(up_to_ms, st.hop);
  if (target <= st.closed_through) return Status::Ok();
  EL_RETURN_IF_ERROR(st.CheckWindowCount(target));
  st.CloseThrough(target);
  return Status::Ok();
}

std::vector<FeatureRow> WindowExtractor::TakeRows() {
  std::vector<FeatureRow> rows = std::move(state_->rows);
  state_->rows.clear();
  return rows;
}

void WindowExtractor::TakeRowsInto(FeatureTable* table) {
  for (const FeatureRow& row : state_->rows) {
    table->asset.push_back(state_->asset);
    table->window_end_ms.push_back(row.window_end_ms);
    table->values.insert(table->values.end(), row.values.begin(), row.values.end());
  }
  state_->rows.clear();
}

const std::string& WindowExtractor::asset() const { return state_->asset; }
const std::vector<std::string>& WindowExtractor::columns() const { return state_->columns; }
int64_t WindowExtractor::closed_through_ms() const { return state_->closed_through; }

Result<FeatureTable> ExtractFeatures(const FeatureSpec& spec, const AssetReadings& readings,
                                     const std::vector<Waveform>& waveforms) {
  size_t rows = readings.rows();
  if (readings.values.size() != readings.signals.size()) {
    return InvalidArgument("readings of asset " + readings.asset + ": " +
                           std::to_string(readings.values.size()) + " value columns for " +
                           std::to_string(readings.signals.size()) + " signals");
  }
  for (size_t c = 0; c < readings.values.size(); ++c) {
    if (readings.values[c].size() != rows) {
      return InvalidArgument("readings of asset " + readings.asset + ": signal '" +
                             readings.signals[c] + "' has " +
                             std::to_string(readings.values[c].size()) + " values for " +
                             std::to_string(rows) + " timestamps");
    }
  }
  EL_ASSIGN_OR_RETURN(WindowExtractor extractor,
                      WindowExtractor::Create(spec, readings.asset, readings.signals));

  std::set<std::string> spectral_names;
  for (const SpectralSignalSpec& s : spec.spectral) spectral_names.insert(s.name);
  std::vector<const Waveform*> bursts;
  for (const Waveform& w : waveforms) {
    if ((w.asset.empty() || w.asset == readings.asset) && spectral_names.count(w.signal) > 0) {
      bursts.push_back(&w);
    }
  }
  std::stable_sort(bursts.begin(), bursts.end(),
                   [](const Waveform* a, const Waveform* b) { return a->start_ms < b->start_ms; });

  // Readings of the blocks before each burst's block go first, so the order is the one a
  // streaming source would deliver.
  const int64_t* time = readings.time_ms.data();
  std::vector<const double*> columns(readings.values.size());
  size_t next = 0;
  auto push_until = [&](size_t end) -> Status {
    if (end <= next) return Status::Ok();
    for (size_t c = 0; c < columns.size(); ++c) columns[c] = readings.values[c].data() + next;
    EL_RETURN_IF_ERROR(extractor.PushColumns(time + next, columns.data(), end - next));
    next = end;
    return Status::Ok();
  };
  int64_t last_time = rows > 0 ? time[rows - 1] : INT64_MIN;
  for (const Waveform* w : bursts) {
    int64_t previous_block_end = BlockEndFor(w->start_ms, spec.hop_ms) - spec.hop_ms;
    size_t end = std::upper_bound(time + next, time + rows, previous_block_end) - time;
    EL_RETURN_IF_ERROR(push_until(end));
    EL_RETURN_IF_ERROR(extractor.PushWaveform(*w));
    last_time = std::max(last_time, w->start_ms);
  }
  EL_RETURN_IF_ERROR(push_until(rows));
  if (last_time != INT64_MIN) EL_RETURN_IF_ERROR(extractor.Flush(last_time));

  FeatureTable table;
  table.columns = extractor.columns();
  extractor.TakeRowsInto(&table);
  return table;
}

Result<FeatureTable> ExtractFeatures(const FeatureSpec& spec,
                                     const std::vector<AssetReadings>& readings,
                                     const std::vector<Waveform>& waveforms) {
  FeatureTable table;
  table.columns = spec.Columns();
  std::set<std::string> assets;
  for (const AssetReadings& asset : readings) {
    if (!assets.insert(asset.asset).second) {
      return InvalidArgument("readings: asset " + asset.asset + " appears twice");
    }
    EL_ASSIGN_OR_RETURN(FeatureTable part, ExtractFeatures(spec, asset, waveforms));
    table.Append(part);
  }
  return table;
}

}  // namespace edgeloop::features
