#include "services/autoscaling/autoscaling_support.hpp"

#include <map>

#include "services/common/arn.hpp"
#include "services/common/pagination.hpp"

namespace albatross::autoscaling {

using Json = nlohmann::json;

Json next_token_page(const Json& all, const Json& in, const char* key) {
  const long long max_results = in.value("MaxResults", 50LL);
  if (max_results < 1 || max_results > 50)
    throw AwsError{"ValidationException", "MaxResults must be between 1 and 50"};
  const auto page = pagination::page(all, in.value("NextToken", ""), static_cast<std::size_t>(max_results),
                                     "InvalidNextTokenException");
  Json out = {{key, page.items}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

Json tag_list(const Json& map) {
  Json list = Json::array();
  for (const auto& [key, value] : map.items()) list.push_back({{"Key", key}, {"Value", value}});
  return list;
}

Json tag_map(const Json& list) {
  Json map = Json::object();
  for (const auto& tag : list) map[tag.at("Key").get<std::string>()] = tag.at("Value");
  return map;
}

std::string default_role_arn(const RequestContext& ctx, const std::string& service_namespace) {
  static const std::map<std::string, std::string> kSuffix = {
      {"ecs", "ECSService"},          {"dynamodb", "DynamoDBTable"},  {"ec2", "EC2SpotFleetRequest"},
      {"rds", "RDSCluster"},          {"lambda", "LambdaConcurrency"}, {"sagemaker", "SageMakerEndpoint"},
      {"elasticache", "ElastiCacheRG"}, {"cassandra", "CassandraTable"}, {"kafka", "KafkaCluster"},
      {"appstream", "AppStreamFleet"}, {"comprehend", "ComprehendEndpoint"}, {"neptune", "NeptuneCluster"},
      {"elasticmapreduce", "EMRInstanceGroup"}, {"workspaces", "WorkSpacesPool"},
      {"custom-resource", "CustomResource"}};
  const auto it = kSuffix.find(service_namespace);
  const std::string suffix = it == kSuffix.end() ? service_namespace : it->second;
  return "arn:" + arn::partition_for_region(ctx.region) + ":iam::" + ctx.account_id + ":role/aws-service-role/" +
         service_namespace + ".application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_" + suffix;
}

}  // namespace albatross::autoscaling
