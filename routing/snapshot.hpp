#pragma once
// The immutable routing configuration the data plane serves from: load balancers, their listeners with
// ordered rules and actions, target groups and their targets. Built by the control plane after each
// committed ELBv2 change (services/elbv2/snapshot_builder) and swapped in atomically; a request takes
// the current snapshot once and keeps it to the end. Plain data, no I/O.

#include <cstdint>
#include <stdexcept>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace albatross::routing {

struct Cidr {
  bool ipv6 = false;
  std::uint8_t address[16] = {};  // network address, IPv4 in the first 4 bytes
  int prefix_length = 0;
};

// One security-group ingress rule, reduced to what filtering TCP connections needs (EC2 keeps one peer per rule).
struct IngressRule {
  bool all_protocols = false;  // IpProtocol "-1": every protocol and port
  bool tcp = false;            // IpProtocol "tcp"/"6"; other protocols (udp, icmp, ...) never match TCP traffic
  int from_port = 0;
  int to_port = 65535;
  std::optional<Cidr> cidr;  // CidrIpv4 / CidrIpv6 peer
  std::string source_group;  // ReferencedGroupInfo.GroupId peer
};

// The ingress rules of a set of security groups: a connection is allowed when any rule allows it.
struct SecurityPolicy {
  bool enforced = false;  // false: nothing filters (filtering off, or no security groups, e.g. an NLB without any)
  std::vector<IngressRule> rules;
};

// Who opens a connection, as security groups see it: its address, the groups it belongs to, and the subnets it
// lives in (a rule's CIDR overlapping one of them matches, as it would match the source's VPC address on AWS).
struct TrafficSource {
  std::optional<Cidr> address;  // a host (/32 or /128); absent for a load balancer seen as a whole
  std::vector<std::string> security_groups;
  std::vector<Cidr> networks;
};

// An ECS awsvpc task as a client of load balancers (a container calling one through the Docker bridge): the
// connection comes from its container address and belongs to the task's groups and subnets, in its own account.
struct TaskSource {
  std::string account_id, region;
  TrafficSource source;
};

struct QueryMatch {
  std::optional<std::string> key;  // absent: the value may be under any key
  std::string value;               // may hold * and ? wildcards, \* and \? literals
};

enum class ConditionField { HostHeader, PathPattern, HttpHeader, HttpRequestMethod, QueryString, SourceIp };

struct Condition {
  ConditionField field = ConditionField::PathPattern;
  std::string header_name;               // HttpHeader only
  std::vector<std::string> values;       // HostHeader, PathPattern, HttpHeader, HttpRequestMethod
  std::vector<QueryMatch> query_values;  // QueryString
  std::vector<Cidr> source_ips;          // SourceIp
};

struct WeightedTargetGroup {
  std::string arn;
  int weight = 1;
};

enum class ActionType { Forward, Redirect, FixedResponse };

struct Action {
  ActionType type = ActionType::FixedResponse;
  // Forward
  std::vector<WeightedTargetGroup> target_groups;
  bool group_stickiness = false;          // TargetGroupStickinessConfig.Enabled
  int group_stickiness_seconds = 0;
  // Redirect: templates as configured (defaults already filled: #{protocol}, #{port}, #{host}, /#{path}, #{query})
  std::string redirect_protocol, redirect_port, redirect_host, redirect_path, redirect_query;
  int redirect_status = 301;
  // FixedResponse
  int status_code = 503;
  std::string content_type;  // may be empty
  std::string body;
};

struct Rule {
  std::string arn;
  int priority = 0;  // non-default rules only; the default rule is last with is_default
  bool is_default = false;
  std::vector<Condition> conditions;  // AND
  Action action;                      // the routing action (authenticate-* actions are not emulated)
};

struct Certificate {
  std::string arn;
  std::string certificate_pem;  // leaf
  std::string chain_pem;
  std::string private_key_pem;
};

struct Listener {
  std::string arn;
  std::string load_balancer_arn;
  std::string protocol;  // HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP
  int port = 0;
  std::vector<Rule> rules;  // ascending priority, default rule last
  std::string ssl_policy;
  std::vector<std::string> ssl_protocols;  // the policy's "TLSv1.2", "TLSv1.3", ...
  std::vector<std::string> ssl_ciphers;    // the policy's OpenSSL cipher names, preference order
  std::optional<Certificate> default_certificate;
  std::vector<Certificate> sni_certificates;
  std::map<std::string, std::string> attributes;  // listener attributes, defaults filled
};

struct LoadBalancer {
  std::string arn;
  std::string name;
  std::string dns_name;
  std::string type;    // application, network
  std::string scheme;  // internet-facing, internal
  std::string account_id, region;
  std::vector<std::string> security_groups;
  std::map<std::string, std::string> attributes;  // defaults filled
  SecurityPolicy ingress;  // its security groups' inbound rules, checked on each new client connection
};

struct Target {
  std::string id;  // IP address or instance id
  int port = 0;
  bool draining = false;
  double draining_until = 0;  // epoch seconds
  double registered_at = 0;
  // Where the proxy and the health checker really connect, when that differs from Id:Port (an ECS task's
  // private IP and container port, published by Docker on 127.0.0.1). Empty/0: Id and Port themselves.
  std::string connect_address;
  int connect_port = 0;
  std::string health_check_address;  // the same for the health-check port
  int health_check_port = 0;
  // The target's security groups (an ECS awsvpc task's) refuse the load balancer on the traffic port / the
  // health-check port: connections there behave as if the target never answered (AWS drops them silently).
  bool traffic_blocked = false;
  bool health_check_blocked = false;
};

inline const std::string& connect_address_of(const Target& target) {
  return target.connect_address.empty() ? target.id : target.connect_address;
}
inline int connect_port_of(const Target& target) { return target.connect_port ? target.connect_port : target.port; }

struct HealthCheck {
  bool enabled = true;
  std::string protocol = "HTTP";  // HTTP, HTTPS, TCP
  std::string port = "traffic-port";
  std::string path = "/";
  int interval_seconds = 30;
  int timeout_seconds = 5;
  int healthy_threshold = 5;
  int unhealthy_threshold = 2;
  std::string matcher = "200";  // HttpCode specification
};

struct TargetGroup {
  std::string arn;
  std::string name;
  std::string protocol;  // HTTP, HTTPS, TCP, ...
  std::string protocol_version;
  int port = 0;
  std::string target_type;
  std::string account_id, region;
  HealthCheck health_check;
  std::map<std::string, std::string> attributes;  // defaults filled
  std::vector<Target> targets;
  bool in_use = false;  // referenced by a listener or rule of some load balancer
};

// The port a target's health checks go to as registered (before any connect-address mapping).
inline int health_check_port_of(const TargetGroup& group, const Target& target) {
  if (group.health_check.port == "traffic-port") return target.port;
  try {
    return std::stoi(group.health_check.port);
  } catch (const std::exception&) {
    return target.port;
  }
}

struct Snapshot {
  std::map<std::string, LoadBalancer> load_balancers;  // by ARN
  std::map<std::string, TargetGroup> target_groups;    // by ARN
  std::vector<Listener> listeners;
  std::map<std::string, TaskSource> task_sources;  // by container address
  std::uint64_t version = 0;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace albatross::routing
