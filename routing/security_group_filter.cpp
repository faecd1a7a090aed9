#include "routing/security_group_filter.hpp"

#include <algorithm>

#include "routing/rule_matcher.hpp"

namespace albatross::routing {
namespace {

bool same_prefix(const Cidr& a, const Cidr& b, int bits) {
  for (int bit = 0; bit < bits; ++bit) {
    const auto mask = static_cast<std::uint8_t>(0x80 >> (bit % 8));
    if ((a.address[bit / 8] & mask) != (b.address[bit / 8] & mask)) return false;
  }
  return true;
}

bool port_matches(const IngressRule& rule, int port) {
  if (rule.all_protocols) return true;
  return rule.tcp && rule.from_port <= port && port <= rule.to_port;
}

bool peer_matches(const IngressRule& rule, const TrafficSource& source) {
  if (!rule.source_group.empty())
    return std::find(source.security_groups.begin(), source.security_groups.end(), rule.source_group) !=
           source.security_groups.end();
  if (!rule.cidr) return false;  // a prefix list: AWS-managed address sets, none of them local
  if (source.address && cidr_covers(*rule.cidr, *source.address)) return true;
  return std::any_of(source.networks.begin(), source.networks.end(),
                     [&](const Cidr& network) { return cidrs_overlap(*rule.cidr, network); });
}

}  // namespace

std::optional<Cidr> host_cidr(std::string_view address) {
  constexpr std::string_view kMapped = "::ffff:";
  if (address.size() > kMapped.size() && address.substr(0, kMapped.size()) == kMapped &&
      address.find('.') != std::string_view::npos)
    address.remove_prefix(kMapped.size());
  const bool ipv6 = address.find(':') != std::string_view::npos;
  return parse_cidr(std::string(address) + (ipv6 ? "/128" : "/32"));
}

bool cidr_covers(const Cidr& outer, const Cidr& inner) {
  return outer.ipv6 == inner.ipv6 && outer.prefix_length <= inner.prefix_length &&
         same_prefix(outer, inner, outer.prefix_length);
}

bool cidrs_overlap(const Cidr& a, const Cidr& b) {
  return a.ipv6 == b.ipv6 && same_prefix(a, b, std::min(a.prefix_length, b.prefix_length));
}

bool rule_allows_tcp(const IngressRule& rule, int port, const TrafficSource& source) {
  return port_matches(rule, port) && peer_matches(rule, source);
}

bool allows_tcp(const SecurityPolicy& policy, int port, const TrafficSource& source) {
  if (!policy.enforced) return true;
  return std::any_of(policy.rules.begin(), policy.rules.end(),
                     [&](const IngressRule& rule) { return rule_allows_tcp(rule, port, source); });
}

TrafficSource client_source(const Snapshot& snapshot, const LoadBalancer& lb, std::string_view client_address) {
  const auto task = snapshot.task_sources.find(std::string(client_address));
  if (task != snapshot.task_sources.end() && task->second.account_id == lb.account_id &&
      task->second.region == lb.region)
    return task->second.source;
  TrafficSource source;
  source.address = host_cidr(client_address);
  return source;
}

bool load_balancer_admits(const Snapshot& snapshot, const LoadBalancer& lb, int port, std::string_view client_address) {
  if (!lb.ingress.enforced) return true;
  return allows_tcp(lb.ingress, port, client_source(snapshot, lb, client_address));
}

bool any_listener_admits(const Snapshot& snapshot, const std::vector<std::string>& listener_arns,
                         std::string_view client_address) {
  for (const auto& arn : listener_arns)
    for (const auto& listener : snapshot.listeners) {
      if (listener.arn != arn) continue;
      const auto lb = snapshot.load_balancers.find(listener.load_balancer_arn);
      if (lb == snapshot.load_balancers.end() ||
          load_balancer_admits(snapshot, lb->second, listener.port, client_address))
        return true;
    }
  return false;
}

}  // namespace albatross::routing
