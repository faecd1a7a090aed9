// RegisterContainerInstance, DeregisterContainerInstance, UpdateContainerInstancesState and the attribute calls
// (PutAttributes, ListAttributes, DeleteAttributes) for targetType container-instance.

#include "services/ecs/container_instance_registry.hpp"

#include <regex>

#include "services/common/ids.hpp"
#include "services/common/pagination.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxCustomAttributes = 10;  // per resource
constexpr std::size_t kMaxAttributeText = 128;

std::string instance_arn(const storage::Scope& scope, const std::string& cluster, const std::string& id) {
  return ecs_arn(scope.region, scope.account_id, "container-instance/" + cluster + "/" + id);
}

std::string attribute_id(const std::string& target, const std::string& name) { return target + "|" + name; }

// AWS's attribute rules: name 1-128 of letters, digits, hyphens, underscores, periods, at signs, slashes,
// colons; value up to 128 of the same plus spaces (no leading/trailing whitespace).
void check_attribute(const Json& attribute, bool with_value) {
  static const std::regex name_rule(R"([A-Za-z0-9_\-./@:]{1,128})");
  static const std::regex value_rule(R"([A-Za-z0-9_\-./@: ]{1,128})");
  const std::string name = attribute.value("name", "");
  if (!std::regex_match(name, name_rule))
    throw AwsError{"InvalidParameterException", "Attribute name '" + name + "' is not valid."};
  if (!with_value || !attribute.contains("value")) return;
  const std::string value = attribute.value("value", "");
  if (!std::regex_match(value, value_rule) || value.front() == ' ' || value.back() == ' ' ||
      value.size() > kMaxAttributeText)
    throw AwsError{"InvalidParameterException", "Attribute value '" + value + "' is not valid."};
  const std::string type = attribute.value("targetType", "container-instance");
  if (type != "container-instance")
    throw AwsError{"InvalidParameterException", "targetType must be container-instance."};
}

// The container instance ARN an attribute targets; TargetNotFoundException when the cluster has none such.
std::string attribute_target(EcsService& ecs, const storage::Scope& scope, const storage::Resource& cluster,
                             const Json& attribute) {
  const std::string target = attribute.value("targetId", "");
  if (target.empty())
    throw AwsError{"InvalidParameterException", "A targetId is required for attribute '" +
                                                    attribute.value("name", "") + "'."};
  const auto arn = find_container_instance(ecs, scope, cluster, target);
  if (!arn) throw AwsError{"TargetNotFoundException", "Could not find " + target + "."};
  return *arn;
}

Json instance_view(EcsService& ecs, const storage::Scope& scope, const storage::Resource& cluster,
                   const storage::Resource& instance) {
  Json out = public_view(instance.document);
  Json attributes = out.value("attributes", Json::array());
  for (const auto& attribute : custom_attributes(ecs, scope, cluster, instance.id)) attributes.push_back(attribute);
  out["attributes"] = attributes;
  out["tags"] = ecs.tags_of(scope, instance.id);
  return out;
}

storage::Resource require_stored_instance(EcsService& ecs, const storage::Scope& scope,
                                          const storage::Resource& cluster, const std::string& reference) {
  const std::string arn = reference.starts_with("arn:") ? reference : instance_arn(scope, cluster.name, reference);
  auto found = ecs.store().get(scope, kContainerInstance, arn);
  if (!found || found->parent != cluster.id)
    throw AwsError{"InvalidParameterException", "Container instance can not be found."};
  return *found;
}

}  // namespace

std::optional<std::string> find_container_instance(EcsService& ecs, const storage::Scope& scope,
                                                   const storage::Resource& cluster, const std::string& reference) {
  const std::string emulated = ecs.container_instance_arn(scope, cluster.name);
  if (reference == emulated || reference == last_segment(emulated)) return emulated;
  const std::string arn = reference.starts_with("arn:") ? reference : instance_arn(scope, cluster.name, reference);
  const auto found = ecs.store().get(scope, kContainerInstance, arn);
  if (found && found->parent == cluster.id) return arn;
  return std::nullopt;
}

Json custom_attributes(EcsService& ecs, const storage::Scope& scope, const storage::Resource& cluster,
                       const std::string& container_instance_arn) {
  Json out = Json::array();
  for (const auto& attribute : ecs.store().children(scope, kAttribute, cluster.id)) {
    if (attribute.document.value("targetId", "") != container_instance_arn) continue;
    Json item = {{"name", attribute.document["name"]}};
    if (attribute.document.contains("value")) item["value"] = attribute.document["value"];
    out.push_back(item);
  }
  return out;
}

Json EcsService::register_container_instance(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = cluster_for_work(scope, in.value("cluster", ""));
  std::string ec2_instance_id;
  if (in.contains("instanceIdentityDocument")) {
    const Json identity = Json::parse(in.value("instanceIdentityDocument", ""), nullptr, false);
    if (!identity.is_object())
      throw AwsError{"InvalidParameterException", "instanceIdentityDocument is not a valid JSON document."};
    ec2_instance_id = identity.value("instanceId", "");
  }
  if (ec2_instance_id.empty()) ec2_instance_id = "i-" + ids::random_hex(17);
  std::string arn = instance_arn(scope, cluster.name, ids::random_hex(32));
  if (in.contains("containerInstanceArn")) arn = require_stored_instance(*this, scope, cluster, in["containerInstanceArn"]).id;
  for (const auto& attribute : in.value("attributes", Json::array())) check_attribute(attribute, true);
  Json registered = Json::array();
  for (const auto& resource : in.value("totalResources", Json::array())) {
    Json item = {{"name", resource.value("name", "")}, {"type", resource.value("type", "INTEGER")},
                 {"doubleValue", resource.value("doubleValue", 0.0)}, {"longValue", resource.value("longValue", 0)},
                 {"integerValue", resource.value("integerValue", 0)}};
    if (resource.contains("stringSetValue")) item["stringSetValue"] = resource["stringSetValue"];
    registered.push_back(item);
  }
  Json attributes = Json::array({{{"name", "ecs.os-type"}, {"value", "linux"}}});
  for (const auto& attribute : in.value("attributes", Json::array())) {
    Json item = {{"name", attribute["name"]}};
    if (attribute.contains("value")) item["value"] = attribute["value"];
    attributes.push_back(item);
  }
  Json doc = {{"containerInstanceArn", arn},
              {"ec2InstanceId", ec2_instance_id},
              {"version", 1},
              {"versionInfo", in.value("versionInfo", Json::object())},
              {"remainingResources", registered},
              {"registeredResources", registered},
              {"status", "ACTIVE"},
              {"agentConnected", true},
              {"runningTasksCount", 0},
              {"pendingTasksCount", 0},
              {"attributes", attributes},
              {"registeredAt", now()},
              {"attachments", Json::array()}};
  auto stored = store().put(scope, {kContainerInstance, arn, cluster.id, ec2_instance_id, doc});
  apply_tags(scope, arn, in.value("tags", Json::array()));
  return {{"containerInstance", instance_view(*this, scope, cluster, stored)}};
}

Json EcsService::deregister_container_instance(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  if (!in.contains("containerInstance") || !in["containerInstance"].is_string())
    throw AwsError{"InvalidParameterException", "containerInstance is required."};
  const std::string reference = in["containerInstance"];
  const std::string emulated = container_instance_arn(scope, cluster.name);
  if (reference == emulated || reference == last_segment(emulated))
    throw AwsError{"InvalidParameterException",
                   "The cluster's emulated container instance (the local Docker daemon) cannot be deregistered."};
  auto instance = require_stored_instance(*this, scope, cluster, reference);
  Json out = instance_view(*this, scope, cluster, instance);
  for (const auto& attribute : store().children(scope, kAttribute, cluster.id))
    if (attribute.document.value("targetId", "") == instance.id) store().remove(scope, kAttribute, attribute.id);
  store().remove(scope, kContainerInstance, instance.id);
  out["status"] = "INACTIVE";
  return {{"containerInstance", out}};
}

Json EcsService::update_container_instances_state(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  const std::string status = in.value("status", "");
  if (status != "ACTIVE" && status != "DRAINING")
    throw AwsError{"InvalidParameterException", "Container instances status should be one of [ACTIVE,DRAINING]"};
  if (!in.contains("containerInstances") || !in["containerInstances"].is_array())
    throw AwsError{"InvalidParameterException", "containerInstances is required."};
  if (in["containerInstances"].size() > 10)
    throw AwsError{"InvalidParameterException", "The maximum number of container instances is 10."};
  Json instances = Json::array(), failures = Json::array();
  for (const auto& reference : in["containerInstances"]) {
    const std::string wanted = reference;
    const std::string arn = wanted.starts_with("arn:") ? wanted : instance_arn(scope, cluster.name, wanted);
    auto instance = store().get(scope, kContainerInstance, arn);
    if (!instance || instance->parent != cluster.id) {
      failures.push_back({{"arn", wanted}, {"reason", "MISSING"}});
      continue;
    }
    if (instance->document.value("status", "") != status) {
      instance->document["status"] = status;
      instance->document["version"] = instance->document.value("version", 1) + 1;
      instance = store().put(scope, *instance);
    }
    instances.push_back(instance_view(*this, scope, cluster, *instance));
  }
  return {{"containerInstances", instances}, {"failures", failures}};
}

// Stored container instances for List/DescribeContainerInstances (container_instance_handlers.cpp).
std::vector<nlohmann::json> EcsService::stored_container_instances(const storage::Scope& scope,
                                                                   const storage::Resource& cluster) {
  std::vector<Json> out;
  for (const auto& instance : store().children(scope, kContainerInstance, cluster.id))
    out.push_back(instance_view(*this, scope, cluster, instance));
  return out;
}

Json EcsService::put_attributes(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  const Json attributes = in.value("attributes", Json::array());
  if (!attributes.is_array() || attributes.empty())
    throw AwsError{"InvalidParameterException", "attributes can not be empty."};
  if (attributes.size() > kMaxCustomAttributes) throw AwsError{"AttributeLimitExceededException",
                                                              "You can apply up to 10 custom attributes per resource."};
  for (const auto& attribute : attributes) {
    check_attribute(attribute, true);
    const std::string target = attribute_target(*this, scope, cluster, attribute);
    Json doc = {{"name", attribute["name"]}, {"targetType", "container-instance"}, {"targetId", target}};
    if (attribute.contains("value")) doc["value"] = attribute["value"];
    store().put(scope, {kAttribute, attribute_id(target, attribute["name"]), cluster.id, attribute["name"], doc});
    if (custom_attributes(*this, scope, cluster, target).size() > kMaxCustomAttributes)
      throw AwsError{"AttributeLimitExceededException", "You can apply up to 10 custom attributes per resource."};
  }
  return {{"attributes", attributes}};
}

Json EcsService::delete_attributes(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  const Json attributes = in.value("attributes", Json::array());
  if (!attributes.is_array() || attributes.empty())
    throw AwsError{"InvalidParameterException", "attributes can not be empty."};
  for (const auto& attribute : attributes) {
    check_attribute(attribute, false);
    const std::string target = attribute_target(*this, scope, cluster, attribute);
    store().remove(scope, kAttribute, attribute_id(target, attribute["name"]));
  }
  return {{"attributes", attributes}};
}

Json EcsService::list_attributes(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto cluster = require_cluster(scope, in.value("cluster", ""));
  if (in.value("targetType", "") != "container-instance")
    throw AwsError{"InvalidParameterException", "targetType must be container-instance."};
  if (in.contains("attributeValue") && !in.contains("attributeName"))
    throw AwsError{"InvalidParameterException", "attributeName must be specified when attributeValue is."};
  Json found = Json::array();
  for (const auto& attribute : store().children(scope, kAttribute, cluster.id)) {
    const Json& doc = attribute.document;
    if (in.contains("attributeName") && doc.value("name", "") != in["attributeName"]) continue;
    if (in.contains("attributeValue") && doc.value("value", "") != in["attributeValue"]) continue;
    found.push_back(doc);
  }
  auto page = pagination::page(found, in.value("nextToken", ""), in.value("maxResults", 100), "InvalidParameterException");
  Json out = {{"attributes", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

}  // namespace albatross::ecs
