#include "services/elbv2/snapshot_builder.hpp"

#include <algorithm>
#include <set>

#include "emulator/clock.hpp"
#include "routing/rule_matcher.hpp"
#include "services/acm/acm_service.hpp"
#include "services/elbv2/action_rules.hpp"
#include "services/elbv2/elbv2_attributes.hpp"
#include "services/elbv2/elbv2_service.hpp"
#include "services/elbv2/security_group_snapshot.hpp"
#include "services/elbv2/ssl_policies.hpp"
#include "storage/resource_store.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

std::vector<std::string> strings(const Json& list) {
  std::vector<std::string> out;
  for (const auto& value : list) out.push_back(value.get<std::string>());
  return out;
}

std::map<std::string, std::string> attributes_of(AttributeOwner owner, const Json& doc) {
  std::map<std::string, std::string> out;
  for (const auto& attribute : describe_attributes(owner, doc.value("_Attributes", AttributeMap{})))
    out[attribute["Key"]] = attribute["Value"];
  return out;
}

routing::Condition condition_of(const Json& doc) {
  routing::Condition condition;
  const std::string field = doc.value("Field", "");
  auto config_values = [&](const char* config) {
    if (doc.contains(config)) return strings(doc[config].value("Values", Json::array()));
    return strings(doc.value("Values", Json::array()));
  };
  if (field == "host-header") {
    condition.field = routing::ConditionField::HostHeader;
    condition.values = config_values("HostHeaderConfig");
  } else if (field == "path-pattern") {
    condition.field = routing::ConditionField::PathPattern;
    condition.values = config_values("PathPatternConfig");
  } else if (field == "http-header") {
    condition.field = routing::ConditionField::HttpHeader;
    condition.header_name = doc.value("HttpHeaderConfig", Json::object()).value("HttpHeaderName", "");
    condition.values = config_values("HttpHeaderConfig");
  } else if (field == "http-request-method") {
    condition.field = routing::ConditionField::HttpRequestMethod;
    condition.values = config_values("HttpRequestMethodConfig");
  } else if (field == "query-string") {
    condition.field = routing::ConditionField::QueryString;
    for (const auto& pair : doc.value("QueryStringConfig", Json::object()).value("Values", Json::array())) {
      routing::QueryMatch match;
      if (pair.contains("Key")) match.key = pair["Key"].get<std::string>();
      match.value = pair.value("Value", "");
      condition.query_values.push_back(match);
    }
  } else if (field == "source-ip") {
    condition.field = routing::ConditionField::SourceIp;
    for (const auto& text : config_values("SourceIpConfig"))
      if (auto cidr = routing::parse_cidr(text)) condition.source_ips.push_back(*cidr);
  }
  return condition;
}

routing::Action action_of(const Json& actions) {
  routing::Action action;
  for (const auto& doc : actions) {  // Describe form: sorted by Order, the routing action last
    const std::string type = doc.value("Type", "");
    if (type == "forward") {
      action = {};
      action.type = routing::ActionType::Forward;
      const Json config = doc.value("ForwardConfig", Json::object());
      for (const auto& group : config.value("TargetGroups", Json::array()))
        action.target_groups.push_back({group.value("TargetGroupArn", ""), group.value("Weight", 1)});
      if (action.target_groups.empty() && doc.contains("TargetGroupArn"))
        action.target_groups.push_back({doc["TargetGroupArn"], 1});
      const Json stickiness = config.value("TargetGroupStickinessConfig", Json::object());
      action.group_stickiness = stickiness.value("Enabled", false);
      action.group_stickiness_seconds = stickiness.value("DurationSeconds", 0);
    } else if (type == "redirect") {
      action = {};
      action.type = routing::ActionType::Redirect;
      const Json config = doc.value("RedirectConfig", Json::object());
      action.redirect_protocol = config.value("Protocol", "#{protocol}");
      action.redirect_port = config.value("Port", "#{port}");
      action.redirect_host = config.value("Host", "#{host}");
      action.redirect_path = config.value("Path", "/#{path}");
      action.redirect_query = config.value("Query", "#{query}");
      action.redirect_status = config.value("StatusCode", "HTTP_301") == "HTTP_302" ? 302 : 301;
    } else if (type == "fixed-response") {
      action = {};
      action.type = routing::ActionType::FixedResponse;
      const Json config = doc.value("FixedResponseConfig", Json::object());
      action.status_code = std::stoi(config.value("StatusCode", "503"));
      action.content_type = config.value("ContentType", "");
      action.body = config.value("MessageBody", "");
    }
  }
  return action;
}

routing::Rule rule_of(const storage::Resource& resource) {
  const Json& doc = resource.document;
  routing::Rule rule;
  rule.arn = resource.id;
  rule.is_default = doc.value("IsDefault", false);
  if (!rule.is_default) rule.priority = std::stoi(doc.value("Priority", "0"));
  for (const auto& condition : doc.value("Conditions", Json::array())) rule.conditions.push_back(condition_of(condition));
  rule.action = action_of(doc.value("Actions", Json::array()));
  return rule;
}

std::optional<routing::Certificate> certificate_of(const acm::AcmService& acm, const storage::Scope& scope,
                                                   const std::string& arn) {
  const auto record = acm.find_certificate(scope.account_id, scope.region, arn);
  if (!record || record->certificate_pem.empty()) return std::nullopt;
  return routing::Certificate{arn, record->certificate_pem, record->chain_pem, record->private_key_pem};
}

routing::Listener listener_of(const storage::ResourceStore& store, const acm::AcmService& acm,
                              const storage::Scope& scope, const storage::Resource& resource) {
  const Json& doc = resource.document;
  routing::Listener listener;
  listener.arn = resource.id;
  listener.load_balancer_arn = resource.parent;
  listener.protocol = doc.value("Protocol", "HTTP");
  listener.port = doc.value("Port", 0);
  listener.ssl_policy = doc.value("SslPolicy", "");
  if (const auto* policy = find_ssl_policy(listener.ssl_policy)) {
    listener.ssl_protocols = policy->protocols;
    listener.ssl_ciphers = policy->ciphers;
  }
  for (const auto& certificate : doc.value("Certificates", Json::array()))
    listener.default_certificate = certificate_of(acm, scope, certificate.value("CertificateArn", ""));
  for (const auto& arn : doc.value("_SniCertificates", Json::array()))
    if (auto certificate = certificate_of(acm, scope, arn)) listener.sni_certificates.push_back(*certificate);
  listener.attributes = attributes_of(listener_attribute_owner(doc), doc);
  for (const auto& rule : store.children(scope, kRule, resource.id)) listener.rules.push_back(rule_of(rule));
  std::stable_sort(listener.rules.begin(), listener.rules.end(), [](const auto& a, const auto& b) {
    if (a.is_default != b.is_default) return b.is_default;
    return a.priority < b.priority;
  });
  return listener;
}

// Fills the target's connect addresses from the resolver (identity when it has no answer).
void resolve_addresses(const TargetAddressResolver& resolver, const routing::TargetGroup& group, routing::Target& target) {
  if (!resolver) return;
  if (const auto traffic = resolver(target.id, target.port)) {
    target.connect_address = traffic->first;
    target.connect_port = traffic->second;
  }
  if (const auto check = resolver(target.id, routing::health_check_port_of(group, target))) {
    target.health_check_address = check->first;
    target.health_check_port = check->second;
  }
}

routing::TargetGroup target_group_of(const storage::ResourceStore& store, const storage::Scope& scope,
                                     const storage::Resource& resource, double now,
                                     const TargetAddressResolver& resolver) {
  const Json& doc = resource.document;
  routing::TargetGroup group;
  group.arn = resource.id;
  group.name = resource.name;
  group.protocol = doc.value("Protocol", "");
  group.protocol_version = doc.value("ProtocolVersion", "");
  group.port = doc.value("Port", 0);
  group.target_type = doc.value("TargetType", "instance");
  group.account_id = scope.account_id;
  group.region = scope.region;
  auto& check = group.health_check;
  check.enabled = doc.value("HealthCheckEnabled", true);
  check.protocol = doc.value("HealthCheckProtocol", "HTTP");
  check.port = doc.value("HealthCheckPort", "traffic-port");
  check.path = doc.value("HealthCheckPath", "/");
  check.interval_seconds = doc.value("HealthCheckIntervalSeconds", 30);
  check.timeout_seconds = doc.value("HealthCheckTimeoutSeconds", 5);
  check.healthy_threshold = doc.value("HealthyThresholdCount", 5);
  check.unhealthy_threshold = doc.value("UnhealthyThresholdCount", 2);
  check.matcher = doc.value("Matcher", Json::object()).value("HttpCode", "200");
  group.attributes = attributes_of(target_group_attribute_owner(doc), doc);
  for (const auto& target : store.children(scope, kTarget, resource.id)) {
    const Json& t = target.document;
    routing::Target out{t.value("Id", ""), t.value("Port", 0), t.contains("_DrainUntil"),
                        t.value("_DrainUntil", 0.0), t.value("RegisteredAt", 0.0)};
    if (out.draining && out.draining_until <= now) continue;  // drained: gone
    resolve_addresses(resolver, group, out);
    group.targets.push_back(out);
  }
  return group;
}

}  // namespace

routing::SnapshotPtr build_snapshot(const storage::ResourceStore& store, const acm::AcmService& acm,
                                    std::uint64_t version, const TargetAddressResolver& resolver,
                                    const SecurityGroupFiltering& filtering) {
  auto snapshot = std::make_shared<routing::Snapshot>();
  snapshot->version = version;
  const double now = Clock::now();
  LoadBalancerSubnets subnets;
  for (const auto& [scope, resource] : store.list_everywhere(kLoadBalancer)) {
    const Json& doc = resource.document;
    routing::LoadBalancer lb;
    lb.arn = resource.id;
    lb.name = resource.name;
    lb.dns_name = doc.value("DNSName", "");
    lb.type = doc.value("Type", "application");
    lb.scheme = doc.value("Scheme", "internet-facing");
    lb.account_id = scope.account_id;
    lb.region = scope.region;
    lb.security_groups = strings(doc.value("SecurityGroups", Json::array()));
    lb.attributes = attributes_of(load_balancer_attribute_owner(doc), doc);
    for (const auto& zone : doc.value("AvailabilityZones", Json::array()))
      if (zone.contains("SubnetId")) subnets[lb.arn].push_back(zone.value("SubnetId", ""));
    snapshot->load_balancers.emplace(lb.arn, std::move(lb));
  }
  std::set<std::string> used_groups;
  for (const auto& [scope, resource] : store.list_everywhere(kListener)) {
    auto listener = listener_of(store, acm, scope, resource);
    for (const auto& rule : listener.rules)
      for (const auto& group : rule.action.target_groups) used_groups.insert(group.arn);
    snapshot->listeners.push_back(std::move(listener));
  }
  for (const auto& [scope, resource] : store.list_everywhere(kTargetGroup)) {
    auto group = target_group_of(store, scope, resource, now, resolver);
    group.in_use = used_groups.count(group.arn) > 0;
    snapshot->target_groups.emplace(group.arn, std::move(group));
  }
  if (filtering.enabled) apply_security_groups(*snapshot, store, subnets, filtering.tasks);
  return snapshot;
}

}  // namespace albatross::elbv2
