#include "routing/endpoint_plan.hpp"

#include <map>

#include "routing/loopback_address.hpp"

namespace albatross::routing {

std::vector<Endpoint> plan_endpoints(const Snapshot& snapshot, const std::vector<std::string>& extra_addresses) {
  std::map<int, Endpoint> shared;  // by port
  std::vector<Endpoint> own;
  for (const auto& listener : snapshot.listeners) {
    if (listener.protocol == "UDP" || listener.protocol == "TCP_UDP" || !snapshot.load_balancers.count(listener.load_balancer_arn))
      continue;
    auto& endpoint = shared[listener.port];
    if (endpoint.listener_arns.empty()) {
      endpoint = {"127.0.0.1", listener.port, listener.protocol, {}, true};
    }
    if (endpoint.protocol == listener.protocol) endpoint.listener_arns.push_back(listener.arn);
    own.push_back({loopback_address_for(listener.load_balancer_arn), listener.port, listener.protocol, {listener.arn}, false});
  }
  std::vector<Endpoint> out;
  for (const auto& address : extra_addresses)
    for (const auto& [port, endpoint] : shared) {
      Endpoint copy = endpoint;
      copy.address = address;
      out.push_back(std::move(copy));
    }
  for (auto& [port, endpoint] : shared) out.push_back(std::move(endpoint));
  for (auto& endpoint : own) out.push_back(std::move(endpoint));
  return out;
}

}  // namespace albatross::routing
