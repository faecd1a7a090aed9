#include "services/ssm/parameter_names.hpp"

#include <algorithm>
#include <cctype>

#include "services/common/arn.hpp"
#include "services/service.hpp"

namespace albatross::ssm {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

constexpr char kNameRules[] =
    "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If formed as a path, it can consist "
    "of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following "
    "3 symbols .-_";

}  // namespace

void check_parameter_name(const std::string& name) {
  const bool allowed = std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '/';
  });
  const std::string first = lower(name.starts_with("/") ? name.substr(1) : name);
  if (!allowed || first.starts_with("aws") || first.starts_with("ssm") || name.find("//") != std::string::npos)
    throw AwsError{"ValidationException", kNameRules};
  if (name.find('/') != std::string::npos && !name.starts_with("/"))
    throw AwsError{"ValidationException", "Parameter name must be a fully qualified name."};
  if (name.ends_with("/")) throw AwsError{"ValidationException", kNameRules};
  if (std::count(name.begin(), name.end(), '/') > kMaxHierarchyLevels)
    throw AwsError{"HierarchyLevelLimitExceededException",
                   "Parameter name has more than " + std::to_string(kMaxHierarchyLevels) + " hierarchy levels."};
}

std::string parameter_arn(const std::string& region, const std::string& account, const std::string& name) {
  return arn::make("ssm", region, account, "parameter/" + (name.starts_with("/") ? name.substr(1) : name));
}

std::optional<ParameterReference> parse_parameter_reference(const std::string& text) {
  ParameterReference out;
  std::string rest = text;
  if (text.starts_with("arn:")) {
    // arn:<partition>:ssm:<region>:<account>:parameter/<name>[:selector]
    std::size_t at = 0;
    std::string fields[5];
    for (auto& field : fields) {
      const auto colon = text.find(':', at);
      if (colon == std::string::npos) return std::nullopt;
      field = text.substr(at, colon - at);
      at = colon + 1;
    }
    if (fields[2] != "ssm") return std::nullopt;
    out.region = fields[3];
    out.account = fields[4];
    rest = text.substr(at);
    if (!rest.starts_with("parameter/")) return std::nullopt;
    rest = rest.substr(10);
    const std::string bare = rest.substr(0, rest.find(':'));
    if (bare.find('/') != std::string::npos) {
      rest = "/" + rest;
    } else {
      out.alternative_name = "/" + bare;
    }
  }
  const auto colon = rest.find(':');
  out.name = rest.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string selector = rest.substr(colon + 1);
    if (selector.empty()) return std::nullopt;
    out.selector = ":" + selector;
    if (std::all_of(selector.begin(), selector.end(), [](unsigned char c) { return std::isdigit(c); }) &&
        selector.size() < 10)
      out.version = std::stol(selector);
    else
      out.label = selector;
  }
  if (out.name.empty()) return std::nullopt;
  return out;
}

bool parameter_in_path(const std::string& name, const std::string& path, bool recursive) {
  const std::string prefix = path.ends_with("/") ? path : path + "/";
  if (!name.starts_with(prefix) || name.size() == prefix.size()) return false;
  return recursive || name.find('/', prefix.size()) == std::string::npos;
}

}  // namespace albatross::ssm
