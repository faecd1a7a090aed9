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
// `stored` with the [{Key, Value}] changes applied. Throws ValidationError for unknown keys and bad values,
// InvalidConfigurationRequest for combinations AWS refuses.
AttributeMap apply_attributes(AttributeOwner owner, AttributeMap stored, const nlohmann::json& changes);

// The value of `key` (stored or default).
std::string attribute_value(AttributeOwner owner, const AttributeMap& stored, const std::string& key);

}  // namespace albatross::elbv2
