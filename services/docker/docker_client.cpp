#include "services/docker/docker_client.hpp"

#include <nlohmann/json.hpp>

#include "emulator/log.hpp"
#include "services/docker/api_version.hpp"
#include "services/docker/image_reference.hpp"

namespace albatross::docker {
namespace {

using nlohmann::json;

std::string daemon_message(const std::string& body) {
  const auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("message") && parsed["message"].is_string())
    return parsed["message"].get<std::string>();
  std::string trimmed = body.substr(0, 500);
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
  return trimmed;
}

json parse_body(const HttpReply& reply, const std::string& what) {
  auto parsed = json::parse(reply.body, nullptr, false);
  if (parsed.is_discarded()) throw DockerError(reply.status, what + ": the Docker daemon sent invalid JSON");
  return parsed;
}

std::string esc(const std::string& text) { return DockerTransport::escape(text); }

// Image names keep their '/', ':' and '@' in paths (the daemon's router expects them raw).
std::string image_path(const std::string& name) {
  std::string out;
  for (const char c : name) out += (c == '/' || c == ':' || c == '@') ? std::string(1, c) : esc(std::string(1, c));
  return out;
}

}  // namespace

void throw_if_failed(const HttpReply& reply, const std::string& what) {
  if (reply.status >= 200 && reply.status < 300) return;
  throw DockerError(reply.status, what + ": " + daemon_message(reply.body) + " (HTTP " + std::to_string(reply.status) + ")");
}

DockerClient::DockerClient(DockerClientOptions options)
    : options_(std::move(options)), transport_(options_.endpoint) {}

HttpReply DockerClient::call(const std::string& method, const std::string& target, const std::string& body,
                             std::optional<std::chrono::milliseconds> timeout, std::vector<std::string> headers) {
  HttpCall http{method, versioned(target), body, std::move(headers), timeout.value_or(options_.timeout)};
  return transport_.send(http);
}

std::string DockerClient::versioned(const std::string& path) { return "/v" + api_version() + path; }

bool DockerClient::ping() const {
  try {
    return transport_.send(HttpCall{"GET", "/_ping", {}, {}, std::chrono::milliseconds(5000)}).status == 200;
  } catch (const DockerError&) {
    return false;
  }
}

VersionInfo DockerClient::version() const {
  const auto reply = transport_.send(HttpCall{"GET", "/version", {}, {}, options_.timeout});
  throw_if_failed(reply, "docker version");
  return parse_version(parse_body(reply, "docker version"));
}

std::string DockerClient::api_version() {
  std::lock_guard lock(version_mutex_);
  if (api_version_.empty()) {
    const auto info = version();
    try {
      api_version_ = negotiate_api_version(info.api_version);
    } catch (const std::runtime_error& e) {
      throw DockerError(0, e.what());
    }
    log::debug("docker: daemon " + info.version + " at " + transport_.endpoint().host + ", speaking API " + api_version_);
  }
  return api_version_;
}

std::optional<ImageInfo> DockerClient::inspect_image(const std::string& name) {
  const auto reply = call("GET", "/images/" + image_path(name) + "/json");
  if (reply.status == 404) return std::nullopt;
  throw_if_failed(reply, "inspect image " + name);
  return parse_image(parse_body(reply, "inspect image " + name));
}

void DockerClient::pull_image(const std::string& reference, const PullOptions& options) {
  const auto ref = parse_image_reference(reference);
  std::string target = versioned("/images/create?fromImage=" + esc(ref.repository) + "&tag=" +
                                 esc(ref.digest.empty() ? ref.tag : ref.digest));
  std::vector<std::string> headers;
  if (!options.registry_auth.empty()) headers.push_back("X-Registry-Auth: " + options.registry_auth);
  // The reply is 200 with one JSON message per line; a failure mid-way arrives as {"error": …} in the stream.
  std::string pending;
  std::string failure;
  auto on_line = [&](const std::string& line) {
    const auto message = json::parse(line, nullptr, false);
    if (!message.is_object()) return;
    if (message.contains("error")) {
      failure = message.value("error", std::string("unknown error"));
      return;
    }
    std::string text = message.value("status", std::string());
    if (message.contains("id")) text = message.value("id", std::string()) + ": " + text;
    if (message.contains("progress")) text += " " + message.value("progress", std::string());
    if (options.on_progress)
      options.on_progress(text);
    else
      log::debug("docker pull " + reference + ": " + text);
  };
  const auto reply = transport_.stream(
      HttpCall{"POST", target, {}, headers, options_.pull_timeout},
      [&](std::string_view chunk) {
        pending.append(chunk);
        for (auto newline = pending.find('\n'); newline != std::string::npos; newline = pending.find('\n')) {
          on_line(pending.substr(0, newline));
          pending.erase(0, newline + 1);
        }
        return true;
      },
      nullptr);
  if (!pending.empty()) on_line(pending);
  throw_if_failed(reply, "pull image " + reference);
  if (!failure.empty()) throw DockerError(500, "pull image " + reference + ": " + failure);
}

void DockerClient::remove_image(const std::string& name, bool force) {
  const auto reply = call("DELETE", "/images/" + image_path(name) + "?force=" + (force ? "1" : "0") + "&noprune=0");
  if (reply.status == 404) return;
  throw_if_failed(reply, "remove image " + name);
}

void DockerClient::tag_image(const std::string& source, const std::string& repository, const std::string& tag) {
  const auto reply = call("POST", "/images/" + image_path(source) + "/tag?repo=" + esc(repository) + "&tag=" + esc(tag));
  throw_if_failed(reply, "tag image " + source);
}

std::string DockerClient::create_container(const ContainerSpec& spec) {
  std::string target = "/containers/create";
  if (!spec.name.empty()) target += "?name=" + esc(spec.name);
  const auto reply = call("POST", target, container_create_body(spec).dump());
  throw_if_failed(reply, "create container " + (spec.name.empty() ? spec.image : spec.name));
  const auto body = parse_body(reply, "create container");
  for (const auto& warning : body.value("Warnings", json::array()))
    if (warning.is_string()) log::warn("docker create " + spec.name + ": " + warning.get<std::string>());
  return body.value("Id", std::string());
}

void DockerClient::start_container(const std::string& id) {
  const auto reply = call("POST", "/containers/" + esc(id) + "/start");
  if (reply.status == 304) return;  // already started
  throw_if_failed(reply, "start container " + id);
}

void DockerClient::stop_container(const std::string& id, std::optional<int> timeout_seconds) {
  std::string target = "/containers/" + esc(id) + "/stop";
  // The daemon waits up to t seconds before SIGKILL: allow for that plus our usual margin.
  auto timeout = options_.timeout;
  if (timeout_seconds) {
    target += "?t=" + std::to_string(*timeout_seconds);
    timeout += std::chrono::seconds(std::max(0, *timeout_seconds));
  } else {
    timeout += std::chrono::seconds(30);
  }
  const auto reply = call("POST", target, {}, timeout);
  if (reply.status == 304) return;  // already stopped
  throw_if_failed(reply, "stop container " + id);
}

void DockerClient::kill_container(const std::string& id, const std::string& signal) {
  const auto reply = call("POST", "/containers/" + esc(id) + "/kill?signal=" + esc(signal));
  throw_if_failed(reply, "kill container " + id);
}

int DockerClient::wait_container(const std::string& id, std::chrono::milliseconds timeout,
                                 const std::string& condition) {
  const auto reply = call("POST", "/containers/" + esc(id) + "/wait?condition=" + esc(condition), {}, timeout);
  throw_if_failed(reply, "wait for container " + id);
  const auto body = parse_body(reply, "wait for container " + id);
  if (body.contains("Error") && body["Error"].is_object() && body["Error"].value("Message", std::string()).size())
    throw DockerError(500, "wait for container " + id + ": " + body["Error"].value("Message", std::string()));
  return body.value("StatusCode", 0);
}

std::optional<ContainerInfo> DockerClient::inspect_container(const std::string& id) {
  const auto reply = call("GET", "/containers/" + esc(id) + "/json");
  if (reply.status == 404) return std::nullopt;
  throw_if_failed(reply, "inspect container " + id);
  return parse_container(parse_body(reply, "inspect container " + id));
}

std::optional<ContainerStats> DockerClient::container_stats(const std::string& id) {
  const auto reply = call("GET", "/containers/" + esc(id) + "/stats?stream=false&one-shot=true");
  if (reply.status == 404) return std::nullopt;
  throw_if_failed(reply, "stats of container " + id);
  return parse_container_stats(parse_body(reply, "stats of container " + id));
}

void DockerClient::remove_container(const std::string& id, bool force, bool volumes) {
  const auto reply = call("DELETE", "/containers/" + esc(id) + "?force=" + (force ? "1" : "0") +
                                        "&v=" + (volumes ? "1" : "0"));
  if (reply.status == 404) return;
  throw_if_failed(reply, "remove container " + id);
}

std::vector<ContainerSummary> DockerClient::list_containers(const Labels& label_filter, bool all) {
  const auto reply = call("GET", std::string("/containers/json?all=") + (all ? "1" : "0") +
                                     "&filters=" + esc(label_filters_json(label_filter)));
  throw_if_failed(reply, "list containers");
  std::vector<ContainerSummary> out;
  for (const auto& item : parse_body(reply, "list containers")) out.push_back(parse_container_summary(item));
  return out;
}

std::string DockerClient::create_network(const std::string& name, const Labels& labels, bool internal) {
  const json body = {{"Name", name}, {"CheckDuplicate", true}, {"Driver", "bridge"}, {"Internal", internal},
                     {"Labels", labels}};
  const auto reply = call("POST", "/networks/create", body.dump());
  throw_if_failed(reply, "create network " + name);
  return parse_body(reply, "create network " + name).value("Id", std::string());
}

std::optional<NetworkInfo> DockerClient::inspect_network(const std::string& id_or_name) {
  const auto reply = call("GET", "/networks/" + esc(id_or_name));
  if (reply.status == 404) return std::nullopt;
  throw_if_failed(reply, "inspect network " + id_or_name);
  return parse_network(parse_body(reply, "inspect network " + id_or_name));
}

void DockerClient::remove_network(const std::string& id_or_name) {
  const auto reply = call("DELETE", "/networks/" + esc(id_or_name));
  if (reply.status == 404) return;
  throw_if_failed(reply, "remove network " + id_or_name);
}

std::vector<NetworkInfo> DockerClient::list_networks(const Labels& label_filter) {
  const auto reply = call("GET", "/networks?filters=" + esc(label_filters_json(label_filter)));
  throw_if_failed(reply, "list networks");
  std::vector<NetworkInfo> out;
  for (const auto& item : parse_body(reply, "list networks")) out.push_back(parse_network(item));
  return out;
}

}  // namespace albatross::docker
