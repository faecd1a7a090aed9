#include "emulator/config.hpp"

#include <cstdlib>
#include <regex>
#include <string_view>

namespace albatross {
namespace {

struct Option {
  std::string_view flag;
  std::string_view env;
  void (*apply)(Config&, const std::string&);
};

unsigned short parse_port(const std::string& text) {
  char* end = nullptr;
  const long port = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || port < 0 || port > 65535)
    throw ConfigError{"invalid port '" + text + "'"};
  return static_cast<unsigned short>(port);
}

// HOST:PORT, :PORT or PORT; IPv6 as [::1]:PORT. An absent host leaves `host` as it is.
void parse_host_port(const std::string& value, std::string& host_out, unsigned short& port_out) {
  const auto colon = value.rfind(':');
  if (colon == std::string::npos) {
    port_out = parse_port(value);
    return;
  }
  std::string host = value.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (!host.empty()) host_out = host;
  port_out = parse_port(value.substr(colon + 1));
}

void apply_listen(Config& config, const std::string& value) {
  parse_host_port(value, config.listen_host, config.listen_port);
}

void apply_registry_listen(Config& config, const std::string& value) {
  parse_host_port(value, config.registry_host, config.registry_port);
}

void apply_account(Config& config, const std::string& value) {
  if (!std::regex_match(value, std::regex("[0-9]{12}")))
    throw ConfigError{"account id must be 12 digits, got '" + value + "'"};
  config.account_id = value;
}

void apply_region(Config& config, const std::string& value) {
  if (!std::regex_match(value, std::regex("[a-z]{2}(-[a-z]+)+-[0-9]+")))
    throw ConfigError{"invalid region '" + value + "'"};
  config.region = value;
}

void apply_log_level(Config& config, const std::string& value) {
  if (value == "debug") config.log_level = LogLevel::Debug;
  else if (value == "info") config.log_level = LogLevel::Info;
  else if (value == "warn" || value == "warning") config.log_level = LogLevel::Warn;
  else if (value == "error") config.log_level = LogLevel::Error;
  else throw ConfigError{"log level must be debug, info, warn or error, got '" + value + "'"};
}

void apply_time_scale(Config& config, const std::string& value) {
  char* end = nullptr;
  const double scale = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !(scale >= 0.0001 && scale <= 1000.0))
    throw ConfigError{"time scale must be a number from 0.0001 to 1000, got '" + value + "'"};
  config.time_scale = scale;
}

void apply_security_groups(Config& config, const std::string& value) {
  if (value == "on") config.security_groups = true;
  else if (value == "off") config.security_groups = false;
  else throw ConfigError{"security groups must be on or off, got '" + value + "'"};
}

constexpr Option kOptions[] = {
    {"--listen", "ALBATROSS_LISTEN", apply_listen},
    {"--state-dir", "ALBATROSS_STATE_DIR", [](Config& c, const std::string& v) { c.state_dir = v; }},
    {"--account-id", "ALBATROSS_ACCOUNT_ID", apply_account},
    {"--region", "ALBATROSS_REGION", apply_region},
    {"--log-level", "ALBATROSS_LOG_LEVEL", apply_log_level},
    {"--time-scale", "ALBATROSS_TIME_SCALE", apply_time_scale},
    {"--registry-listen", "ALBATROSS_REGISTRY_LISTEN", apply_registry_listen},
    {"--security-groups", "ALBATROSS_SECURITY_GROUPS", apply_security_groups},
};

const Option* find_option(std::string_view flag) {
  for (const auto& option : kOptions)
    if (option.flag == flag) return &option;
  return nullptr;
}

}  // namespace

Config parse_config(const std::vector<std::string>& args) {
  Config config;
  for (const auto& option : kOptions)
    if (const char* value = std::getenv(std::string(option.env).c_str()); value && *value)
      option.apply(config, value);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") throw ConfigError{usage_text(), true};
    const auto equals = arg.find('=');
    const std::string flag = arg.substr(0, equals);
    const Option* option = find_option(flag);
    if (!option) throw ConfigError{"unknown option '" + arg + "' (see --help)"};
    std::string value;
    if (equals != std::string::npos) value = arg.substr(equals + 1);
    else if (i + 1 < args.size()) value = args[++i];
    else throw ConfigError{"option " + flag + " needs a value"};
    option->apply(config, value);
  }
  return config;
}

std::string usage_text() {
  return "usage: albatross [options]\n"
         "  --listen HOST:PORT   API address (ALBATROSS_LISTEN, default 127.0.0.1:4566)\n"
         "  --state-dir DIR      state directory (ALBATROSS_STATE_DIR, default ~/.local/state/albatross)\n"
         "  --account-id ID      default 12-digit account (ALBATROSS_ACCOUNT_ID, default 000000000000)\n"
         "  --region REGION      default region (ALBATROSS_REGION, default us-east-1)\n"
         "  --log-level LEVEL    debug|info|warn|error (ALBATROSS_LOG_LEVEL, default info)\n"
         "  --time-scale F       factor on every emulated delay (ALBATROSS_TIME_SCALE, default 1.0)\n"
         "  --registry-listen HOST:PORT  ECR registry address for docker push/pull (ALBATROSS_REGISTRY_LISTEN,\n"
         "                       default 127.0.0.1:4510; a taken port falls back to a free one)\n"
         "  --security-groups on|off  security groups filter load-balancer traffic (ALBATROSS_SECURITY_GROUPS,\n"
         "                       default on)\n";
}

std::string resolve_state_dir(const Config& config) {
  if (!config.state_dir.empty()) return config.state_dir;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/albatross";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/state/albatross";
  return "./albatross-state";
}

}  // namespace albatross
