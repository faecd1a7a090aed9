#include "services/elbv2/condition_rules.hpp"

#include <arpa/inet.h>

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/service.hpp"

namespace albatross::elbv2 {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(std::string message) { throw AwsError{"ValidationError", std::move(message)}; }

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

// The six condition fields and the Config block each one takes.
struct FieldSpec {
  std::string_view field;
  std::string_view config;
  bool legacy_values;  // the {Field, Values} form is allowed (one value)
  bool at_most_once;   // per rule
};
constexpr std::array<FieldSpec, 6> kFields{{
    {"host-header", "HostHeaderConfig", true, true},
    {"path-pattern", "PathPatternConfig", true, true},
    {"http-header", "HttpHeaderConfig", false, false},
    {"http-request-method", "HttpRequestMethodConfig", false, true},
    {"query-string", "QueryStringConfig", false, false},
    {"source-ip", "SourceIpConfig", false, true},
}};

// Counted over the whole rule (AWS's per-rule quotas).
struct RuleTotals {
  std::size_t values = 0;
  std::size_t wildcards = 0;
};

bool present(const json& object, std::string_view key) {
  const auto it = object.find(key);
  return it != object.end() && !it->is_null();
}

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// '*' and '?' not preceded by a backslash (query-string values escape literal wildcards as \* and \?).
std::size_t wildcard_count(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\')
      ++i;
    else if (text[i] == '*' || text[i] == '?')
      ++count;
  }
  return count;
}

std::vector<std::string> string_list(const json& list, std::string_view field) {
  if (!list.is_array()) fail("The " + in_quotes(field) + " condition values must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : list) {
    if (!item.is_string()) fail("The " + in_quotes(field) + " condition values must be a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

// Rules every value follows: not empty, at most 128 characters, no control characters.
// `field` names the value in messages as AWS does: the condition field, or 'Key' / 'Value' of a query string.
void check_common(std::string_view field, const std::string& value) {
  if (value.empty()) fail("A condition value cannot be empty (condition " + in_quotes(field) + ")");
  if (value.size() > kMaxConditionValueLength) fail("The " + in_quotes(field) + " value is too long; the limit is '128'");
  for (char c : value)
    if (is_control(c)) fail("The " + in_quotes(field) + " value " + in_quotes(value) + " contains a control character");
}

void check_allowed_characters(std::string_view field, const std::string& value, std::string_view specials,
                              std::string_view described) {
  for (char c : value)
    if (!is_alnum(c) && specials.find(c) == std::string_view::npos)
      fail("The " + in_quotes(field) + " value " + in_quotes(value) +
           " contains invalid characters; the allowed characters are " + std::string(described));
}

void check_host(const std::string& value) {
  check_allowed_characters("host-header", value, "-_.*?", "A-Z, a-z, 0-9, - _ . and the wildcards * and ?");
  const auto last_dot = value.rfind('.');
  if (last_dot == std::string::npos)
    fail("The 'host-header' value " + in_quotes(value) + " must contain at least one '.' character");
  for (std::size_t i = last_dot + 1; i < value.size(); ++i)
    if (!is_alpha(value[i]))
      fail("The 'host-header' value " + in_quotes(value) +
           " can only have alphabetical characters after the final '.' character");
}

void check_path(const std::string& value) {
  check_allowed_characters("path-pattern", value, "_-.$/~\"'@:+&*?",
                           "A-Z, a-z, 0-9, _ - . $ / ~ \" ' @ : + & and the wildcards * and ?");
}

void check_method(const std::string& value) {
  if (value.size() > kMaxHttpRequestMethodLength)
    fail("The 'http-request-method' value is too long; the limit is '40'");
  for (char c : value)
    if (!((c >= 'A' && c <= 'Z') || c == '-' || c == '_'))
      fail("The 'http-request-method' value is invalid; the allowed characters are A-Z, hyphen and underscore");
}

// RFC 7230 token, no wildcard, and not Host (a host-header condition does that).
void check_header_name(const std::string& name) {
  if (name.empty()) fail("A 'HttpHeaderName' must be specified with 'http-header'");
  if (name.size() > kMaxHttpHeaderNameLength)
    fail("The 'HttpHeaderName' value is too long; the limit is '40'");
  for (char c : name)
    if (!is_alnum(c) && std::string_view("!#$%&'+-.^_`|~").find(c) == std::string_view::npos)
      fail("The 'HttpHeaderName' value " + in_quotes(name) +
           " is not a valid header name: only RFC 7230 token characters are allowed and wildcards are not supported");
  std::string lower;
  for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "host")
    fail("The 'HttpHeaderName' cannot be 'Host'; use a 'host-header' condition to match the host name");
}

void check_source_ip(const std::string& value) {
  if (!is_source_ip_cidr(value))
    fail("The 'source-ip' value " + in_quotes(value) + " is not a valid IPv4 or IPv6 CIDR block");
  if (value == "255.255.255.255/32") fail("The 'source-ip' value '255.255.255.255/32' is not allowed");
}

const FieldSpec& field_spec(const json& condition) {
  if (!present(condition, "Field") || !condition["Field"].is_string()) fail("A condition field must be specified");
  const std::string field = condition["Field"].get<std::string>();
  for (const auto& spec : kFields)
    if (spec.field == field) return spec;
  fail("Condition field " + in_quotes(field) +
       " must be one of '[http-header, http-request-method, host-header, path-pattern, query-string, source-ip]'");
}

// Config blocks of other fields, legacy Values where not allowed, and RegexValues (not supported) are errors.
void reject_foreign_members(const json& condition, const FieldSpec& spec) {
  for (const auto& other : kFields)
    if (other.config != spec.config && present(condition, other.config))
      fail("The " + in_quotes(other.config) + " field is not compatible with " + in_quotes(spec.field));
  if (!spec.legacy_values && present(condition, "Values") && !condition["Values"].empty())
    fail("The 'Values' field is not compatible with " + in_quotes(spec.field) + "; use " + in_quotes(spec.config));
  const bool regex = present(condition, "RegexValues") ||
                     (present(condition, spec.config) && present(condition[spec.config], "RegexValues"));
  if (regex) fail("Albatross does not support 'RegexValues' in rule conditions; use 'Values'");
}

const json& config_block(const json& condition, const FieldSpec& spec) {
  if (!present(condition, spec.config) || !condition[spec.config].is_object())
    fail("A " + in_quotes(spec.config) + " must be specified with " + in_quotes(spec.field));
  return condition[spec.config];
}

// host-header and path-pattern: Values (legacy, one value) and/or the Config block; both must agree.
std::vector<std::string> legacy_or_config_values(const json& condition, const FieldSpec& spec) {
  const bool has_legacy = present(condition, "Values") && !condition["Values"].empty();
  const bool has_config = present(condition, spec.config) && present(condition[spec.config], "Values");
  std::vector<std::string> legacy, config;
  if (has_legacy) legacy = string_list(condition["Values"], spec.field);
  if (has_config) config = string_list(condition[spec.config]["Values"], spec.field);
  if (has_legacy && has_config && legacy != config)
    fail("You cannot provide both Values and " + in_quotes(spec.config) + " for a condition of type " +
         in_quotes(spec.field));
  if (has_legacy && !has_config && legacy.size() > 1)
    fail("The " + in_quotes(spec.field) + " field contains too many values; the limit is '1'");
  return has_config ? config : legacy;
}

std::vector<std::string> config_values(const json& condition, const FieldSpec& spec) {
  const json& config = config_block(condition, spec);
  if (!present(config, "Values")) return {};
  return string_list(config["Values"], spec.field);
}

void require_values(std::string_view field, std::size_t count) {
  if (count == 0)
    fail(field == "source-ip" ? std::string("A 'source-ip' value must be specified") : "A condition value must be specified");
}

// Checks one value of a string-valued condition and adds it to the rule's totals.
void check_value(const FieldSpec& spec, const std::string& value, RuleTotals& totals) {
  check_common(spec.field, value);
  if (spec.field == "host-header")
    check_host(value);
  else if (spec.field == "path-pattern")
    check_path(value);
  else if (spec.field == "http-request-method")
    check_method(value);
  else if (spec.field == "source-ip")
    check_source_ip(value);
  if (spec.field != "http-request-method" && spec.field != "source-ip") totals.wildcards += wildcard_count(value);
}

json string_condition(const json& condition, const FieldSpec& spec, RuleTotals& totals) {
  const auto values = spec.legacy_values ? legacy_or_config_values(condition, spec) : config_values(condition, spec);
  require_values(spec.field, values.size());
  for (const auto& value : values) check_value(spec, value, totals);
  totals.values += values.size();
  json out{{"Field", spec.field}};
  if (spec.legacy_values) out["Values"] = values;
  out[std::string(spec.config)] = {{"Values", values}};
  return out;
}

json http_header_condition(const json& condition, const FieldSpec& spec, RuleTotals& totals) {
  const json& config = config_block(condition, spec);
  const std::string name = present(config, "HttpHeaderName") ? config["HttpHeaderName"].get<std::string>() : "";
  check_header_name(name);
  const auto values = config_values(condition, spec);
  require_values(spec.field, values.size());
  for (const auto& value : values) check_value(spec, value, totals);
  totals.values += values.size();
  return {{"Field", spec.field}, {"HttpHeaderConfig", {{"HttpHeaderName", name}, {"Values", values}}}};
}

json query_pair(const json& pair, RuleTotals& totals) {
  if (!pair.is_object() || !present(pair, "Value") || !pair["Value"].is_string())
    fail("A 'Value' must be specified in 'QueryStringKeyValuePair'");
  json out = json::object();
  if (present(pair, "Key")) {
    const std::string key = pair["Key"].get<std::string>();
    check_common("Key", key);
    totals.wildcards += wildcard_count(key);
    out["Key"] = key;
  }
  const std::string value = pair["Value"].get<std::string>();
  check_common("Value", value);
  totals.wildcards += wildcard_count(value);
  out["Value"] = value;
  return out;
}

json query_string_condition(const json& condition, const FieldSpec& spec, RuleTotals& totals) {
  const json& config = config_block(condition, spec);
  const json pairs = present(config, "Values") ? config["Values"] : json::array();
  if (!pairs.is_array()) fail("The 'query-string' condition values must be a list of key/value pairs");
  require_values(spec.field, pairs.size());
  json values = json::array();
  for (const auto& pair : pairs) values.push_back(query_pair(pair, totals));
  totals.values += values.size();
  return {{"Field", spec.field}, {"QueryStringConfig", {{"Values", values}}}};
}

json normalize_condition(const json& condition, const FieldSpec& spec, RuleTotals& totals) {
  reject_foreign_members(condition, spec);
  if (spec.field == "http-header") return http_header_condition(condition, spec, totals);
  if (spec.field == "query-string") return query_string_condition(condition, spec, totals);
  return string_condition(condition, spec, totals);
}

bool parse_prefix(std::string_view text, int max) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) return false;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value <= max;
}

}  // namespace

bool is_source_ip_cidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string address(text.substr(0, slash));
  const std::string_view prefix = text.substr(slash + 1);
  unsigned char buffer[16];
  if (address.find(':') != std::string::npos)
    return inet_pton(AF_INET6, address.c_str(), buffer) == 1 && parse_prefix(prefix, 128);
  return inet_pton(AF_INET, address.c_str(), buffer) == 1 && parse_prefix(prefix, 32);
}

json normalize_conditions(const json& conditions) {
  if (!conditions.is_array() || conditions.empty()) fail("A rule must have at least one condition");
  RuleTotals totals;
  std::vector<std::string_view> seen;
  json out = json::array();
  for (const auto& condition : conditions) {
    if (!condition.is_object()) fail("A condition field must be specified");
    const FieldSpec& spec = field_spec(condition);
    if (spec.at_most_once) {
      for (auto field : seen)
        if (field == spec.field) fail("A rule can only have one " + in_quotes(spec.field) + " condition");
      seen.push_back(spec.field);
    }
    out.push_back(normalize_condition(condition, spec, totals));
  }
  if (totals.values > kMaxConditionValuesPerRule) fail("A rule can only have '5' condition values");
  if (totals.wildcards > kMaxWildcardsPerRule) fail("A rule can only have '5' wildcards");
  return out;
}

}  // namespace albatross::elbv2
