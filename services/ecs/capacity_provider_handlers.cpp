// CreateCapacityProvider, DescribeCapacityProviders, UpdateCapacityProvider, DeleteCapacityProvider:
// accepted and stored (the emulator runs every task on the local Docker daemon whatever the provider).

#include <algorithm>
#include <cctype>

#include "services/common/pagination.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

Json builtin_provider(const storage::Scope& scope, const std::string& name) {
  return {{"capacityProviderArn", ecs_arn(scope.region, scope.account_id, "capacity-provider/" + name)},
          {"name", name},
          {"status", "ACTIVE"},
          {"tags", Json::array()}};
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

storage::Resource require_provider(EcsService& service, const storage::Scope& scope, const std::string& reference) {
  const auto found = service.store().find_by_name(scope, kCapacityProvider, last_segment(reference));
  if (!found)
    throw AwsError{"InvalidParameterException",
                   "The specified capacity provider does not exist. Specify a valid name or ARN and try again."};
  return *found;
}

Json render(EcsService& service, const storage::Scope& scope, const storage::Resource& provider) {
  Json out = public_view(provider.document);
  out["tags"] = service.tags_of(scope, provider.id);
  return out;
}

// AWS answers the Auto Scaling group provider with the defaults of what the request left out.
void fill_provider_defaults(Json& document) {
  if (!document.contains("autoScalingGroupProvider")) return;
  Json& provider = document["autoScalingGroupProvider"];
  Json& scaling = provider["managedScaling"];
  if (!scaling.is_object()) scaling = Json::object();
  const std::pair<const char*, Json> defaults[] = {{"status", "DISABLED"},
                                                   {"targetCapacity", 100},
                                                   {"minimumScalingStepSize", 1},
                                                   {"maximumScalingStepSize", 10000},
                                                   {"instanceWarmupPeriod", 300}};
  for (const auto& [member, value] : defaults)
    if (!scaling.contains(member)) scaling[member] = value;
  if (!provider.contains("managedTerminationProtection")) provider["managedTerminationProtection"] = "DISABLED";
}

}  // namespace

Json EcsService::create_capacity_provider(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in.at("name");
  const std::string lower = lowercase(name);
  if (lower.starts_with("aws") || lower.starts_with("ecs") || lower.starts_with("fargate"))
    throw AwsError{"InvalidParameterException",
                   "The specified capacity provider name is invalid. Capacity provider names cannot be prefixed with "
                   "\"aws\", \"ecs\", or \"fargate\". Specify a valid name and try again."};
  if (!valid_resource_name(name))
    throw AwsError{"InvalidParameterException",
                   "The specified capacity provider name is invalid. Up to 255 letters, numbers, hyphens and "
                   "underscores are allowed."};
  if (store().find_by_name(scope, kCapacityProvider, name))
    throw AwsError{"ClientException",
                   "The specified capacity provider already exists. To change the configuration of an existing "
                   "capacity provider, update the capacity provider."};
  const std::string arn = ecs_arn(scope.region, scope.account_id, "capacity-provider/" + name);
  Json document = {{"capacityProviderArn", arn}, {"name", name}, {"status", "ACTIVE"}};
  for (const char* member : {"autoScalingGroupProvider", "managedInstancesProvider", "cluster"})
    if (in.contains(member)) document[member] = in[member];
  fill_provider_defaults(document);
  const auto stored = store().put(scope, {kCapacityProvider, arn, "", name, document});
  apply_tags(scope, arn, in.value("tags", Json::array()));
  return {{"capacityProvider", render(*this, scope, stored)}};
}

Json EcsService::describe_capacity_providers(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  Json providers = Json::array(), failures = Json::array();
  if (in.contains("capacityProviders")) {
    for (const auto& reference : in["capacityProviders"]) {
      const std::string name = last_segment(reference);
      if (name == "FARGATE" || name == "FARGATE_SPOT") {
        providers.push_back(builtin_provider(scope, name));
      } else if (const auto found = store().find_by_name(scope, kCapacityProvider, name)) {
        providers.push_back(render(*this, scope, *found));
      } else {
        failures.push_back({{"arn", ecs_arn(scope.region, scope.account_id, "capacity-provider/" + name)},
                            {"reason", "MISSING"}});
      }
    }
  } else {
    providers.push_back(builtin_provider(scope, "FARGATE"));
    providers.push_back(builtin_provider(scope, "FARGATE_SPOT"));
    for (const auto& provider : store().list(scope, kCapacityProvider)) providers.push_back(render(*this, scope, provider));
  }
  auto page = pagination::page(providers, in.value("nextToken", ""), in.value("maxResults", 100),
                               "InvalidParameterException");
  Json out = {{"capacityProviders", page.items}, {"failures", failures}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json EcsService::update_capacity_provider(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto provider = require_provider(*this, scope, in.at("name"));
  for (const char* member : {"autoScalingGroupProvider", "managedInstancesProvider"})
    if (in.contains(member)) provider.document[member].update(in[member]);
  fill_provider_defaults(provider.document);
  provider.document["updateStatus"] = "UPDATE_COMPLETE";
  store().put(scope, provider);
  return {{"capacityProvider", render(*this, scope, provider)}};
}

Json EcsService::delete_capacity_provider(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto provider = require_provider(*this, scope, in.at("capacityProvider"));
  for (const auto& cluster : store().list(scope, kCluster)) {
    const auto& providers = cluster.document.value("capacityProviders", Json::array());
    if (std::find(providers.begin(), providers.end(), provider.name) != providers.end())
      throw AwsError{"ResourceInUseException",
                     "The specified capacity provider is in use and cannot be removed. Disassociate it from the cluster "
                     "and try again."};
  }
  Json out = render(*this, scope, provider);
  out["status"] = "INACTIVE";
  out["updateStatus"] = "DELETE_COMPLETE";
  store().remove(scope, kCapacityProvider, provider.id);
  return {{"capacityProvider", out}};
}

}  // namespace albatross::ecs
