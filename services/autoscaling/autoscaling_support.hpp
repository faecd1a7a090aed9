#pragma once
// Helpers shared by the Application Auto Scaling handlers.

#include <string>

#include <nlohmann/json.hpp>

#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross::autoscaling {

// MaxResults (1..50, default 50) and NextToken pages: {<key>: items, NextToken?}.
nlohmann::json next_token_page(const nlohmann::json& all, const nlohmann::json& in, const char* key);
// Tag maps ({"k": "v"}) ↔ the store's [{Key, Value}].
nlohmann::json tag_list(const nlohmann::json& map);
nlohmann::json tag_map(const nlohmann::json& list);
// The service-linked role Application Auto Scaling uses for a namespace when no RoleARN is given.
std::string default_role_arn(const RequestContext& ctx, const std::string& service_namespace);

}  // namespace albatross::autoscaling
