// albatross: a local AWS emulator for ALB + ECS behaviour. See README.md.

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "emulator/app.hpp"
#include "emulator/config.hpp"
#include "emulator/log.hpp"
#include "emulator/status_command.hpp"

int main(int argc, char** argv) {
  using namespace albatross;
  if (argc > 1 && std::string(argv[1]) == "status")  // a client of a running emulator, not the emulator
    return run_status_command(std::vector<std::string>(argv + 2, argv + argc));
  Config config;
  try {
    config = parse_config(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const ConfigError& error) {
    std::fprintf(error.help ? stdout : stderr, "%s%s", error.message.c_str(), error.help ? "" : "\n");
    return error.help ? 0 : 2;
  }
  log::set_level(config.log_level);
  try {
    App app(config);
    return app.run();
  } catch (const std::exception& e) {
    log::error(std::string("fatal: ") + e.what());
    return 1;
  }
}
