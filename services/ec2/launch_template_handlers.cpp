// Launch templates: CreateLaunchTemplate, CreateLaunchTemplateVersion, DescribeLaunchTemplates,
// DescribeLaunchTemplateVersions, ModifyLaunchTemplate, DeleteLaunchTemplate. Stored as data only (Albatross
// launches no instances); the versions live in the template's private `_Versions` list.
#include <algorithm>
#include <set>

#include "emulator/clock.hpp"
#include "services/ec2/ec2_ids.hpp"
#include "services/ec2/filters.hpp"
#include "services/ec2/handlers.hpp"
#include "services/ec2/request_helpers.hpp"

namespace albatross::ec2::handlers {
namespace {

constexpr std::size_t kMaxVersionsPerTemplate = 10000;

const FilterFields kTemplateFilters = {
    {"create-time", "CreateTime"},
    {"launch-template-name", "LaunchTemplateName"},
    {"launch-template-id", "LaunchTemplateId"},
};

const FilterFields kVersionFilters = {
    {"is-default-version", "DefaultVersion"},
    {"image-id", "LaunchTemplateData.ImageId"},
    {"instance-type", "LaunchTemplateData.InstanceType"},
    {"key-name", "LaunchTemplateData.KeyName"},
};

void check_name(const std::string& name) {
  const bool ok = name.size() >= 3 && name.size() <= 128 &&
                  std::all_of(name.begin(), name.end(), [](unsigned char c) {
                    return std::isalnum(c) || c == '(' || c == ')' || c == '.' || c == '-' || c == '/' || c == '_';
                  });
  if (!ok)
    throw AwsError{"InvalidLaunchTemplateName.MalformedException",
                   "A launch template name must be between 3 and 128 characters, and may contain letters, numbers, "
                   "and the following characters: - ( ) . / _.'"};
}

std::optional<storage::Resource> by_name(const Network& net, const std::string& name) {
  for (const auto& resource : net.list(kLaunchTemplateType))
    if (resource.document.value("LaunchTemplateName", "") == name) return resource;
  return std::nullopt;
}

// The template named by LaunchTemplateId or LaunchTemplateName.
storage::Resource require_template(const Network& net, const Json& in) {
  if (in.contains("LaunchTemplateId") && in.contains("LaunchTemplateName"))
    throw AwsError{"InvalidParameterCombination",
                   "The parameters launchTemplateName and launchTemplateId cannot be specified together"};
  if (in.contains("LaunchTemplateId")) return net.require(kLaunchTemplateType, in["LaunchTemplateId"].get<std::string>());
  if (in.contains("LaunchTemplateName")) {
    if (auto found = by_name(net, in["LaunchTemplateName"])) return *found;
    throw AwsError{"InvalidLaunchTemplateName.NotFoundException",
                   "The specified launch template, with template name " + in["LaunchTemplateName"].get<std::string>() +
                       ", does not exist."};
  }
  throw AwsError{"MissingParameter", "The request must contain the parameter launchTemplateName or launchTemplateId"};
}

Json version_entry(const Json& tmpl, long long number, const Json& data, const Json& in, const std::string& creator) {
  Json version = {{"LaunchTemplateId", tmpl["LaunchTemplateId"]},
                  {"LaunchTemplateName", tmpl["LaunchTemplateName"]},
                  {"VersionNumber", number},
                  {"CreateTime", Clock::now()},
                  {"CreatedBy", creator},
                  {"LaunchTemplateData", data}};
  if (in.contains("VersionDescription")) version["VersionDescription"] = in["VersionDescription"];
  return version;
}

// A version's public form (DefaultVersion computed from the template).
Json rendered_version(const Json& tmpl, Json version) {
  version["DefaultVersion"] = version["VersionNumber"] == tmpl["DefaultVersionNumber"];
  return version;
}

// "$Latest", "$Default" or a number -> that version; InvalidLaunchTemplateId.VersionNotFound otherwise.
const Json& require_version(const Json& tmpl, const std::string& wanted) {
  long long number = -1;
  if (wanted == "$Latest") number = tmpl.value("LatestVersionNumber", 1LL);
  else if (wanted == "$Default") number = tmpl.value("DefaultVersionNumber", 1LL);
  else if (!wanted.empty() && wanted.size() < 19 && std::all_of(wanted.begin(), wanted.end(), ::isdigit))
    number = std::stoll(wanted);
  for (const auto& version : tmpl["_Versions"])
    if (version["VersionNumber"] == number) return version;
  throw AwsError{"InvalidLaunchTemplateId.VersionNotFound",
                 "Could not find launch template version " + wanted + " for launch template " +
                     tmpl.value("LaunchTemplateId", "")};
}

Json template_out(const Network& net, const storage::Resource& resource) { return net.render(resource); }

}  // namespace

Json create_launch_template(Network& net, const Json& in) {
  const std::string name = in.at("LaunchTemplateName");
  check_name(name);
  if (by_name(net, name))
    throw AwsError{"InvalidLaunchTemplateName.AlreadyExistsException",
                   "Launch template name already in use."};
  const Json tags = tags_from_specifications(in, "launch-template");
  const std::string id = new_id("lt");
  const std::string creator = "arn:aws:iam::" + net.account() + ":root";
  Json doc = {{"LaunchTemplateId", id},
              {"LaunchTemplateName", name},
              {"CreateTime", Clock::now()},
              {"CreatedBy", creator},
              {"DefaultVersionNumber", 1},
              {"LatestVersionNumber", 1}};
  doc["_Versions"] = Json::array({version_entry(doc, 1, in.at("LaunchTemplateData"), in, creator)});
  const auto saved = net.save(storage::Resource{kind::kLaunchTemplate, id, "", name, doc});
  tag_resource(net, id, tags);
  return {{"LaunchTemplate", template_out(net, saved)}};
}

Json create_launch_template_version(Network& net, const Json& in) {
  auto resource = require_template(net, in);
  Json& tmpl = resource.document;
  Json data = in.at("LaunchTemplateData");
  if (in.contains("SourceVersion")) {
    // The new version starts from the source's data; members given here replace the source's.
    Json merged = require_version(tmpl, in["SourceVersion"].get<std::string>())["LaunchTemplateData"];
    for (const auto& [key, value] : data.items()) merged[key] = value;
    data = std::move(merged);
  }
  if (tmpl["_Versions"].size() >= kMaxVersionsPerTemplate)
    throw AwsError{"VersionLimitExceeded", "The maximum number of versions for this launch template has been reached."};
  const long long number = tmpl.value("LatestVersionNumber", 1LL) + 1;
  const Json version = version_entry(tmpl, number, data, in, "arn:aws:iam::" + net.account() + ":root");
  tmpl["_Versions"].push_back(version);
  tmpl["LatestVersionNumber"] = number;
  net.save(resource);
  return {{"LaunchTemplateVersion", rendered_version(tmpl, version)}};
}

Json describe_launch_templates(Network& net, const Json& in) {
  std::vector<storage::Resource> chosen = select_resources(net, kLaunchTemplateType, in.value("LaunchTemplateIds", Json()));
  if (in.contains("LaunchTemplateNames")) {
    chosen.clear();
    for (const auto& name : in["LaunchTemplateNames"]) {
      const auto found = by_name(net, name.get<std::string>());
      if (!found)
        throw AwsError{"InvalidLaunchTemplateName.NotFoundException",
                       "At least one of the launch templates specified in the request does not exist."};
      chosen.push_back(*found);
    }
  }
  Json docs = Json::array();
  for (const auto& resource : chosen) docs.push_back(template_out(net, resource));
  return paginate(filter_documents(docs, in.value("Filters", Json()), kTemplateFilters), in, "LaunchTemplates");
}

Json describe_launch_template_versions(Network& net, const Json& in) {
  const auto resource = require_template(net, in);
  const Json& tmpl = resource.document;
  Json versions = Json::array();
  if (in.contains("Versions")) {
    std::set<long long> seen;
    for (const auto& wanted : in["Versions"]) {
      const Json& version = require_version(tmpl, wanted.get<std::string>());
      if (seen.insert(version["VersionNumber"].get<long long>()).second) versions.push_back(rendered_version(tmpl, version));
    }
  } else {
    const auto bound = [&](const char* member, long long fallback) -> long long {
      if (!in.contains(member)) return fallback;
      const std::string text = in[member];
      if (text == "$Latest" || text == "$Default") return require_version(tmpl, text)["VersionNumber"];
      if (text.empty() || text.size() > 18 || !std::all_of(text.begin(), text.end(), ::isdigit))
        throw AwsError{"InvalidParameterValue", "Invalid launch template version: " + text};
      return std::stoll(text);
    };
    const long long low = bound("MinVersion", 0), high = bound("MaxVersion", tmpl.value("LatestVersionNumber", 1LL));
    // Newest first, as EC2 lists them.
    for (auto it = tmpl["_Versions"].rbegin(); it != tmpl["_Versions"].rend(); ++it) {
      const long long number = (*it)["VersionNumber"];
      if (number >= low && number <= high) versions.push_back(rendered_version(tmpl, *it));
    }
  }
  return paginate(filter_documents(versions, in.value("Filters", Json()), kVersionFilters, false), in,
                  "LaunchTemplateVersions");
}

Json modify_launch_template(Network& net, const Json& in) {
  auto resource = require_template(net, in);
  if (in.contains("DefaultVersion")) {
    const Json& version = require_version(resource.document, in["DefaultVersion"].get<std::string>());
    resource.document["DefaultVersionNumber"] = version["VersionNumber"];
    net.save(resource);
  }
  return {{"LaunchTemplate", template_out(net, resource)}};
}

Json delete_launch_template(Network& net, const Json& in) {
  const auto resource = require_template(net, in);
  const Json out = template_out(net, resource);
  net.remove(kLaunchTemplateType, resource.id);
  return {{"LaunchTemplate", out}};
}

}  // namespace albatross::ec2::handlers
