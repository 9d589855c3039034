// Random: a seeded, portable pseudo-random source (xoshiro256** seeded through splitmix64).
//
// Every random choice in edgeloop draws from a Random that was given a seed, so simulations,
// splits and tests repeat exactly. The distributions are implemented here rather than taken from
// <random>, whose distributions differ between standard libraries. Not thread-safe: give each
// thread (or each simulated asset) its own, made with Fork().
#pragma once

#include <cstdint>

namespace edgeloop {

class Random {
 public:
  explicit Random(uint64_t seed);

  uint64_t seed() const { return seed_; }
  uint64_t NextU64();
  double Uniform();                       // [0, 1)
  double Uniform(double lo, double hi);   // [lo, hi)
  int64_t UniformInt(int64_t lo, int64_t hi);  // [lo, hi], inclusive
  double Normal(double mean = 0.0, double stddev = 1.0);
  double Exponential(double mean);
  bool Bernoulli(double p);

  // An independent stream derived from this one's seed and `stream`; does not advance this one.
  Random Fork(uint64_t stream) const;

 private:
  uint64_t seed_;
  uint64_t s_[4];
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

}  // namespace edgeloop
