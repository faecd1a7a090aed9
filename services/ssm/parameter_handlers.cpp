// PutParameter, GetParameter(s), GetParametersByPath, DeleteParameter(s), DescribeParameters.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <regex>
#include <set>

#include "services/common/pagination.hpp"
#include "services/ssm/parameter_names.hpp"
#include "services/ssm/ssm_service.hpp"

namespace albatross::ssm {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kStandardValueLimit = 4096, kAdvancedValueLimit = 8192;
constexpr std::size_t kMaxVersions = 100;
constexpr char kDefaultKey[] = "alias/aws/ssm";

storage::Scope scope_of(const RequestContext& ctx) { return {ctx.account_id, ctx.region}; }

double now_seconds() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  return static_cast<double>(ms) / 1000.0;
}

Json parameter_output(const Json& stored, bool decrypt, const std::string& selector) {
  Json out = {{"Name", stored["Name"]}, {"Type", stored["Type"]}, {"Value", stored["Value"]},
              {"Version", stored["Version"]}, {"LastModifiedDate", stored["LastModifiedDate"]},
              {"ARN", stored["ARN"]}, {"DataType", stored.value("DataType", "text")}};
  if (stored["Type"] == "SecureString" && !decrypt) out["Value"] = SsmService::secure_string_ciphertext(stored);
  if (!selector.empty()) out["Selector"] = selector;
  return out;
}

Json metadata_of(const Json& stored) {
  Json out = {{"Name", stored["Name"]}, {"ARN", stored["ARN"]}, {"Type", stored["Type"]},
              {"LastModifiedDate", stored["LastModifiedDate"]}, {"LastModifiedUser", stored["LastModifiedUser"]},
              {"Version", stored["Version"]}, {"Tier", stored.value("Tier", "Standard")},
              {"Policies", Json::array()}, {"DataType", stored.value("DataType", "text")}};
  for (const char* field : {"KeyId", "Description", "AllowedPattern"})
    if (stored.contains(field)) out[field] = stored[field];
  return out;
}

pagination::Page page_of(const Json& all, const Json& in, std::size_t default_limit) {
  const std::size_t limit = in.contains("MaxResults") ? in["MaxResults"].get<std::size_t>() : default_limit;
  try {
    return pagination::page(all, in.value("NextToken", std::string()), limit, "InvalidNextToken");
  } catch (const AwsError&) {
    throw AwsError{"InvalidNextToken", "The specified token is not valid."};
  }
}

bool matches_option(const std::string& actual, const std::string& option, const Json& values) {
  for (const auto& value : values) {
    const std::string wanted = value;
    if (option == "BeginsWith" && actual.starts_with(wanted)) return true;
    if (option == "Contains" && actual.find(wanted) != std::string::npos) return true;
    if ((option == "Equals" || option.empty()) && actual == wanted) return true;
  }
  return false;
}

// ParameterFilters (Name, Type, KeyId, Path, DataType, Tier, tag:<key>); `allowed` lists the keys this call accepts.
bool passes_filters(const Json& stored, const Json& tags, const Json& filters, const std::set<std::string>& allowed) {
  for (const auto& filter : filters) {
    const std::string key = filter["Key"];
    const std::string option = filter.value("Option", "");
    const Json values = filter.value("Values", Json::array());
    if (!key.starts_with("tag:") && !allowed.count(key)) {
      std::string valid;
      for (const auto& name : allowed) valid += (valid.empty() ? "" : ", ") + name;
      throw AwsError{"InvalidFilterKey", "The following filter key is not valid: " + key +
                                             ". Valid filter keys include: [" + valid + "]."};
    }
    if (key == "Path") {
      const bool recursive = option == "Recursive";
      if (!option.empty() && option != "Recursive" && option != "OneLevel")
        throw AwsError{"InvalidFilterOption", "The following filter option is not valid: " + option +
                                                  ". Valid options include: [Recursive, OneLevel]."};
      bool any = false;
      for (const auto& value : values) {
        const std::string path = value;
        any = any || (path == "/" ? (recursive ? stored["Name"].get<std::string>().starts_with("/")
                                               : parameter_in_path(stored["Name"], "/", false))
                                  : parameter_in_path(stored["Name"], path, recursive));
      }
      if (!any) return false;
    } else if (key.starts_with("tag:")) {
      const std::string tag_key = key.substr(4);
      bool any = false;
      for (const auto& tag : tags)
        if (tag["Key"] == tag_key) any = values.empty() || matches_option(tag["Value"], option, values);
      if (!any) return false;
    } else {
      if (option != "" && option != "Equals" && !(key == "Name" && (option == "BeginsWith" || option == "Contains")))
        throw AwsError{"InvalidFilterOption", "The following filter option is not valid: " + option + "."};
      if (!matches_option(stored.value(key, ""), option, values)) return false;
    }
  }
  return true;
}

}  // namespace

Json SsmService::put_parameter(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in["Name"];
  check_parameter_name(name);
  const bool overwrite = in.value("Overwrite", false);
  if (overwrite && in.contains("Tags") && !in["Tags"].empty())
    throw AwsError{"ValidationException",
                   "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please "
                   "remove overwrite flag. To update tags on an existing parameter, please use AddTagsToResource or "
                   "RemoveTagsFromResource."};
  auto existing = store_.get(scope, kParameter, name);
  if (existing && !overwrite)
    throw AwsError{"ParameterAlreadyExists",
                   "The parameter already exists. To overwrite this value, set the overwrite option in the request to "
                   "true."};
  if (!existing && !in.contains("Type"))
    throw AwsError{"ValidationException", "A parameter type is required when you create a parameter."};
  const std::string type = in.contains("Type") ? in["Type"].get<std::string>() : existing->document["Type"].get<std::string>();
  const std::string value = in["Value"];
  std::string tier = in.value("Tier", existing ? existing->document.value("Tier", "Standard") : "Standard");
  if (tier == "Intelligent-Tiering") tier = value.size() > kStandardValueLimit ? "Advanced" : "Standard";
  if (tier == "Standard" && value.size() > kStandardValueLimit)
    throw AwsError{"ValidationException",
                   "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger "
                   "parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, "
                   "see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html"};
  if (value.size() > kAdvancedValueLimit)
    throw AwsError{"ValidationException", "Parameter value can't be longer than 8192 characters."};
  const std::string data_type = in.value("DataType", existing ? existing->document.value("DataType", "text") : "text");
  if (data_type != "text" && data_type != "aws:ec2:image" && data_type != "aws:ssm:integration")
    throw AwsError{"ValidationException",
                   "The following data type is not supported: " + data_type + " (Data type names are all lowercase.)"};
  const std::string pattern = in.value("AllowedPattern", existing ? existing->document.value("AllowedPattern", "") : "");
  if (!pattern.empty()) {
    std::regex compiled;
    try {
      compiled = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      throw AwsError{"InvalidAllowedPatternException", "The request does not meet the regular expression requirement."};
    }
    if (!std::regex_match(value, compiled))
      throw AwsError{"ParameterPatternMismatchException",
                     "Parameter value, cannot be validated against allowedPattern: " + pattern};
  }
  if (type == "StringList" && value.find(",,") != std::string::npos)
    throw AwsError{"ValidationException", "Parameter StringList value can't contain empty items."};

  Json document = existing ? existing->document : Json::object();
  Json history = document.value("History", Json::array());
  if (existing) {
    Json earlier = document;
    earlier.erase("History");
    history.push_back(earlier);
    while (history.size() >= kMaxVersions) history.erase(history.begin());
  }
  const long version = existing ? existing->document.value("Version", 0L) + 1 : 1;
  document = {{"Name", name}, {"Type", type}, {"Value", value}, {"Version", version},
              {"LastModifiedDate", now_seconds()}, {"ARN", parameter_arn(ctx.region, ctx.account_id, name)},
              {"LastModifiedUser", "arn:aws:iam::" + ctx.account_id + ":root"}, {"DataType", data_type},
              {"Tier", tier}, {"History", history}};
  if (in.contains("Description")) document["Description"] = in["Description"];
  else if (existing && existing->document.contains("Description")) document["Description"] = existing->document["Description"];
  if (!pattern.empty()) document["AllowedPattern"] = pattern;
  if (type == "SecureString")
    document["KeyId"] = in.value("KeyId", existing ? existing->document.value("KeyId", kDefaultKey) : kDefaultKey);
  else if (in.contains("KeyId"))
    throw AwsError{"ValidationException", "KeyId is required for SecureString type parameter only."};
  store_.put(scope, {kParameter, name, "", name, document});
  if (in.contains("Tags") && !in["Tags"].empty()) store_.add_tags(scope, name, in["Tags"]);
  return {{"Version", version}, {"Tier", tier}};
}

Json SsmService::get_parameter(RequestContext& ctx, const Json& in) {
  const std::string reference = in["Name"];
  bool version_missing = false;
  const auto found = find(scope_of(ctx), reference, version_missing);
  if (version_missing) {
    const auto parsed = parse_parameter_reference(reference);
    throw AwsError{"ParameterVersionNotFound", "Systems Manager could not find version " +
                                                   std::to_string(*parsed->version) + " of " + parsed->name +
                                                   ". Verify the version and try again."};
  }
  if (!found) throw AwsError{"ParameterNotFound", ""};
  const auto parsed = parse_parameter_reference(reference);
  return {{"Parameter", parameter_output(*found, in.value("WithDecryption", false), parsed->selector)}};
}

Json SsmService::get_parameters(RequestContext& ctx, const Json& in) {
  Json parameters = Json::array(), invalid = Json::array();
  std::set<std::string> seen;
  for (const auto& item : in["Names"]) {
    const std::string reference = item;
    if (!seen.insert(reference).second) continue;
    bool version_missing = false;
    const auto found = find(scope_of(ctx), reference, version_missing);
    if (!found) {
      invalid.push_back(reference);
      continue;
    }
    parameters.push_back(parameter_output(*found, in.value("WithDecryption", false),
                                          parse_parameter_reference(reference)->selector));
  }
  return {{"Parameters", parameters}, {"InvalidParameters", invalid}};
}

Json SsmService::get_parameters_by_path(RequestContext& ctx, const Json& in) {
  const std::string path = in["Path"];
  if (!path.starts_with("/"))
    throw AwsError{"ValidationException",
                   "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a "
                   "forward slash \"/\". It can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use "
                   "only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special "
                   "characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". "
                   "Valid example: /get/parameters2-/by1./path0_."};
  if (path != "/") check_parameter_name(path.ends_with("/") ? path.substr(0, path.size() - 1) : path);
  const bool recursive = in.value("Recursive", false);
  const Json filters = in.value("ParameterFilters", Json::array());
  const auto scope = scope_of(ctx);
  auto all_parameters = store_.list(scope, kParameter);
  std::sort(all_parameters.begin(), all_parameters.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  Json all = Json::array();
  for (const auto& parameter : all_parameters) {
    const bool inside = path == "/" ? (parameter.id.starts_with("/") &&
                                       (recursive || parameter.id.find('/', 1) == std::string::npos))
                                    : parameter_in_path(parameter.id, path, recursive);
    if (!inside) continue;
    if (!passes_filters(parameter.document, store_.tags(scope, parameter.id), filters,
                        {"Type", "KeyId", "Label"}))
      continue;
    all.push_back(parameter_output(parameter.document, in.value("WithDecryption", false), ""));
  }
  auto page = page_of(all, in, 10);
  Json out = {{"Parameters", page.items}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

Json SsmService::delete_parameter(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string name = in["Name"];
  const auto found = store_.get(scope, kParameter, name);
  if (!found) throw AwsError{"ParameterNotFound", ""};
  store_.remove(scope, kParameter, name);
  return Json::object();
}

Json SsmService::delete_parameters(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  Json deleted = Json::array(), invalid = Json::array();
  for (const auto& item : in["Names"]) {
    const std::string name = item;
    if (store_.get(scope, kParameter, name)) {
      store_.remove(scope, kParameter, name);
      deleted.push_back(name);
    } else if (std::find(deleted.begin(), deleted.end(), Json(name)) == deleted.end()) {
      invalid.push_back(name);
    }
  }
  return {{"DeletedParameters", deleted}, {"InvalidParameters", invalid}};
}

Json SsmService::describe_parameters(RequestContext& ctx, const Json& in) {
  if (in.contains("Filters") && in.contains("ParameterFilters"))
    throw AwsError{"ValidationException", "You can use either Filters or ParameterFilters in a single request."};
  Json filters = in.value("ParameterFilters", Json::array());
  for (const auto& legacy : in.value("Filters", Json::array()))  // Name | Type | KeyId, values compared as Equals
    filters.push_back({{"Key", legacy["Key"]}, {"Option", "Equals"}, {"Values", legacy["Values"]}});
  const auto scope = scope_of(ctx);
  auto all_parameters = store_.list(scope, kParameter);
  std::sort(all_parameters.begin(), all_parameters.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  Json all = Json::array();
  for (const auto& parameter : all_parameters) {
    if (!passes_filters(parameter.document, store_.tags(scope, parameter.id), filters,
                        {"DataType", "KeyId", "Label", "Name", "Path", "Tier", "Type"}))
      continue;
    all.push_back(metadata_of(parameter.document));
  }
  auto page = page_of(all, in, 50);
  Json out = {{"Parameters", page.items}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

}  // namespace albatross::ssm
