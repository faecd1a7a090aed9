#include "services/iam/iam_support.hpp"

#include <algorithm>
#include <cctype>
#include <random>
#include <set>

#include "services/common/arn.hpp"
#include "services/common/pagination.hpp"

namespace albatross::iam {

using Json = nlohmann::json;

std::string unique_id(std::string_view prefix) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::string id(prefix);
  for (int i = 0; i < 17; ++i) id += kAlphabet[random() % 32];
  return id;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string iam_arn(const RequestContext& ctx, std::string_view kind, std::string_view path, std::string_view name) {
  std::string resource(kind);
  resource += '/';
  resource += path.substr(path.empty() ? 0 : 1);
  resource += name;
  return "arn:" + arn::partition_for_region(ctx.region) + ":iam::" + ctx.account_id + ":" + resource;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void check_path(const std::string& path) {
  const bool printable = std::all_of(path.begin(), path.end(), [](unsigned char c) { return c >= 0x21 && c <= 0x7e; });
  if (path.empty() || path.front() != '/' || path.back() != '/' || !printable)
    throw AwsError{"ValidationError",
                   "The specified value for path is invalid. It must begin and end with / and contain only "
                   "alphanumeric characters and/or / characters."};
}

namespace {

[[noreturn]] void malformed(const std::string& message) { throw AwsError{"MalformedPolicyDocumentException", message}; }

bool has_any(const Json& statement, std::initializer_list<const char*> keys) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* key) { return statement.contains(key); });
}

void check_statement(const Json& statement, PolicyKind kind) {
  if (!statement.is_object()) malformed("Syntax errors in policy.");
  static const std::set<std::string> kKnown = {"Sid",       "Effect",      "Action",   "NotAction", "Resource",
                                               "NotResource", "Principal", "NotPrincipal", "Condition"};
  for (const auto& [key, value] : statement.items())
    if (!kKnown.contains(key)) malformed("Syntax errors in policy.");
  if (!statement.contains("Effect")) malformed("Missing required field Effect");
  const Json& effect = statement["Effect"];
  if (!effect.is_string() || (effect != "Allow" && effect != "Deny")) malformed("Invalid effect: " + effect.dump());
  if (!has_any(statement, {"Action", "NotAction"})) malformed("Policy statement must contain actions.");
  if (kind == PolicyKind::Identity) {
    if (has_any(statement, {"Principal", "NotPrincipal"})) malformed("Policy document should not specify a principal.");
    if (!has_any(statement, {"Resource", "NotResource"})) malformed("Policy statement must contain resources.");
  } else {
    if (has_any(statement, {"Resource", "NotResource"})) malformed("Has prohibited field Resource");
    if (!has_any(statement, {"Principal", "NotPrincipal"})) malformed("Missing required field Principal");
  }
}

}  // namespace

void check_policy_document(std::string_view text, PolicyKind kind) {
  const Json document = Json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object())
    malformed(kind == PolicyKind::Trust ? "This policy contains invalid Json" : "Syntax errors in policy.");
  if (document.contains("Version")) {
    const Json& version = document["Version"];
    if (!version.is_string() || (version != "2012-10-17" && version != "2008-10-17"))
      malformed("The policy failed legacy parsing");
  }
  if (!document.contains("Statement")) malformed("Syntax errors in policy.");
  const Json& statements = document["Statement"];
  if (statements.is_array()) {
    if (statements.empty()) malformed("Syntax errors in policy.");
    for (const auto& statement : statements) check_statement(statement, kind);
  } else {
    check_statement(statements, kind);
  }
}

void check_managed_policy_size(std::string_view text) {
  const auto size = std::count_if(text.begin(), text.end(), [](unsigned char c) { return !std::isspace(c); });
  if (size > 6144) throw AwsError{"LimitExceededException", "Cannot exceed quota for PolicySize: 6144"};
}

Json marker_page(const Json& all, const Json& in, const char* key) {
  const std::size_t max_items = in.value("MaxItems", 100);
  const auto page = pagination::page(all, in.value("Marker", ""), max_items, "InvalidInputException");
  Json out = {{key, page.items}, {"IsTruncated", page.next_token.has_value()}};
  if (page.next_token) out["Marker"] = *page.next_token;
  return out;
}

bool path_matches(const Json& in, const std::string& path) {
  const std::string prefix = in.value("PathPrefix", "");
  return prefix.empty() || path.starts_with(prefix);
}

void check_new_tags(const Json& existing, const Json& tags, std::string_view entity) {
  std::set<std::string> keys;
  for (const auto& tag : tags) {
    const std::string key = lower(tag.at("Key").get<std::string>());
    if (!keys.insert(key).second)
      throw AwsError{"InvalidInputException", "Duplicate tag keys found. Please note that Tag keys are case insensitive."};
  }
  std::set<std::string> merged = keys;
  for (const auto& tag : existing) merged.insert(lower(tag.at("Key").get<std::string>()));
  if (merged.size() > 50)
    throw AwsError{"LimitExceededException",
                   "The number of tags has reached the maximum limit for " + std::string(entity) + "."};
}

}  // namespace albatross::iam
