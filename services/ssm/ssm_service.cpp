#include "services/ssm/ssm_service.hpp"

#include "services/common/base64.hpp"
#include "services/common/digest.hpp"
#include "services/ssm/parameter_names.hpp"

namespace albatross::ssm {

using Json = nlohmann::json;

std::optional<Json> SsmService::find(const storage::Scope& scope, const std::string& reference,
                                     bool& version_missing) const {
  version_missing = false;
  const auto parsed = parse_parameter_reference(reference);
  if (!parsed) return std::nullopt;
  const storage::Scope where{parsed->account.empty() ? scope.account_id : parsed->account,
                             parsed->region.empty() ? scope.region : parsed->region};
  auto found = store_.get(where, kParameter, parsed->name);
  if (!found && !parsed->alternative_name.empty()) found = store_.get(where, kParameter, parsed->alternative_name);
  if (!found) return std::nullopt;
  Json current = found->document;
  if (!parsed->label.empty()) return std::nullopt;  // labels are not supported: no version carries one
  if (parsed->version && *parsed->version != current.value("Version", 0L)) {
    for (const auto& earlier : current.value("History", Json::array()))
      if (earlier.value("Version", 0L) == *parsed->version) {
        Json out = earlier;
        out["Name"] = current["Name"];
        out["ARN"] = current["ARN"];
        return out;
      }
    version_missing = true;
    return std::nullopt;
  }
  return current;
}

std::optional<std::string> SsmService::parameter_value(const storage::Scope& scope, const std::string& reference) const {
  bool version_missing = false;
  const auto found = find(scope, reference, version_missing);
  if (!found) return std::nullopt;
  return found->value("Value", "");
}

std::string SsmService::secure_string_ciphertext(const Json& parameter) {
  const std::string digest = digest::sha256_hex(parameter.value("ARN", "") + "#" +
                                                std::to_string(parameter.value("Version", 0L)) + "#" +
                                                parameter.value("Value", ""));
  return base64::encode("\x01\x02\x02\x00" + digest);
}

ServiceDefinition SsmService::definition() {
  ServiceDefinition definition;
  definition.model_name = "ssm";
  using Method = Json (SsmService::*)(RequestContext&, const Json&);
  const std::pair<const char*, Method> table[] = {
      {"PutParameter", &SsmService::put_parameter},
      {"GetParameter", &SsmService::get_parameter},
      {"GetParameters", &SsmService::get_parameters},
      {"GetParametersByPath", &SsmService::get_parameters_by_path},
      {"DeleteParameter", &SsmService::delete_parameter},
      {"DeleteParameters", &SsmService::delete_parameters},
      {"DescribeParameters", &SsmService::describe_parameters},
      {"GetParameterHistory", &SsmService::get_parameter_history},
      {"AddTagsToResource", &SsmService::add_tags_to_resource},
      {"RemoveTagsFromResource", &SsmService::remove_tags_from_resource},
      {"ListTagsForResource", &SsmService::list_tags_for_resource},
  };
  for (const auto& [name, method] : table)
    definition.handlers[name] = [this, method](RequestContext& ctx, const Json& in) { return (this->*method)(ctx, in); };
  return definition;
}

}  // namespace albatross::ssm
