// Listener rules: CreateRule, DescribeRules, ModifyRule, DeleteRule, SetRulePriorities (spec §3.1).
// A rule is a kRule resource under its listener, stored in the model's Rule shape (Priority a string, "default"
// for the listener's default rule, whose Actions mirror the listener's DefaultActions).

#include <algorithm>
#include <climits>
#include <map>
#include <set>

#include "services/common/ids.hpp"
#include "services/common/pagination.hpp"
#include "services/elbv2/action_rules.hpp"
#include "services/elbv2/condition_rules.hpp"
#include "services/elbv2/elbv2_names.hpp"
#include "services/elbv2/elbv2_service.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;
using storage::Resource;

inline constexpr std::size_t kMaxRulesPerLoadBalancer = 100;  // default rules excluded
inline constexpr std::size_t kMaxTagsPerRule = 50;

bool is_default(const Resource& rule) { return rule.document.value("IsDefault", false); }

// Numeric priority; the default rule sorts after every other.
long long priority_of(const Resource& rule) {
  return is_default(rule) ? LLONG_MAX : std::stoll(rule.document.value("Priority", "0"));
}

std::vector<Resource> sorted_by_priority(std::vector<Resource> rules) {
  std::stable_sort(rules.begin(), rules.end(),
                   [](const Resource& a, const Resource& b) { return priority_of(a) < priority_of(b); });
  return rules;
}

std::string load_balancer_of(const Resource& listener) {
  return listener.document.value("LoadBalancerArn", listener.parent);
}

// Rules other than the default one exist only on Application Load Balancer listeners.
std::string rule_protocol(const Resource& listener) {
  const std::string protocol = listener.document.value("Protocol", "");
  if (protocol != "HTTP" && protocol != "HTTPS")
    throw AwsError{
        "UnsupportedProtocolException",
        "Listener rules are supported only on listeners with protocol HTTP or HTTPS, not '" + protocol + "'"};
  return protocol;
}

void check_priority_free(storage::ResourceStore& store, const storage::Scope& scope, const std::string& listener_arn,
                         long long priority) {
  for (const auto& rule : store.children(scope, kRule, listener_arn))
    if (!is_default(rule) && priority_of(rule) == priority)
      throw AwsError{"PriorityInUseException", "Priority '" + std::to_string(priority) + "' is currently in use"};
}

// Room for one more rule on the load balancer, all its listeners counted.
void check_rule_quota(storage::ResourceStore& store, const storage::Scope& scope,
                      const std::string& load_balancer_arn) {
  std::size_t rules = 0;
  for (const auto& listener : store.children(scope, kListener, load_balancer_arn))
    for (const auto& rule : store.children(scope, kRule, listener.id)) rules += is_default(rule) ? 0 : 1;
  if (rules >= kMaxRulesPerLoadBalancer)
    throw AwsError{"TooManyRulesException",
                   "The load balancer '" + load_balancer_arn +
                       "' already has the maximum number of rules (100, default rules excluded)"};
}

void reject_transforms(const Json& in) {
  if (in.contains("Transforms") && in["Transforms"].is_array() && !in["Transforms"].empty())
    throw AwsError{"ValidationError", "Albatross does not support rule transforms"};
}

void check_tags(const Json& in) {
  if (!in.contains("Tags") || !in["Tags"].is_array()) return;
  std::set<std::string> keys;
  for (const auto& tag : in["Tags"]) keys.insert(tag.value("Key", ""));
  if (keys.size() > kMaxTagsPerRule)
    throw AwsError{"TooManyTagsException",
                   "The quota for the number of tags that can be assigned to a listener rule has been reached (50)"};
}

// DescribeRules pages the same way as the other Describe calls (PageSize 1-400, default 400).
Json rules_page(const std::vector<Resource>& rules, const Json& in) {
  Json all = Json::array();
  for (const auto& rule : rules) all.push_back(rule.document);
  const auto page = pagination::page(all, in.value("Marker", ""), in.value("PageSize", 400), "ValidationError");
  Json out{{"Rules", page.items}};
  if (page.next_token) out["NextMarker"] = *page.next_token;
  return out;
}

Json one_rule(const Json& document) { return {{"Rules", Json::array({document})}}; }

}  // namespace

Json Elbv2Service::create_rule(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const Resource listener = require_listener(scope, in.at("ListenerArn").get<std::string>());
  const std::string protocol = rule_protocol(listener);
  reject_transforms(in);
  const long long priority = in.at("Priority").get<long long>();
  check_priority_free(store(), scope, listener.id, priority);
  Json conditions = normalize_conditions(in.at("Conditions"));
  const std::string load_balancer_arn = load_balancer_of(listener);
  Json actions = normalize_actions(scope, in.at("Actions"), protocol, load_balancer_arn);
  reject_redirect_loops(actions, protocol, listener.document.value("Port", 0));
  check_rule_quota(store(), scope, load_balancer_arn);
  check_tags(in);
  const std::string arn = rule_arn(listener.id, ids::random_hex(16));
  Json document{{"RuleArn", arn},
                {"Priority", std::to_string(priority)},
                {"Conditions", std::move(conditions)},
                {"Actions", std::move(actions)},
                {"IsDefault", false}};
  store().put(scope, {kRule, arn, listener.id, "", document});
  if (in.contains("Tags")) store().add_tags(scope, arn, in["Tags"]);
  changed();
  return one_rule(document);
}

Json Elbv2Service::describe_rules(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const bool by_listener = in.contains("ListenerArn");
  const bool by_arns = in.contains("RuleArns") && !in["RuleArns"].empty();
  if (by_listener && by_arns)
    throw AwsError{"ValidationError", "Listener rule ARNs and a listener ARN cannot be specified at the same time"};
  if (!by_listener && !by_arns)
    throw AwsError{"ValidationError", "You must specify either listener rule ARNs or a listener ARN"};
  std::vector<Resource> rules;
  if (by_listener) {
    const Resource listener = require_listener(scope, in["ListenerArn"].get<std::string>());
    rules = sorted_by_priority(store().children(scope, kRule, listener.id));
  } else {
    std::set<std::string> seen;
    for (const auto& arn : in["RuleArns"]) {
      if (!seen.insert(arn.get<std::string>()).second) continue;
      auto rule = store().get(scope, kRule, arn.get<std::string>());
      if (!rule) throw AwsError{"RuleNotFoundException", "One or more rules not found"};
      rules.push_back(std::move(*rule));
    }
  }
  return rules_page(rules, in);
}

Json Elbv2Service::modify_rule(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  Resource rule = require_rule(scope, in.at("RuleArn").get<std::string>());
  Resource listener = require_listener(scope, rule.parent);
  const std::string protocol = listener.document.value("Protocol", "");
  reject_transforms(in);
  const bool new_conditions = in.contains("Conditions") && !in["Conditions"].empty();
  if (is_default(rule) && new_conditions)
    throw AwsError{"OperationNotPermittedException", "Conditions cannot be specified for the default rule"};
  if (new_conditions) rule.document["Conditions"] = normalize_conditions(in["Conditions"]);
  if (in.contains("Actions")) {
    Json actions = normalize_actions(scope, in["Actions"], protocol, load_balancer_of(listener));
    reject_redirect_loops(actions, protocol, listener.document.value("Port", 0));
    rule.document["Actions"] = actions;
    if (is_default(rule)) {  // the default rule's actions are the listener's DefaultActions
      listener.document["DefaultActions"] = std::move(actions);
      store().put(scope, listener);
    }
  }
  store().put(scope, rule);
  changed();
  return one_rule(rule.document);
}

Json Elbv2Service::delete_rule(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const Resource rule = require_rule(scope, in.at("RuleArn").get<std::string>());
  if (is_default(rule))
    throw AwsError{"OperationNotPermittedException", "Default rule '" + rule.id + "' cannot be deleted"};
  store().remove(scope, kRule, rule.id);
  changed();
  return Json::object();
}

namespace {

struct PriorityChange {
  Resource rule;
  long long priority;
};

// The requested changes, checked on their own: each names an existing non-default rule once, and no
// listener gets the same priority twice.
std::vector<PriorityChange> requested_changes(Elbv2Service& service, const storage::Scope& scope, const Json& pairs) {
  std::vector<PriorityChange> changes;
  std::set<std::string> rules;
  std::set<std::pair<std::string, long long>> priorities;
  for (const auto& pair : pairs) {
    if (!pair.contains("RuleArn") || !pair.contains("Priority"))
      throw AwsError{"ValidationError", "Each rule priority pair must specify a RuleArn and a Priority"};
    Resource rule = service.require_rule(scope, pair["RuleArn"].get<std::string>());
    const long long priority = pair["Priority"].get<long long>();
    if (is_default(rule))
      throw AwsError{"OperationNotPermittedException",
                     "The priority of the default rule '" + rule.id + "' cannot be changed"};
    if (!rules.insert(rule.id).second)
      throw AwsError{"ValidationError", "Rule '" + rule.id + "' was provided multiple times"};
    if (!priorities.insert({rule.parent, priority}).second)
      throw AwsError{"ValidationError", "Priority '" + std::to_string(priority) + "' was provided multiple times"};
    changes.push_back({std::move(rule), priority});
  }
  return changes;
}

// After the changes, no two rules of a listener share a priority (swaps within one call are fine).
void check_no_clash(Elbv2Service& service, const storage::Scope& scope, const std::vector<PriorityChange>& changes) {
  std::map<std::string, long long> moved;
  std::set<std::string> listeners;
  for (const auto& change : changes) {
    moved[change.rule.id] = change.priority;
    listeners.insert(change.rule.parent);
  }
  for (const auto& listener : listeners) {
    std::set<long long> taken;
    for (const auto& rule : service.store().children(scope, kRule, listener)) {
      if (is_default(rule)) continue;
      const auto it = moved.find(rule.id);
      const long long priority = it == moved.end() ? priority_of(rule) : it->second;
      if (!taken.insert(priority).second)
        throw AwsError{"PriorityInUseException", "Priority '" + std::to_string(priority) + "' is currently in use"};
    }
  }
}

}  // namespace

Json Elbv2Service::set_rule_priorities(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto changes = requested_changes(*this, scope, in.at("RulePriorities"));
  check_no_clash(*this, scope, changes);
  Json out{{"Rules", Json::array()}};
  for (auto& change : changes) {
    change.rule.document["Priority"] = std::to_string(change.priority);
    store().put(scope, change.rule);
    out["Rules"].push_back(change.rule.document);
  }
  if (!changes.empty()) changed();
  return out;
}

}  // namespace albatross::elbv2
