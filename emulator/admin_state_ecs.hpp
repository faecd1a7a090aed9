#pragma once
// The ECS part of /_albatross/state (admin_state.hpp): the only code there that knows ECS document shapes
// (DescribeTasks/DescribeServices shapes as services/ecs stores them). Every read is guarded: no ECS
// documents, or documents of an unexpected shape, give an empty picture instead of an error.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "storage/resource_store.hpp"

namespace albatross {

// Resource kinds, as in services/ecs/ecs_service.hpp (kept as strings so this builds without ECS).
inline constexpr char kEcsTaskKind[] = "ecs:task";
inline constexpr char kEcsServiceKind[] = "ecs:service";

struct EcsPicture {
  std::vector<nlohmann::json> tasks;                  // task documents, newest first
  nlohmann::json services = nlohmann::json::array();  // state entries, plus "_load_balancers" for the join
};

// Tasks of the scope, and its services that are not INACTIVE (deleted), each with its deployments, its
// non-stopped tasks plus the 3 latest stopped ones (their stoppedReason explains failures) and its 10 latest events.
EcsPicture read_ecs(const storage::ResourceStore& store, const storage::Scope& scope);

// The task (with the container serving the target) behind target (id, port) of a target group, or null.
// awsvpc tasks are matched by their private IP; bridge/host tasks by their container instance's id and a
// host port binding. A running task wins over a stopped one that once had the same address.
nlohmann::json task_behind_target(const EcsPicture& ecs, const std::string& target_group_arn, const std::string& id,
                                  int port);

// The services as /state shows them (without the join's bookkeeping).
nlohmann::json ecs_services_for_state(const EcsPicture& ecs);

// "…/name/id" → "id": the readable tail of an ARN.
std::string arn_tail(const std::string& arn);

}  // namespace albatross
