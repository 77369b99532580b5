#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP: the command stops at once, its unfinished output is removed, and an
// earlier output it was to replace stays as it was. Exit code 128 + the signal's number (130 for Ctrl-C).

namespace carereach::cli {

/// Call first thing in main, before any other thread starts: blocks the signals in every thread and starts the
/// one thread that waits for them.
void handle_interrupts();

}  // namespace carereach::cli
