#pragma once
// `albatross status [--endpoint URL] [--watch] [--json]`: fetches GET /_albatross/state from a running
// Albatross and prints it as a tree; --watch redraws every second until Ctrl-C.

#include <string>
#include <vector>

namespace albatross {

// Returns the process exit code (0 ok, 1 the emulator could not be reached, 2 bad arguments).
int run_status_command(const std::vector<std::string>& args);

}  // namespace albatross
