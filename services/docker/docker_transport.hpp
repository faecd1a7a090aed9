#pragma once
// HTTP to the Docker daemon with libcurl, over a unix socket or TCP. Blocking; safe to use from several threads
// at once (one curl handle per call). Lives on the worker pool or on a streaming thread, never the control thread.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "services/docker/docker_host.hpp"

namespace albatross::docker {

struct HttpReply {
  int status = 0;
  std::string body;
};

struct HttpCall {
  std::string method = "GET";
  std::string target;                 // path and query, e.g. "/v1.41/containers/json?all=1"
  std::string body;                   // sent as application/json when not empty (or when method is POST)
  std::vector<std::string> headers;   // extra "Name: value" lines
  std::chrono::milliseconds timeout{30000};  // whole call; 0 = none (streams)
};

class DockerTransport {
 public:
  explicit DockerTransport(DockerEndpoint endpoint);

  const DockerEndpoint& endpoint() const { return endpoint_; }

  // Sends a call and returns the reply, whatever its status. Throws DockerError(0, …) when the daemon cannot be
  // reached or the call times out.
  HttpReply send(const HttpCall& call) const;

  // Sends a call and hands the body to on_data as it arrives (on 2xx replies only; an error reply's body is
  // returned in HttpReply::body). Stops when on_data returns false or *stop becomes true (checked at least
  // every ~100 ms while idle). Returns the status; throws DockerError(0, …) when the daemon cannot be reached.
  HttpReply stream(const HttpCall& call, const std::function<bool(std::string_view)>& on_data,
                   const std::atomic<bool>* stop) const;

  // Percent-encodes a query value or path segment.
  static std::string escape(std::string_view text);

 private:
  DockerEndpoint endpoint_;
};

}  // namespace albatross::docker
