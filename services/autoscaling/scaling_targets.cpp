#include "services/autoscaling/scaling_targets.hpp"

#include "emulator/clock.hpp"
#include "services/autoscaling/autoscaling_service.hpp"
#include "services/common/ids.hpp"

namespace albatross::autoscaling {

using Json = nlohmann::json;

namespace {
constexpr char kEcsDimension[] = "ecs:service:DesiredCount";
}

std::vector<EcsScalableService> ecs_scalable_services(storage::Database& db) {
  storage::ResourceStore store(db);
  std::vector<EcsScalableService> out;
  for (const auto& [scope, target] : store.list_everywhere(kTarget)) {
    const Json& doc = target.document;
    if (doc["ServiceNamespace"] != "ecs" || doc["ScalableDimension"] != kEcsDimension) continue;
    EcsScalableService item;
    item.scope = scope;
    item.resource_id = doc["ResourceId"];
    const auto first = item.resource_id.find('/');
    const auto second = item.resource_id.find('/', first + 1);
    item.cluster = item.resource_id.substr(first + 1, second - first - 1);
    item.service = item.resource_id.substr(second + 1);
    item.min_capacity = doc["MinCapacity"];
    item.max_capacity = doc["MaxCapacity"];
    item.suspended_state = doc["SuspendedState"];
    for (const auto& policy : store.children(scope, kPolicy, target.id)) item.policies.push_back(policy.document);
    out.push_back(std::move(item));
  }
  return out;
}

std::string record_ecs_scaling_activity(storage::Database& db, const storage::Scope& scope,
                                        const std::string& resource_id, const ScalingActivityRecord& record) {
  storage::ResourceStore store(db);
  const std::string id = target_id("ecs", kEcsDimension, resource_id);
  if (!store.get(scope, kTarget, id)) return {};
  const std::string activity_id = ids::uuid4();
  const double now = Clock::now();
  Json doc = {{"ActivityId", activity_id},   {"ServiceNamespace", "ecs"},   {"ResourceId", resource_id},
              {"ScalableDimension", kEcsDimension}, {"Description", record.description}, {"Cause", record.cause},
              {"StartTime", now},            {"StatusCode", record.status_code}};
  if (record.status_code != "Pending" && record.status_code != "InProgress") doc["EndTime"] = now;
  if (!record.status_message.empty()) doc["StatusMessage"] = record.status_message;
  store.put(scope, {kActivity, activity_id, id, "", doc});
  return activity_id;
}

}  // namespace albatross::autoscaling
