#pragma once
// Docker Engine API client. Every call blocks (run it on the worker pool: Scheduler::offload), has a timeout,
// and throws DockerError with the daemon's message, or with why the daemon could not be reached: never hangs.
// Thread-safe: one client can serve the pool, the log followers and the event stream at once.
// Knows Docker only; ECS (or anything else) decides what to run.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/docker/container_spec.hpp"
#include "services/docker/docker_error.hpp"
#include "services/docker/docker_objects.hpp"
#include "services/docker/docker_transport.hpp"
#include "services/docker/log_frames.hpp"

namespace albatross::docker {

struct DockerClientOptions {
  DockerEndpoint endpoint = docker_endpoint_from_environment();
  std::chrono::milliseconds timeout{30000};       // default for each call
  std::chrono::milliseconds pull_timeout{600000};  // image pulls may be slow
};

struct PullOptions {
  std::string registry_auth;  // X-Registry-Auth value (registry_auth_header), empty for anonymous
  std::function<void(const std::string&)> on_progress;  // one line per status message; default: debug log
};

struct LogsOptions {
  bool stdout_lines = true;
  bool stderr_lines = true;
  bool timestamps = true;
  bool follow = false;
  std::int64_t since_seconds = 0;  // 0 = from the start
  std::string tail = "all";        // "all" or a number of lines
};

class DockerClient {
 public:
  explicit DockerClient(DockerClientOptions options = {});

  const DockerEndpoint& endpoint() const { return transport_.endpoint(); }

  // Daemon.
  bool ping() const;            // true when GET /_ping answers OK; never throws
  VersionInfo version() const;  // GET /version (unversioned)
  std::string api_version();    // negotiated once from GET /version, e.g. "1.41"

  // Images.
  std::optional<ImageInfo> inspect_image(const std::string& name);  // nullopt when absent
  void pull_image(const std::string& reference, const PullOptions& options = {});
  void remove_image(const std::string& name, bool force = false);  // absent is not an error
  void tag_image(const std::string& source, const std::string& repository, const std::string& tag);

  // Containers.
  std::string create_container(const ContainerSpec& spec);  // returns the id
  void start_container(const std::string& id);              // already running is not an error
  void stop_container(const std::string& id, std::optional<int> timeout_seconds = std::nullopt);
  void kill_container(const std::string& id, const std::string& signal = "SIGKILL");
  // Waits for `condition` (not-running: returns at once for a created container; next-exit; removed) and
  // returns the exit code; throws DockerError (timed_out()) when the timeout passes first.
  int wait_container(const std::string& id, std::chrono::milliseconds timeout,
                     const std::string& condition = "not-running");
  std::optional<ContainerInfo> inspect_container(const std::string& id);  // nullopt when absent
  void remove_container(const std::string& id, bool force = true, bool volumes = true);  // absent is fine
  // One resource-usage sample (no waiting for a second one: one-shot); nullopt when the container is absent.
  std::optional<ContainerStats> container_stats(const std::string& id);
  std::vector<ContainerSummary> list_containers(const Labels& label_filter, bool all = true);
  // The logs so far (follow is ignored), decoded into lines.
  std::vector<LogLine> container_logs(const std::string& id, const LogsOptions& options = {});
  // Streams the logs to on_line until the container stops (with follow), on_line returns false or *stop is
  // set. Blocks: run it on its own thread (LogFollower does).
  void stream_logs(const std::string& id, const LogsOptions& options, bool tty,
                   const std::function<bool(const LogLine&)>& on_line, const std::atomic<bool>* stop);

  // Networks.
  std::string create_network(const std::string& name, const Labels& labels, bool internal = false);
  std::optional<NetworkInfo> inspect_network(const std::string& id_or_name);
  void remove_network(const std::string& id_or_name);  // absent is fine
  std::vector<NetworkInfo> list_networks(const Labels& label_filter);

  // Events: streams GET /events (filtered by labels and types) to on_event until *stop is set or the
  // connection ends. Blocks; EventStream runs it on its own thread and reconnects.
  void stream_events(const Labels& label_filter, const std::vector<std::string>& types, std::int64_t since_seconds,
                     const std::function<void(const DockerEvent&)>& on_event, const std::atomic<bool>* stop);

 private:
  HttpReply call(const std::string& method, const std::string& target, const std::string& body = {},
                 std::optional<std::chrono::milliseconds> timeout = std::nullopt,
                 std::vector<std::string> headers = {});
  std::string versioned(const std::string& path);

  DockerClientOptions options_;
  DockerTransport transport_;
  std::mutex version_mutex_;
  std::string api_version_;  // empty until negotiated
};

// Throws DockerError carrying the daemon's {"message": …} for a non-2xx reply (what names the operation).
void throw_if_failed(const HttpReply& reply, const std::string& what);

}  // namespace albatross::docker
