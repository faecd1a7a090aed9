#pragma once
// Process configuration from command-line flags and ALBATROSS_* environment variables
// (a flag wins over its variable).

#include <string>
#include <vector>

namespace albatross {

enum class LogLevel { Debug, Info, Warn, Error };

struct Config {
  std::string listen_host = "127.0.0.1";
  unsigned short listen_port = 4566;
  std::string state_dir;  // empty = a per-user default, see resolve_state_dir()
  std::string account_id = "000000000000";
  std::string region = "us-east-1";
  LogLevel log_level = LogLevel::Info;
  double time_scale = 1.0;
  // The ECR registry's own listener (docker push/pull); port 0 = ephemeral.
  std::string registry_host = "127.0.0.1";
  unsigned short registry_port = 4510;
  // Security groups filter load-balancer traffic (listeners and targets), as on AWS; off lets everything through.
  bool security_groups = true;
};

// Why a configuration could not be built; `help` = the user asked for --help.
struct ConfigError {
  std::string message;
  bool help = false;
};

// Parses argv (without argv[0]) over the environment. Throws ConfigError.
Config parse_config(const std::vector<std::string>& args);
// --help text.
std::string usage_text();
// The state directory to use: the configured one, else $XDG_STATE_HOME/albatross or ~/.local/state/albatross.
std::string resolve_state_dir(const Config& config);

}  // namespace albatross
