// Registry-level settings, stored per account and region: the registry policy, scanning and replication
// configuration and account settings (one "ecr:registry" document), pull-through cache rules and
// repository creation templates (a document each, keyed by their prefix).

#include <algorithm>
#include <optional>

#include "services/common/pagination.hpp"
#include "services/ecr/ecr_service.hpp"
#include "services/ecr/lifecycle_policy.hpp"

namespace albatross::ecr {

using Json = nlohmann::json;

namespace {

constexpr char kRegistryKind[] = "ecr:registry";
constexpr char kRegistryId[] = "settings";
constexpr char kPullThroughCacheKind[] = "ecr:pull-through-cache-rule";
constexpr char kCreationTemplateKind[] = "ecr:repository-creation-template";

storage::Scope scope_of(const RequestContext& ctx, const Json& in) {
  return {EcrService::registry_of(ctx, in), ctx.region};
}

Json registry_document(storage::ResourceStore& resources, const storage::Scope& scope) {
  auto found = resources.get(scope, kRegistryKind, kRegistryId);
  return found ? found->document : Json::object();
}

void save_registry_document(storage::ResourceStore& resources, const storage::Scope& scope, Json document) {
  storage::Resource resource;
  resource.kind = kRegistryKind;
  resource.id = kRegistryId;
  resource.document = std::move(document);
  resources.put(scope, resource);
}

void require_json_policy(const std::string& text, const std::string& field) {
  Json parsed = Json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    throw AwsError{"InvalidParameterException",
                   "Invalid parameter at '" + field + "' failed to satisfy constraint: 'Invalid repository policy provided'"};
}

// A registry policy names only ECR actions; under the V1 scope only the three that act at registry level.
void require_registry_policy(const std::string& text, bool v1_scope) {
  const AwsError invalid{"InvalidParameterException",
                         "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'"};
  Json policy = Json::parse(text, nullptr, false);
  if (policy.is_discarded() || !policy.is_object() || !policy.contains("Statement")) throw invalid;
  Json statements = policy["Statement"].is_array() ? policy["Statement"] : Json::array({policy["Statement"]});
  if (statements.empty()) throw invalid;
  for (const auto& statement : statements) {
    if (!statement.is_object() || !statement.contains("Action") || !statement.contains("Effect")) throw invalid;
    Json actions = statement["Action"].is_array() ? statement["Action"] : Json::array({statement["Action"]});
    for (const auto& action_json : actions) {
      if (!action_json.is_string()) throw invalid;
      const std::string action = action_json;
      if (!action.starts_with("ecr:")) throw invalid;
      if (v1_scope && action != "ecr:ReplicateImage" && action != "ecr:CreateRepository" &&
          action != "ecr:BatchImportUpstreamImage")
        throw invalid;
    }
  }
}

// Account settings AWS knows, with their allowed values; the first is the default.
const std::vector<std::string>* account_setting_values(const std::string& name) {
  static const std::vector<std::string> basic_scan = {"AWS_NATIVE", "CLAIR"};
  static const std::vector<std::string> policy_scope = {"V2", "V1"};
  if (name == "BASIC_SCAN_TYPE_VERSION") return &basic_scan;
  if (name == "REGISTRY_POLICY_SCOPE") return &policy_scope;
  return nullptr;
}

const std::vector<std::string>& require_account_setting(const std::string& name) {
  const auto* values = account_setting_values(name);
  if (!values)
    throw AwsError{"ValidationException", "Account setting name '" + name +
                                              "' is not valid. Valid names are BASIC_SCAN_TYPE_VERSION and REGISTRY_POLICY_SCOPE"};
  return *values;
}

// A scanning filter "prod*" matches repository names with that prefix; '*' stands for any run of characters.
bool filter_matches(const std::string& filter, const std::string& name) { return wildcard_tag_match(filter, name); }

// The registry rule that applies to a repository, as {scanFrequency, appliedScanFilters}: continuous scanning
// wins over scan on push, which wins over manual; among equals, the first rule listed.
std::optional<Json> matching_scan_rule(const Json& rules, const std::string& name) {
  auto rank = [](const std::string& frequency) {
    return frequency == "CONTINUOUS_SCAN" ? 2 : frequency == "SCAN_ON_PUSH" ? 1 : 0;
  };
  std::optional<Json> best;
  for (const auto& rule : rules) {
    Json applied = Json::array();
    for (const auto& filter : rule["repositoryFilters"])
      if (filter_matches(filter.value("filter", ""), name)) applied.push_back(filter);
    if (applied.empty()) continue;
    const std::string frequency = rule["scanFrequency"];
    if (!best || rank(frequency) > rank(best->at("scanFrequency").get<std::string>()))
      best = Json{{"scanFrequency", frequency}, {"appliedScanFilters", applied}};
  }
  return best;
}

AwsError rule_not_found(const std::string& prefix, const std::string& registry) {
  return AwsError{"PullThroughCacheRuleNotFoundException",
                  "The pull through cache rule with prefix '" + prefix + "' does not exist in the registry with id '" +
                      registry + "'"};
}

AwsError template_not_found(const std::string& prefix, const std::string& registry) {
  return AwsError{"TemplateNotFoundException", "The repository creation template with prefix '" + prefix +
                                                   "' does not exist in the registry with id '" + registry + "'"};
}

Json pull_through_cache_rule_answer(const Json& rule) {
  Json out = rule;
  out.erase("updatedAt");
  out.erase("upstreamRegistry");
  return out;
}

}  // namespace

// ---- registry policy ----

Json EcrService::put_registry_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const std::string text = in["policyText"];
  Json document = registry_document(resources_, scope);
  require_registry_policy(text, document.value("accountSettings", Json::object()).value("REGISTRY_POLICY_SCOPE", "V2") == "V1");
  document["policyText"] = text;
  save_registry_document(resources_, scope, document);
  return {{"registryId", scope.account_id}, {"policyText", text}};
}

Json EcrService::get_registry_policy(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const Json document = registry_document(resources_, scope);
  if (!document.contains("policyText"))
    throw AwsError{"RegistryPolicyNotFoundException",
                   "Registry policy does not exist in the registry with id '" + scope.account_id + "'"};
  return {{"registryId", scope.account_id}, {"policyText", document["policyText"]}};
}

Json EcrService::delete_registry_policy(RequestContext& ctx, const Json& in) {
  Json out = get_registry_policy(ctx, in);
  const auto scope = scope_of(ctx, in);
  Json document = registry_document(resources_, scope);
  document.erase("policyText");
  save_registry_document(resources_, scope, document);
  return out;
}

// ---- scanning ----

namespace {
Json scanning_configuration(const Json& document) {
  return document.value("scanningConfiguration", Json{{"scanType", "BASIC"}, {"rules", Json::array()}});
}
}  // namespace

Json EcrService::put_registry_scanning_configuration(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const std::string scan_type = in.value("scanType", "BASIC");
  Json rules = in.value("rules", Json::array());
  for (const auto& rule : rules) {
    const std::string frequency = rule["scanFrequency"];
    if (scan_type == "BASIC" && frequency == "CONTINUOUS_SCAN")
      throw AwsError{"ValidationException", "Unsupported scan frequency: CONTINUOUS_SCAN for scan type: BASIC"};
    for (const auto& filter : rule["repositoryFilters"])
      if (filter.value("filter", "").empty())
        throw AwsError{"ValidationException", "Invalid parameter at 'filter' failed to satisfy constraint: "
                                              "'Member must have length greater than or equal to 1'"};
  }
  for (auto& resource : resources_.list(scope, kRepositoryKind))
    if (auto applied = matching_scan_rule(rules, resource.id)) {
      resource.document["appliedScanning"] = *applied;
      resources_.put(scope, resource);
    }
  Json document = registry_document(resources_, scope);
  document["scanningConfiguration"] = {{"scanType", scan_type}, {"rules", rules}};
  save_registry_document(resources_, scope, document);
  return {{"registryScanningConfiguration", document["scanningConfiguration"]}};
}

Json EcrService::get_registry_scanning_configuration(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  return {{"registryId", scope.account_id},
          {"scanningConfiguration", scanning_configuration(registry_document(resources_, scope))}};
}

Json EcrService::batch_get_repository_scanning_configuration(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const Json registry = scanning_configuration(registry_document(resources_, scope));
  Json configurations = Json::array();
  Json failures = Json::array();
  for (const auto& name_json : in["repositoryNames"]) {
    const std::string name = name_json;
    const RepoKey repo{scope.account_id, scope.region, name};
    auto found = resources_.get(scope, kRepositoryKind, name);
    if (!found) {
      failures.push_back({{"repositoryName", name},
                          {"failureCode", "REPOSITORY_NOT_FOUND"},
                          {"failureReason", "REPOSITORY_NOT_FOUND"}});
      continue;
    }
    const Json& repository = found->document["repository"];
    const bool scan_on_push = repository.value("imageScanningConfiguration", Json::object()).value("scanOnPush", false);
    Json entry = {{"repositoryArn", repository_arn(repo)}, {"repositoryName", name}, {"scanOnPush", scan_on_push}};
    if (auto applied = matching_scan_rule(registry["rules"], name)) {
      entry["scanFrequency"] = applied->at("scanFrequency");
      entry["appliedScanFilters"] = applied->at("appliedScanFilters");
    } else if (found->document.contains("appliedScanning")) {
      // The configuration a previous registry rule applied stays until another rule matches.
      entry["scanFrequency"] = found->document["appliedScanning"]["scanFrequency"];
      entry["appliedScanFilters"] = found->document["appliedScanning"]["appliedScanFilters"];
    } else {
      entry["scanFrequency"] = scan_on_push ? "SCAN_ON_PUSH" : "MANUAL";
      entry["appliedScanFilters"] = Json::array();
    }
    configurations.push_back(entry);
  }
  return {{"scanningConfigurations", configurations}, {"failures", failures}};
}

// ---- replication ----

Json EcrService::put_replication_configuration(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const Json configuration = in["replicationConfiguration"];
  for (const auto& rule : configuration["rules"])
    for (const auto& destination : rule["destinations"])
      if (destination.value("region", "") == scope.region && destination.value("registryId", "") == scope.account_id)
        throw AwsError{"InvalidParameterException",
                       "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
                       "'Replication destination cannot be the same as the source registry'"};
  Json document = registry_document(resources_, scope);
  document["replicationConfiguration"] = configuration;
  save_registry_document(resources_, scope, document);
  return {{"replicationConfiguration", configuration}};
}

Json EcrService::describe_registry(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const Json document = registry_document(resources_, scope);
  return {{"registryId", scope.account_id},
          {"replicationConfiguration", document.value("replicationConfiguration", Json{{"rules", Json::array()}})}};
}

// ---- account settings ----

Json EcrService::put_account_setting(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const std::string name = in["name"];
  const std::string value = in["value"];
  const auto& allowed = require_account_setting(name);
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    std::string list;
    for (const auto& v : allowed) list += (list.empty() ? "" : ", ") + v;
    throw AwsError{"ValidationException", "Account setting value '" + value + "' is not valid for '" + name +
                                              "'. Valid values are " + list};
  }
  Json document = registry_document(resources_, scope);
  document["accountSettings"][name] = value;
  save_registry_document(resources_, scope, document);
  return {{"name", name}, {"value", value}};
}

Json EcrService::get_account_setting(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const std::string name = in["name"];
  const auto& allowed = require_account_setting(name);
  const Json document = registry_document(resources_, scope);
  const std::string value = document.value("accountSettings", Json::object()).value(name, allowed.front());
  return {{"name", name}, {"value", value}};
}

// ---- pull-through cache rules ----

namespace {
std::string upstream_registry_of(const std::string& url) {
  if (url == "public.ecr.aws") return "ecr-public";
  if (url == "registry.k8s.io") return "k8s";
  if (url == "quay.io") return "quay";
  if (url == "registry-1.docker.io") return "docker-hub";
  if (url == "ghcr.io") return "github-container-registry";
  if (url.ends_with(".azurecr.io")) return "azure-container-registry";
  if (url == "registry.gitlab.com") return "gitlab-container-registry";
  if (url == "cgr.dev") return "chainguard";
  if (url.find(".dkr.ecr.") != std::string::npos) return "ecr";
  return "";
}
bool needs_credentials(const std::string& upstream) {
  return upstream == "docker-hub" || upstream == "github-container-registry" ||
         upstream == "azure-container-registry" || upstream == "gitlab-container-registry";
}
}  // namespace

Json EcrService::create_pull_through_cache_rule(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const std::string prefix = in["ecrRepositoryPrefix"];
  const std::string url = in["upstreamRegistryUrl"];
  const std::string upstream = in.value("upstreamRegistry", upstream_registry_of(url));
  if (upstream.empty() || (in.contains("upstreamRegistry") && upstream_registry_of(url) != upstream &&
                           !upstream_registry_of(url).empty()))
    throw AwsError{"UnsupportedUpstreamRegistryException",
                   "This feature is disabled for the upstream registry URL '" + url + "'"};
  if (needs_credentials(upstream) && !in.contains("credentialArn"))
    throw AwsError{"InvalidParameterException", "Invalid parameter at 'credentialArn' failed to satisfy constraint: "
                                                "'A credential ARN is required for the upstream registry " + url + "'"};
  if (resources_.get(scope, kPullThroughCacheKind, prefix))
    throw AwsError{"PullThroughCacheRuleAlreadyExistsException",
                   "A pull through cache rule with prefix '" + prefix + "' already exists in the registry with id '" +
                       scope.account_id + "'"};
  if (resources_.list(scope, kPullThroughCacheKind).size() >= 50)
    throw AwsError{"LimitExceededException", "The maximum number of pull through cache rules (50) has been reached"};
  Json rule = {{"ecrRepositoryPrefix", prefix},
               {"upstreamRegistryUrl", url},
               {"createdAt", now()},
               {"registryId", scope.account_id},
               {"upstreamRegistry", upstream}};
  for (const char* field : {"credentialArn", "customRoleArn", "upstreamRepositoryPrefix"})
    if (in.contains(field)) rule[field] = in[field];
  if (!rule.contains("upstreamRepositoryPrefix")) rule["upstreamRepositoryPrefix"] = "ROOT";
  storage::Resource resource;
  resource.kind = kPullThroughCacheKind;
  resource.id = prefix;
  resource.document = rule;
  resources_.put(scope, resource);
  return rule;
}

Json EcrService::describe_pull_through_cache_rules(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  Json rules = Json::array();
  if (in.contains("ecrRepositoryPrefixes")) {
    for (const auto& prefix : in["ecrRepositoryPrefixes"]) {
      auto found = resources_.get(scope, kPullThroughCacheKind, prefix.get<std::string>());
      if (!found) throw rule_not_found(prefix, scope.account_id);
      rules.push_back(found->document);
    }
  } else {
    for (const auto& resource : resources_.list(scope, kPullThroughCacheKind)) rules.push_back(resource.document);
  }
  const auto page = pagination::page(rules, in.value("nextToken", ""), in.value("maxResults", 100), "InvalidParameterException");
  Json out = {{"pullThroughCacheRules", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json EcrService::delete_pull_through_cache_rule(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const std::string prefix = in["ecrRepositoryPrefix"];
  auto found = resources_.get(scope, kPullThroughCacheKind, prefix);
  if (!found) throw rule_not_found(prefix, scope.account_id);
  resources_.remove(scope, kPullThroughCacheKind, prefix);
  return pull_through_cache_rule_answer(found->document);
}

Json EcrService::update_pull_through_cache_rule(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const std::string prefix = in["ecrRepositoryPrefix"];
  auto found = resources_.get(scope, kPullThroughCacheKind, prefix);
  if (!found) throw rule_not_found(prefix, scope.account_id);
  for (const char* field : {"credentialArn", "customRoleArn"})
    if (in.contains(field)) found->document[field] = in[field];
  found->document["updatedAt"] = now();
  resources_.put(scope, *found);
  Json out = {{"ecrRepositoryPrefix", prefix}, {"registryId", scope.account_id}, {"updatedAt", found->document["updatedAt"]}};
  for (const char* field : {"credentialArn", "customRoleArn", "upstreamRepositoryPrefix"})
    if (found->document.contains(field)) out[field] = found->document[field];
  return out;
}

Json EcrService::validate_pull_through_cache_rule(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const std::string prefix = in["ecrRepositoryPrefix"];
  auto found = resources_.get(scope, kPullThroughCacheKind, prefix);
  if (!found) throw rule_not_found(prefix, scope.account_id);
  Json out = pull_through_cache_rule_answer(found->document);
  out.erase("createdAt");
  // The emulator never reaches upstream registries, so it cannot confirm the rule works.
  out["isValid"] = false;
  out["failure"] = "Unable to reach the upstream registry " + found->document["upstreamRegistryUrl"].get<std::string>() +
                   " from the local emulator";
  return out;
}

// ---- repository creation templates ----

namespace {
Json template_from(const Json& in, Json base) {
  for (const char* field : {"description", "encryptionConfiguration", "resourceTags", "imageTagMutability",
                            "imageTagMutabilityExclusionFilters", "repositoryPolicy", "lifecyclePolicy", "appliedFor",
                            "customRoleArn"})
    if (in.contains(field)) base[field] = in[field];
  return base;
}
}  // namespace

Json EcrService::create_repository_creation_template(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const std::string prefix = in["prefix"];
  if (resources_.get(scope, kCreationTemplateKind, prefix))
    throw AwsError{"TemplateAlreadyExistsException", "The repository creation template with prefix '" + prefix +
                                                         "' already exists in the registry with id '" + scope.account_id + "'"};
  if (in.contains("repositoryPolicy")) require_json_policy(in["repositoryPolicy"], "repositoryPolicy");
  const double created = now();
  Json doc = template_from(in, {{"prefix", prefix},
                                {"imageTagMutability", "MUTABLE"},
                                {"encryptionConfiguration", {{"encryptionType", "AES256"}}},
                                {"resourceTags", Json::array()},
                                {"createdAt", created},
                                {"updatedAt", created}});
  storage::Resource resource;
  resource.kind = kCreationTemplateKind;
  resource.id = prefix;
  resource.document = doc;
  resources_.put(scope, resource);
  return {{"registryId", scope.account_id}, {"repositoryCreationTemplate", doc}};
}

Json EcrService::describe_repository_creation_templates(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  Json templates = Json::array();
  if (in.contains("prefixes") && !in["prefixes"].empty()) {
    for (const auto& prefix : in["prefixes"])
      if (auto found = resources_.get(scope, kCreationTemplateKind, prefix.get<std::string>()))
        templates.push_back(found->document);
  } else {
    for (const auto& resource : resources_.list(scope, kCreationTemplateKind)) templates.push_back(resource.document);
  }
  const auto page = pagination::page(templates, in.value("nextToken", ""), in.value("maxResults", 100), "InvalidParameterException");
  Json out = {{"registryId", scope.account_id}, {"repositoryCreationTemplates", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json EcrService::update_repository_creation_template(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const std::string prefix = in["prefix"];
  auto found = resources_.get(scope, kCreationTemplateKind, prefix);
  if (!found) throw template_not_found(prefix, scope.account_id);
  if (in.contains("repositoryPolicy")) require_json_policy(in["repositoryPolicy"], "repositoryPolicy");
  found->document = template_from(in, found->document);
  found->document["updatedAt"] = now();
  resources_.put(scope, *found);
  return {{"registryId", scope.account_id}, {"repositoryCreationTemplate", found->document}};
}

Json EcrService::delete_repository_creation_template(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const std::string prefix = in["prefix"];
  auto found = resources_.get(scope, kCreationTemplateKind, prefix);
  if (!found) throw template_not_found(prefix, scope.account_id);
  resources_.remove(scope, kCreationTemplateKind, prefix);
  return {{"registryId", scope.account_id}, {"repositoryCreationTemplate", found->document}};
}

// ---- signing configuration ----

Json EcrService::put_signing_configuration(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const Json configuration = in["signingConfiguration"];
  Json document = registry_document(resources_, scope);
  document["signingConfiguration"] = configuration;
  save_registry_document(resources_, scope, document);
  return {{"signingConfiguration", configuration}};
}

Json EcrService::get_signing_configuration(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx, in);
  const Json document = registry_document(resources_, scope);
  if (!document.contains("signingConfiguration"))
    throw AwsError{"SigningConfigurationNotFoundException",
                   "Signing configuration does not exist in the registry with id '" + scope.account_id + "'"};
  return {{"registryId", scope.account_id}, {"signingConfiguration", document["signingConfiguration"]}};
}

Json EcrService::delete_signing_configuration(RequestContext& ctx, const Json& in) {
  Json out = get_signing_configuration(ctx, in);
  const auto scope = scope_of(ctx, in);
  Json document = registry_document(resources_, scope);
  document.erase("signingConfiguration");
  save_registry_document(resources_, scope, document);
  return out;
}

}  // namespace albatross::ecr
