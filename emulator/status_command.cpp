#include "emulator/status_command.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "emulator/status_tree.hpp"

namespace albatross {
namespace {

constexpr char kUsage[] =
    "usage: albatross status [--endpoint URL] [--watch] [--json]\n"
    "  Prints the load balancers, listeners, rules, target groups, targets (with health), and the ECS tasks,\n"
    "  deployments and service events of a running Albatross.\n"
    "  --endpoint URL  the emulator (default $ALBATROSS_ENDPOINT, else $AWS_ENDPOINT_URL, else http://127.0.0.1:4566)\n"
    "  --watch         redraw every second until Ctrl-C\n"
    "  --json          print the raw GET /_albatross/state document instead of the tree\n";

std::atomic<bool> interrupted{false};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// GET <endpoint>/_albatross/state; throws std::runtime_error with a reason a person can act on.
nlohmann::json fetch_state(const std::string& endpoint) {
  std::string url = endpoint;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/_albatross/state";
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("cannot initialise libcurl");
  std::string body;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");  // the emulator is local; never go through a proxy
  const CURLcode result = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (result != CURLE_OK)
    throw std::runtime_error("cannot reach Albatross at " + endpoint + ": " +
                             (error[0] ? error : curl_easy_strerror(result)) + " (is it running? see --endpoint)");
  if (status != 200)
    throw std::runtime_error(url + " answered HTTP " + std::to_string(status) +
                             " (an older Albatross without /state?)");
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(url + " did not answer JSON");
  }
}

std::string default_endpoint() {
  for (const char* name : {"ALBATROSS_ENDPOINT", "AWS_ENDPOINT_URL"})
    if (const char* value = std::getenv(name); value && *value) return value;
  return "http://127.0.0.1:4566";
}

std::string render(const nlohmann::json& state, bool as_json, bool colour) {
  return as_json ? state.dump(2) + "\n" : render_status_tree(state, {colour});
}

}  // namespace

int run_status_command(const std::vector<std::string>& args) {
  std::string endpoint = default_endpoint();
  bool watch = false, as_json = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--watch" || arg == "-w") {
      watch = true;
    } else if (arg == "--json") {
      as_json = true;
    } else if (arg == "--endpoint") {
      if (i + 1 == args.size()) {
        std::fprintf(stderr, "albatross status: --endpoint needs a URL\n%s", kUsage);
        return 2;
      }
      endpoint = args[++i];
    } else if (arg.starts_with("--endpoint=")) {
      endpoint = arg.substr(11);
    } else {
      std::fprintf(stderr, "albatross status: unknown argument '%s'\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  const bool colour = isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (!watch) {
    try {
      std::fputs(render(fetch_state(endpoint), as_json, colour).c_str(), stdout);
      return 0;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "albatross status: %s\n", e.what());
      return 1;
    }
  }
  std::signal(SIGINT, [](int) { interrupted = true; });
  std::signal(SIGTERM, [](int) { interrupted = true; });
  while (!interrupted) {
    std::string screen;
    try {
      screen = render(fetch_state(endpoint), as_json, colour);
    } catch (const std::exception& e) {
      screen = std::string("albatross status: ") + e.what() + "\n(retrying every second)\n";
    }
    // Home + clear, then the whole picture in one write so the terminal does not flicker.
    std::string frame = std::string(colour ? "\x1b[H\x1b[2J" : "") + "albatross status — " + endpoint +
                        " (Ctrl-C to stop)\n\n" + screen + (colour ? "" : "\f\n");
    std::fputs(frame.c_str(), stdout);
    std::fflush(stdout);
    for (int tick = 0; tick < 10 && !interrupted; ++tick) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return 0;
}

}  // namespace albatross
