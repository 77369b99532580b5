#pragma once
// Progress of long steps, reported by loaders and engines to whoever shows it (the command line draws a bar
// on a terminal). Engines never print: they call a sink, which may be null.

#include <cstddef>
#include <string_view>

namespace carereach {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void begin_step(std::string_view label) = 0;
  virtual void update(std::size_t done, std::size_t total) = 0;
  virtual void end_step() = 0;
};

/// Calls begin_step/end_step on a sink that may be null.
class ProgressStep {
 public:
  ProgressStep(ProgressSink* sink, std::string_view label) : sink_(sink) {
    if (sink_ != nullptr) sink_->begin_step(label);
  }
  ~ProgressStep() {
    if (sink_ != nullptr) sink_->end_step();
  }
  ProgressStep(const ProgressStep&) = delete;
  ProgressStep& operator=(const ProgressStep&) = delete;
  void update(std::size_t done, std::size_t total) const {
    if (sink_ != nullptr) sink_->update(done, total);
  }

 private:
  ProgressSink* sink_;
};

}  // namespace carereach
