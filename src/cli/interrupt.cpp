#include "cli/interrupt.hpp"

#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <string>
#include <thread>

#include "io/output_folder.hpp"

namespace carereach::cli {

namespace {

sigset_t interrupt_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

/// Waits for a signal on its own thread (not in a signal handler), so that removing folders is allowed here.
void watch(sigset_t set) {
  int sig = 0;
  if (sigwait(&set, &sig) != 0) return;
  const std::string name = sig == SIGINT ? "Ctrl-C" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
  const std::string line = "\ncarereach: interrupted (" + name +
                           ") 已中断: the unfinished output is removed; an earlier output is left as it was\n";
  if (::write(STDERR_FILENO, line.data(), line.size()) < 0) {
    // nothing more can be said
  }
  io::remove_temporaries_after_interrupt();
  ::_exit(128 + sig);
}

}  // namespace

void handle_interrupts() {
  sigset_t set = interrupt_signals();
  if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return;
  std::thread(watch, set).detach();
}

}  // namespace carereach::cli
