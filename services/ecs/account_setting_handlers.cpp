// ListAccountSettings, PutAccountSetting, PutAccountSettingDefault, DeleteAccountSetting. Settings are
// stored per principal (the account root when none is given); the emulator always uses the long ARN
// formats, as AWS does for every account since 2021.

#include <map>

#include "services/common/pagination.hpp"
#include "services/ecs/ecs_service.hpp"

namespace albatross::ecs {
namespace {

using Json = nlohmann::json;

// Each setting's default and accepted values.
const std::map<std::string, std::pair<std::string, std::vector<std::string>>>& known_settings() {
  static const std::map<std::string, std::pair<std::string, std::vector<std::string>>> settings = {
      {"serviceLongArnFormat", {"enabled", {"enabled", "disabled"}}},
      {"taskLongArnFormat", {"enabled", {"enabled", "disabled"}}},
      {"containerInstanceLongArnFormat", {"enabled", {"enabled", "disabled"}}},
      {"awsvpcTrunking", {"disabled", {"enabled", "disabled"}}},
      {"containerInsights", {"disabled", {"enabled", "disabled", "enhanced"}}},
      {"fargateFIPSMode", {"disabled", {"enabled", "disabled"}}},
      {"tagResourceAuthorization", {"on", {"on", "off"}}},
      {"fargateTaskRetirementWaitPeriod", {"7", {"0", "7", "14"}}},
      {"guardDutyActivate", {"off", {"on", "off"}}},
      {"defaultLogDriverMode", {"non-blocking", {"blocking", "non-blocking"}}},
      {"fargateEventWindows", {"disabled", {"enabled", "disabled"}}},
  };
  return settings;
}

std::string root_principal(const storage::Scope& scope) { return "arn:aws:iam::" + scope.account_id + ":root"; }

void check_value(const std::string& name, const std::string& value) {
  const auto found = known_settings().find(name);
  if (found == known_settings().end()) return;  // the model's enum already refused unknown names
  for (const auto& accepted : found->second.second)
    if (accepted == value) return;
  std::string list;
  for (const auto& accepted : found->second.second) list += (list.empty() ? "" : ", ") + accepted;
  throw AwsError{"InvalidParameterException",
                 "Invalid value specified for " + name + ". Valid values are: " + list + "."};
}

Json setting(const std::string& name, const std::string& value, const std::string& principal, const char* type) {
  return {{"name", name}, {"value", value}, {"principalArn", principal}, {"type", type}};
}

Json put(EcsService& service, const storage::Scope& scope, const std::string& principal, const Json& in) {
  const std::string name = in.at("name"), value = in.at("value");
  check_value(name, value);
  const Json document = setting(name, value, principal, "user");
  service.store().put(scope, {kAccountSetting, principal + "|" + name, "", name, document});
  return {{"setting", document}};
}

}  // namespace

Json EcsService::put_account_setting(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  return put(*this, scope, in.value("principalArn", root_principal(scope)), in);
}

Json EcsService::put_account_setting_default(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  return put(*this, scope, root_principal(scope), in);
}

Json EcsService::delete_account_setting(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string principal = in.value("principalArn", root_principal(scope));
  const std::string name = in.at("name");
  const auto found = store().get(scope, kAccountSetting, principal + "|" + name);
  Json out = found ? found->document
                   : setting(name, known_settings().count(name) ? known_settings().at(name).first : "", principal, "user");
  if (found) store().remove(scope, kAccountSetting, found->id);
  return {{"setting", out}};
}

Json EcsService::list_account_settings(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string principal = in.value("principalArn", root_principal(scope));
  std::map<std::string, Json> effective;
  if (in.value("effectiveSettings", false))
    for (const auto& [name, spec] : known_settings())
      effective[name] = setting(name, spec.first, root_principal(scope), "aws_managed");
  // The account default first, then the principal's own settings over it.
  for (const std::string& owner : {root_principal(scope), principal})
    for (const auto& stored : store().list(scope, kAccountSetting))
      if (stored.document.value("principalArn", "") == owner) effective[stored.name] = stored.document;
  Json settings = Json::array();
  for (const auto& [name, item] : effective) {
    if (in.contains("name") && in["name"] != name) continue;
    if (in.contains("value") && in["value"] != item["value"]) continue;
    settings.push_back(item);
  }
  const int max_results = in.value("maxResults", 10);
  auto page = pagination::page(settings, in.value("nextToken", ""), max_results, "InvalidParameterException");
  Json out = {{"settings", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

}  // namespace albatross::ecs
