#pragma once
// Load balancer, target group and listener attributes: every documented key with its default and the
// values it accepts, per load balancer / target group kind. Pure functions.

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace albatross::elbv2 {

enum class AttributeOwner { ApplicationLoadBalancer, NetworkLoadBalancer, HttpTargetGroup, NetworkTargetGroup,
                            LambdaTargetGroup, HttpListener, NetworkListener };

using AttributeMap = std::map<std::string, std::string>;

// Which attribute set a target group / load balancer / listener document has.
AttributeOwner target_group_attribute_owner(const nlohmann::json& target_group);
AttributeOwner load_balancer_attribute_owner(const nlohmann::json& load_balancer);
AttributeOwner listener_attribute_owner(const nlohmann::json& listener);

// Every attribute of `owner` with its value: the stored value or the default. [{Key, Value}] in AWS's order.
nlohmann::json describe_attributes(AttributeOwner owner, const AttributeMap& stored);
// Defaults that depend on the resource itself rather than its kind: ipv6.deny_all_igw_traffic (true for
// internal load balancers) and preserve_client_ip.enabled (off for ip targets over TCP/TLS). Stored into a
// new resource's `_Attributes` so every reader (the routing snapshot too) sees them.
AttributeMap resource_defaults(const nlohmann::json& document);
// A stored document's attributes: resource_defaults overlaid with its `_Attributes`.
AttributeMap resource_attributes(const nlohmann::json& document);

// `stored` with the [{Key, Value}] changes applied. Throws ValidationError for unknown keys and bad values,
// InvalidConfigurationRequest for combinations AWS refuses.
AttributeMap apply_attributes(AttributeOwner owner, AttributeMap stored, const nlohmann::json& changes);

// The value of `key` (stored or default).
std::string attribute_value(AttributeOwner owner, const AttributeMap& stored, const std::string& key);

}  // namespace albatross::elbv2
