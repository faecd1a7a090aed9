#pragma once
// Container instances registered through RegisterContainerInstance (stored; they run nothing) and the custom
// attributes PutAttributes sets on any container instance of a cluster, the emulated one included.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "storage/resource_store.hpp"

namespace albatross::ecs {

class EcsService;

inline constexpr char kContainerInstance[] = "ecs:container-instance";  // id = ARN, parent = cluster ARN
inline constexpr char kAttribute[] = "ecs:attribute";  // id = target ARN|name, parent = cluster ARN, name

// The ARN of the cluster's container instance a reference (ARN or id) names: the emulated one or a stored one.
std::optional<std::string> find_container_instance(EcsService& ecs, const storage::Scope& scope,
                                                   const storage::Resource& cluster, const std::string& reference);
// The custom attributes of a container instance, in the Attribute shape ({name, value}).
nlohmann::json custom_attributes(EcsService& ecs, const storage::Scope& scope, const storage::Resource& cluster,
                                 const std::string& container_instance_arn);

}  // namespace albatross::ecs
