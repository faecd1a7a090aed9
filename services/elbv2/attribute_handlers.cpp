// Describe/Modify attributes of load balancers, target groups and listeners. Values live in each
// document's private `_Attributes` map; defaults come from elbv2_attributes.

#include "services/elbv2/elbv2_attributes.hpp"
#include "services/elbv2/elbv2_service.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

AttributeMap stored_attributes(const Json& document) { return resource_attributes(document); }

}  // namespace

Json Elbv2Service::describe_load_balancer_attributes(RequestContext& ctx, const Json& in) {
  const auto resource = require_load_balancer(scope_of(ctx), in.at("LoadBalancerArn"));
  return {{"Attributes", describe_attributes(load_balancer_attribute_owner(resource.document),
                                             stored_attributes(resource.document))}};
}

Json Elbv2Service::modify_load_balancer_attributes(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_load_balancer(scope, in.at("LoadBalancerArn"));
  const auto owner = load_balancer_attribute_owner(resource.document);
  const auto attributes = apply_attributes(owner, stored_attributes(resource.document), in.at("Attributes"));
  resource.document["_Attributes"] = attributes;
  store().put(scope, resource);
  changed();
  return {{"Attributes", describe_attributes(owner, attributes)}};
}

Json Elbv2Service::describe_target_group_attributes(RequestContext& ctx, const Json& in) {
  const auto resource = require_target_group(scope_of(ctx), in.at("TargetGroupArn"));
  return {{"Attributes", describe_attributes(target_group_attribute_owner(resource.document),
                                             stored_attributes(resource.document))}};
}

Json Elbv2Service::modify_target_group_attributes(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_target_group(scope, in.at("TargetGroupArn"));
  const auto owner = target_group_attribute_owner(resource.document);
  const auto attributes = apply_attributes(owner, stored_attributes(resource.document), in.at("Attributes"));
  const std::string protocol = resource.document.value("Protocol", "");
  if ((protocol == "UDP" || protocol == "TCP_UDP") && attributes.at("preserve_client_ip.enabled") == "false")
    throw AwsError{"InvalidConfigurationRequestException",
                   "Client IP preservation cannot be disabled for target groups with the " + protocol + " protocol"};
  resource.document["_Attributes"] = attributes;
  store().put(scope, resource);
  changed();
  return {{"Attributes", describe_attributes(owner, attributes)}};
}

Json Elbv2Service::describe_listener_attributes(RequestContext& ctx, const Json& in) {
  const auto resource = require_listener(scope_of(ctx), in.at("ListenerArn"));
  return {{"Attributes", describe_attributes(listener_attribute_owner(resource.document),
                                             stored_attributes(resource.document))}};
}

Json Elbv2Service::modify_listener_attributes(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_listener(scope, in.at("ListenerArn"));
  const auto owner = listener_attribute_owner(resource.document);
  const auto attributes = apply_attributes(owner, stored_attributes(resource.document), in.at("Attributes"));
  resource.document["_Attributes"] = attributes;
  store().put(scope, resource);
  changed();
  return {{"Attributes", describe_attributes(owner, attributes)}};
}

}  // namespace albatross::elbv2
