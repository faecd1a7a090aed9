// RegisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions, ListTaskDefinitionFamilies,
// DeregisterTaskDefinition, DeleteTaskDefinitions. Revisions count up per family and are never reused.

#include <algorithm>
#include <map>

#include "services/common/pagination.hpp"
#include "services/ecs/ecs_names.hpp"
#include "services/ecs/ecs_service.hpp"
#include "services/ecs/task_definition_rules.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

int page_size(const Json& in) {
  const int max_results = in.value("maxResults", 100);
  if (max_results < 1 || max_results > 100)
    throw AwsError{"InvalidParameterException", "maxResults must be between 1 and 100."};
  return max_results;
}

Json paged(const Json& all, const Json& in, const char* member) {
  auto page = pagination::page(all, in.value("nextToken", ""), page_size(in), "InvalidParameterException");
  Json out = {{member, page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

// A task definition by exact family:revision (any status), for Describe/Deregister/Delete.
storage::Resource exact_revision(EcsService& service, const storage::Scope& scope, const std::string& reference,
                                 bool revision_required) {
  const auto ref = parse_task_definition_ref(reference);
  if (!ref.revision) {
    if (revision_required) throw AwsError{"ClientException", "Revision is missing."};
    return service.require_task_definition(scope, reference);
  }
  const std::string arn =
      ecs_arn(scope.region, scope.account_id, "task-definition/" + ref.family + ":" + std::to_string(*ref.revision));
  const auto found = service.store().get(scope, kTaskDefinition, arn);
  if (!found) throw AwsError{"ClientException", "Unable to describe task definition."};
  return *found;
}

}  // namespace

Json EcsService::register_task_definition(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  Json document = normalize_task_definition(in);
  const std::string family = document["family"];
  auto counter = store().get(scope, kFamily, family);
  const int revision = counter ? counter->document.value("next", 1) : 1;
  store().put(scope, {kFamily, family, "", family, {{"next", revision + 1}}});
  const std::string arn =
      ecs_arn(scope.region, scope.account_id, "task-definition/" + family + ":" + std::to_string(revision));
  document["taskDefinitionArn"] = arn;
  document["revision"] = revision;
  document["status"] = "ACTIVE";
  document["registeredAt"] = now();
  document["registeredBy"] = "arn:aws:iam::" + scope.account_id + ":root";
  store().put(scope, {kTaskDefinition, arn, "", family, document});
  apply_tags(scope, arn, in.value("tags", Json::array()));
  Json out = {{"taskDefinition", document}};
  if (in.contains("tags")) out["tags"] = tags_of(scope, arn);
  return out;
}

Json EcsService::describe_task_definition(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto definition = exact_revision(*this, scope, in.at("taskDefinition"), false);
  Json out = {{"taskDefinition", public_view(definition.document)}};
  const auto& include = in.value("include", Json::array());
  if (std::find(include.begin(), include.end(), "TAGS") != include.end()) out["tags"] = tags_of(scope, definition.id);
  return out;
}

Json EcsService::list_task_definitions(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string status = in.value("status", "ACTIVE");
  const std::string family = in.value("familyPrefix", "");
  std::vector<std::pair<std::pair<std::string, int>, std::string>> found;
  for (const auto& definition : store().list(scope, kTaskDefinition)) {
    if (!family.empty() && definition.name != family) continue;
    if (definition.document.value("status", "") != status) continue;
    found.push_back({{definition.name, definition.document["revision"].get<int>()}, definition.id});
  }
  std::sort(found.begin(), found.end());
  if (in.value("sort", "ASC") == "DESC") std::reverse(found.begin(), found.end());
  Json arns = Json::array();
  for (const auto& item : found) arns.push_back(item.second);
  return paged(arns, in, "taskDefinitionArns");
}

Json EcsService::list_task_definition_families(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string status = in.value("status", "ALL");
  const std::string prefix = in.value("familyPrefix", "");
  std::map<std::string, bool> has_active;
  for (const auto& definition : store().list(scope, kTaskDefinition)) {
    if (!definition.name.starts_with(prefix)) continue;
    has_active[definition.name] = has_active[definition.name] || definition.document.value("status", "") == "ACTIVE";
  }
  Json families = Json::array();
  for (const auto& [name, active] : has_active)
    if (status == "ALL" || (status == "ACTIVE") == active) families.push_back(name);
  return paged(families, in, "families");
}

Json EcsService::deregister_task_definition(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto definition = exact_revision(*this, scope, in.at("taskDefinition"), true);
  if (definition.document.value("status", "") == "DELETE_IN_PROGRESS")
    throw AwsError{"ClientException", "The specified task definition is being deleted."};
  if (definition.document.value("status", "") == "ACTIVE") {
    definition.document["status"] = "INACTIVE";
    definition.document["deregisteredAt"] = now();
    store().put(scope, definition);
  }
  return {{"taskDefinition", public_view(definition.document)}};
}

Json EcsService::delete_task_definitions(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto& references = in.at("taskDefinitions");
  if (references.empty() || references.size() > 10)
    throw AwsError{"InvalidParameterException", "You can specify between 1 and 10 task definitions."};
  Json deleted = Json::array(), failures = Json::array();
  for (const auto& reference : references) {
    const auto ref = parse_task_definition_ref(reference);
    if (!ref.revision) throw AwsError{"ClientException", "Revision is missing."};
    const std::string arn =
        ecs_arn(scope.region, scope.account_id, "task-definition/" + ref.family + ":" + std::to_string(*ref.revision));
    auto found = store().get(scope, kTaskDefinition, arn);
    if (!found) {
      failures.push_back({{"arn", reference},
                          {"reason", "The specified task definition does not exist. Specify a valid account, family, "
                                     "revision and try again."}});
      continue;
    }
    if (found->document.value("status", "") == "ACTIVE") {
      failures.push_back({{"arn", arn},
                          {"reason", "The specified task definition is still in ACTIVE status. Please deregister the "
                                     "target and try again."}});
      continue;
    }
    found->document["status"] = "DELETE_IN_PROGRESS";
    found->document["deleteRequestedAt"] = now();
    store().put(scope, *found);
    deleted.push_back(public_view(found->document));
  }
  return {{"taskDefinitions", deleted}, {"failures", failures}};
}

}  // namespace albatross::ecs
