#pragma once
// What a run (or compare, traveltime, site) has to tell its front end while it works: the progress of its long
// steps (ProgressSink) and status lines (what an interrupted earlier command left behind and what became of it).
// The pipeline never prints: the command line shows these on stderr, the Python module or a user's program may
// ignore them (the defaults do nothing) or log them.

#include <cstddef>
#include <string_view>

#include "core/progress.hpp"

namespace carereach::pipeline {

class RunObserver : public ProgressSink {
 public:
  void begin_step(std::string_view /*label*/) override {}
  void update(std::size_t /*done*/, std::size_t /*total*/) override {}
  void end_step() override {}
  /// A status message, e.g. the output folder's recovery notes (io::OutputDir::recovery_notes).
  virtual void status(std::string_view /*line*/) {}
};

}  // namespace carereach::pipeline
