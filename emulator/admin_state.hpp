#pragma once
// GET /_albatross/state: one JSON picture of everything the emulator runs, for the dashboard
// (/_albatross/ui) and `albatross status`. Built on the control thread from committed state, read through
// the services' own Describe handlers (so every value is what the AWS API shows) plus the data plane's
// real listening sockets, and, when ECS documents exist, the tasks and services behind the targets.
//
// Shape (snake_case keys are ours; "conditions"/"actions" keep the ELBv2 API's own shapes):
//   {load_balancers: [{arn, name, dns_name, type, scheme, state, account_id, region, address,
//      listeners: [{arn, protocol, port, bound: [{address, port, configured_port, error?}],
//        ssl_policy?, certificates?: [{arn, is_default, domain, status}] (HTTPS/TLS listeners),
//        rules: [{arn, priority, is_default, conditions, actions, conditions_text: [..], actions_text: [..]}]}]}],
//    target_groups: [{arn, name, protocol, port, target_type, account_id, region, load_balancer_arns,
//      health_check: {protocol, port, path, matcher}, targets: [{id, port, state, reason?, description?,
//        task?: {arn, id, cluster, service?, last_status, desired_status, health_status,
//                container?: {name, last_status, health_status, runtime_id?}}}]}],
//    ecs_services: [{arn, name, cluster, status, desired_count, running_count, pending_count, task_definition,
//      deployments: [{id, status, rollout_state, rollout_state_reason?, task_definition, desired_count,
//                     running_count, pending_count, failed_tasks}],
//      tasks: [{arn, id, last_status, desired_status, health_status, stopped_reason?, containers: [...]}],
//      events: [{created_at, message}] (newest first, at most 10)}]}
// No timestamp of its own, so an unchanged picture has an unchanged ETag.

#include <nlohmann/json.hpp>

namespace albatross {

class Gateway;
namespace storage {
class Database;
}
namespace routing {
class DataPlane;
}

nlohmann::json build_admin_state(storage::Database& db, const Gateway& gateway, const routing::DataPlane& data_plane);

// Human-readable one-liners for a rule's conditions and actions (shared by the page and the CLI through
// the state document). target_group_names maps ARN → name for "forward to <name>".
nlohmann::json describe_conditions(const nlohmann::json& conditions);
nlohmann::json describe_actions(const nlohmann::json& actions, const nlohmann::json& target_group_names);

}  // namespace albatross
