#pragma once
// Where the load balancers' listeners listen, from a snapshot: for each listener port, the shared
// 127.0.0.1:<port> (every load balancer with a listener on that port; the Host header picks one) and each
// load balancer's own loopback address, plus the shared endpoints again on any extra listen address. Pure.

#include <string>
#include <vector>

#include "routing/snapshot.hpp"

namespace albatross::routing {

struct Endpoint {
  std::string address;  // "127.0.0.1" or the load balancer's own 127.x.y.z
  int port = 0;         // the listener port as configured
  std::string protocol; // HTTP, HTTPS, TCP, TLS (one protocol per endpoint; the first listener's)
  std::vector<std::string> listener_arns;  // oldest load balancer first
  bool shared = false;

  std::string key() const { return address + ":" + std::to_string(port); }
};

// `extra_addresses` (e.g. the Docker bridge gateway 172.17.0.1, so that containers reach load balancers) get a
// copy of every shared 127.0.0.1 endpoint.
std::vector<Endpoint> plan_endpoints(const Snapshot& snapshot, const std::vector<std::string>& extra_addresses = {});

}  // namespace albatross::routing
