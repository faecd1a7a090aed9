// The streaming calls of DockerClient: container logs and the event stream.
#include <nlohmann/json.hpp>

#include "services/docker/docker_client.hpp"

namespace albatross::docker {
namespace {

std::string logs_target(const std::string& id, const LogsOptions& options, bool follow) {
  return "/containers/" + DockerTransport::escape(id) + "/logs?stdout=" + (options.stdout_lines ? "1" : "0") +
         "&stderr=" + (options.stderr_lines ? "1" : "0") + "&timestamps=" + (options.timestamps ? "1" : "0") +
         "&follow=" + (follow ? "1" : "0") + "&since=" + std::to_string(options.since_seconds) +
         "&tail=" + DockerTransport::escape(options.tail);
}

}  // namespace

void DockerClient::stream_logs(const std::string& id, const LogsOptions& options, bool tty,
                               const std::function<bool(const LogLine&)>& on_line, const std::atomic<bool>* stop) {
  LogFrameDecoder decoder(!tty, options.timestamps);
  bool keep_going = true;
  const auto deliver = [&](const std::vector<LogLine>& lines) {
    for (const auto& line : lines)
      if (keep_going && !on_line(line)) keep_going = false;
    return keep_going;
  };
  const auto timeout = options.follow ? std::chrono::milliseconds(0) : options_.timeout;
  const auto reply = transport_.stream(HttpCall{"GET", versioned(logs_target(id, options, options.follow)), {}, {}, timeout},
                                       [&](std::string_view chunk) { return deliver(decoder.feed(chunk)); }, stop);
  throw_if_failed(reply, "logs of container " + id);
  if (keep_going) deliver(decoder.finish());
}

std::vector<LogLine> DockerClient::container_logs(const std::string& id, const LogsOptions& options) {
  const auto info = inspect_container(id);
  if (!info) throw DockerError(404, "logs of container " + id + ": No such container: " + id + " (HTTP 404)");
  LogsOptions once = options;
  once.follow = false;
  std::vector<LogLine> lines;
  stream_logs(id, once, info->tty, [&](const LogLine& line) { lines.push_back(line); return true; }, nullptr);
  return lines;
}

void DockerClient::stream_events(const Labels& label_filter, const std::vector<std::string>& types,
                                 std::int64_t since_seconds, const std::function<void(const DockerEvent&)>& on_event,
                                 const std::atomic<bool>* stop) {
  std::map<std::string, std::vector<std::string>> extra;
  if (!types.empty()) extra["type"] = types;
  std::string target = "/events?filters=" + DockerTransport::escape(label_filters_json(label_filter, extra));
  if (since_seconds > 0) target += "&since=" + std::to_string(since_seconds);
  std::string pending;
  const auto reply = transport_.stream(
      HttpCall{"GET", versioned(target), {}, {}, std::chrono::milliseconds(0)},
      [&](std::string_view chunk) {
        pending.append(chunk);
        for (auto newline = pending.find('\n'); newline != std::string::npos; newline = pending.find('\n')) {
          const auto message = nlohmann::json::parse(pending.substr(0, newline), nullptr, false);
          pending.erase(0, newline + 1);
          if (message.is_object()) on_event(parse_event(message));
        }
        return true;
      },
      stop);
  throw_if_failed(reply, "docker events");
}

}  // namespace albatross::docker
