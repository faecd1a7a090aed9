#pragma once
// Security-group filtering, the pure part: whether a set of security groups lets a TCP connection to a port in
// from a source (an address, the groups it belongs to, the subnets it lives in), and which source a client of
// the data plane is. Safe on any thread; no I/O, no locks.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routing/snapshot.hpp"

namespace albatross::routing {

// The host CIDR (/32, /128) of a textual address; IPv4-mapped IPv6 ("::ffff:a.b.c.d") counts as IPv4.
std::optional<Cidr> host_cidr(std::string_view address);
// Whether every address of `inner` lies in `outer` / the two blocks share an address (same family only).
bool cidr_covers(const Cidr& outer, const Cidr& inner);
bool cidrs_overlap(const Cidr& a, const Cidr& b);

// One rule: the protocol covers TCP `port`, and the peer is one of the source's groups, or a CIDR that holds
// the source's address or overlaps one of its networks.
bool rule_allows_tcp(const IngressRule& rule, int port, const TrafficSource& source);
// Any rule of the policy allows it; an unenforced policy allows everything.
bool allows_tcp(const SecurityPolicy& policy, int port, const TrafficSource& source);

// The source a load balancer sees for a client address: an ECS task's container in the load balancer's own
// account and region brings the task's groups and subnets; anyone else is just its address (loopback clients
// match only CIDRs holding the loopback address, e.g. 0.0.0.0/0 or 127.0.0.0/8).
TrafficSource client_source(const Snapshot& snapshot, const LoadBalancer& lb, std::string_view client_address);
// Whether `lb`'s security groups accept a client connection to its listener `port`.
bool load_balancer_admits(const Snapshot& snapshot, const LoadBalancer& lb, int port, std::string_view client_address);
// On a listening endpoint shared by several listeners: whether any of their load balancers accepts the client.
// (The one the Host header picks is checked again per request.)
bool any_listener_admits(const Snapshot& snapshot, const std::vector<std::string>& listener_arns,
                         std::string_view client_address);

}  // namespace albatross::routing
