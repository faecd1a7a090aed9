// CreateListener, DescribeListeners, ModifyListener, DeleteListener and the listener certificate list.

#include <algorithm>
#include <iterator>
#include <optional>

#include "services/common/ids.hpp"
#include "services/common/pagination.hpp"
#include "services/elbv2/action_rules.hpp"
#include "services/elbv2/elbv2_names.hpp"
#include "services/elbv2/elbv2_service.hpp"
#include "services/elbv2/elbv2_tags.hpp"
#include "services/elbv2/listener_certificates.hpp"
#include "services/elbv2/ssl_policies.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxListenersPerLoadBalancer = 50;
constexpr std::size_t kMaxSniCertificates = 25;
constexpr char kDefaultSslPolicy[] = "ELBSecurityPolicy-2016-08";

bool is_secure(const std::string& protocol) { return protocol == "HTTPS" || protocol == "TLS"; }

// AWS's ALPN policy names for TLS listeners.
constexpr const char* kAlpnPolicies[] = {"HTTP1Only", "HTTP2Only", "HTTP2Optional", "HTTP2Preferred", "None"};

// IsDefault is output only: AWS refuses it on CreateListener, ModifyListener and AddListenerCertificates.
void reject_is_default(const Json& certificates) {
  for (const auto& certificate : certificates)
    if (certificate.contains("IsDefault"))
      throw AwsError{"ValidationError", "You cannot set the isDefault parameter for a certificate."};
}

void check_protocol(const std::string& load_balancer_type, const std::string& protocol) {
  const bool application = load_balancer_type == "application";
  const bool fits = application ? (protocol == "HTTP" || protocol == "HTTPS")
                                : (protocol == "TCP" || protocol == "TLS" || protocol == "UDP" || protocol == "TCP_UDP");
  if (!fits)
    throw AwsError{"UnsupportedProtocolException", "Protocol '" + protocol + "' is not supported for " +
                                                       load_balancer_type + " load balancers"};
}

// Applies Protocol/Port/SslPolicy/Certificates/AlpnPolicy from `in` onto a listener document, validating
// the combination; certificates newly used are claimed in ACM. Returns the certificates no longer used.
std::vector<std::string> apply_settings(Elbv2Service& service, const storage::Scope& scope, Json& listener,
                                        const std::string& load_balancer_type, const Json& in) {
  const std::vector<std::string> before = listener_certificate_arns(listener);
  if (in.contains("Protocol")) listener["Protocol"] = in["Protocol"];
  if (in.contains("Port")) listener["Port"] = in["Port"];
  const std::string protocol = listener.value("Protocol", "");
  check_protocol(load_balancer_type, protocol);
  if (!listener.contains("Port")) throw AwsError{"ValidationError", "A listener port must be specified"};
  reject_is_default(in.value("Certificates", Json::array()));
  if (is_secure(protocol)) {
    if (in.contains("Certificates")) {
      if (in["Certificates"].size() != 1 || !in["Certificates"][0].contains("CertificateArn"))
        throw AwsError{"ValidationError", "Exactly one default certificate must be specified for " + protocol + " listeners"};
      const std::string arn = in["Certificates"][0]["CertificateArn"];
      claim_certificate(service, scope, listener.value("LoadBalancerArn", ""), arn);
      listener["Certificates"] = Json::array({{{"CertificateArn", arn}}});
    }
    if (!listener.contains("Certificates"))
      throw AwsError{"ValidationError", "A certificate must be specified for " + protocol + " listeners"};
    const std::string policy = in.value("SslPolicy", listener.value("SslPolicy", std::string(kDefaultSslPolicy)));
    if (!find_ssl_policy(policy)) throw AwsError{"SSLPolicyNotFoundException", "SSL policy '" + policy + "' not found"};
    listener["SslPolicy"] = policy;
  } else {
    if (in.contains("Certificates") || in.contains("SslPolicy"))
      throw AwsError{"ValidationError", "Certificates and SSL policies can only be set on HTTPS and TLS listeners"};
    listener.erase("Certificates");
    listener.erase("SslPolicy");
    listener.erase("_SniCertificates");
  }
  if (protocol != "HTTPS") listener.erase("MutualAuthentication");
  if (in.contains("AlpnPolicy")) {
    if (protocol != "TLS")
      throw AwsError{"ValidationError", "An ALPN policy can only be set on TLS listeners of network load balancers"};
    if (in["AlpnPolicy"].size() > 1) throw AwsError{"ValidationError", "Only one ALPN policy can be specified"};
    for (const auto& name : in["AlpnPolicy"])
      if (std::find(std::begin(kAlpnPolicies), std::end(kAlpnPolicies), name.get<std::string>()) == std::end(kAlpnPolicies))
        throw AwsError{"ALPNPolicyNotSupportedException", "ALPN policy '" + name.get<std::string>() + "' not found"};
    listener["AlpnPolicy"] = in["AlpnPolicy"];
  }
  if (in.contains("MutualAuthentication")) {
    if (protocol != "HTTPS")
      throw AwsError{"ValidationError", "Mutual authentication can only be configured on HTTPS listeners"};
    const Json& mutual = in["MutualAuthentication"];
    const std::string mode = mutual.value("Mode", "off");
    if (mode != "off" && mode != "passthrough" && mode != "verify")
      throw AwsError{"ValidationError", "Mutual authentication mode '" + mode + "' must be one of off, passthrough or verify"};
    // verify needs a trust store, and none can exist here (see trust_store_handlers.cpp).
    if (mode == "verify" && !mutual.contains("TrustStoreArn"))
      throw AwsError{"ValidationError", "A trust store must be specified for mutual authentication mode 'verify'"};
    if (mode == "verify") throw AwsError{"TrustStoreNotFoundException", "One or more trust stores not found"};
    listener["MutualAuthentication"] = {{"Mode", mode}};
  }
  std::vector<std::string> released;
  const auto after = listener_certificate_arns(listener);
  for (const auto& arn : before)
    if (std::find(after.begin(), after.end(), arn) == after.end()) released.push_back(arn);
  return released;
}

bool same_listener_settings(const Json& existing, const Json& wanted) {
  for (const char* key : {"Protocol", "Port", "SslPolicy", "Certificates", "AlpnPolicy", "DefaultActions"})
    if (existing.value(key, Json()) != wanted.value(key, Json())) return false;
  return true;
}

void check_port_free(Elbv2Service& service, const storage::Scope& scope, const Json& listener) {
  for (const auto& other : service.store().children(scope, kListener, listener.value("LoadBalancerArn", "")))
    if (other.id != listener.value("ListenerArn", "") && other.document.value("Port", 0) == listener.value("Port", -1))
      throw AwsError{"DuplicateListenerException", "A listener already exists on this port for this load balancer '" +
                                                       listener.value("LoadBalancerArn", "") + "'"};
}

void save_default_rule(Elbv2Service& service, const storage::Scope& scope, const Json& listener) {
  const std::string listener_arn = listener.at("ListenerArn");
  for (auto rule : service.store().children(scope, kRule, listener_arn))
    if (rule.document.value("IsDefault", false)) {
      rule.document["Actions"] = listener["DefaultActions"];
      service.store().put(scope, rule);
      return;
    }
  const std::string arn = rule_arn(listener_arn, ids::random_hex(16));
  service.store().put(scope, {kRule, arn, listener_arn, "",
                              {{"RuleArn", arn},
                               {"Priority", "default"},
                               {"Conditions", Json::array()},
                               {"Actions", listener["DefaultActions"]},
                               {"IsDefault", true}}});
}

}  // namespace

Json Elbv2Service::create_listener(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto load_balancer = require_load_balancer(scope, in.at("LoadBalancerArn"));
  const std::string type = load_balancer.document.value("Type", "application");
  Json listener = {{"LoadBalancerArn", load_balancer.id},
                   {"Protocol", in.value("Protocol", type == "application" ? "HTTP" : "TCP")}};
  if (in.contains("Port")) listener["Port"] = in["Port"];
  std::optional<storage::Resource> same_port;
  for (const auto& existing : store().children(scope, kListener, load_balancer.id))
    if (existing.document.value("Port", 0) == listener.value("Port", -1)) same_port = existing;
  if (!same_port && store().children(scope, kListener, load_balancer.id).size() >= kMaxListenersPerLoadBalancer)
    throw AwsError{"TooManyListenersException", "You've reached the limit on the number of listeners per load balancer"};
  Json settings = in;
  settings.erase("Protocol");
  settings.erase("Port");
  apply_settings(*this, scope, listener, type, settings);
  listener["DefaultActions"] = normalize_actions(scope, in.at("DefaultActions"), listener["Protocol"], load_balancer.id);
  reject_redirect_loops(listener["DefaultActions"], listener["Protocol"], listener.value("Port", 0));
  if (same_port) {
    // Idempotent: the same settings answer the existing listener; anything else on that port is a duplicate.
    if (!same_listener_settings(same_port->document, listener))
      throw AwsError{"DuplicateListenerException", "A listener already exists on this port for this load balancer '" +
                                                       load_balancer.id + "'"};
    return {{"Listeners", Json::array({same_port->document})}};
  }
  const std::string arn = listener_arn(load_balancer.id, ids::random_hex(16));
  listener["ListenerArn"] = arn;
  store().put(scope, {kListener, arn, load_balancer.id, "", listener});
  save_default_rule(*this, scope, listener);
  apply_tags(store(), scope, arn, in.value("Tags", Json::array()));
  changed();
  return {{"Listeners", Json::array({listener})}};
}

Json Elbv2Service::describe_listeners(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  Json matching = Json::array();
  if (in.contains("ListenerArns")) {
    for (const auto& arn : in["ListenerArns"]) matching.push_back(require_listener(scope, arn).document);
  } else if (in.contains("LoadBalancerArn")) {
    const auto load_balancer = require_load_balancer(scope, in["LoadBalancerArn"]);
    for (const auto& listener : store().children(scope, kListener, load_balancer.id)) matching.push_back(listener.document);
  } else {
    throw AwsError{"ValidationError", "You must specify either listener ARNs or a load balancer ARN"};
  }
  const auto page = pagination::page(matching, in.value("Marker", ""), in.value("PageSize", 400), "ValidationError");
  Json out = {{"Listeners", page.items}};
  if (page.next_token) out["NextMarker"] = *page.next_token;
  return out;
}

Json Elbv2Service::modify_listener(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_listener(scope, in.at("ListenerArn"));
  const auto load_balancer = require_load_balancer(scope, resource.parent);
  Json& listener = resource.document;
  const auto released = apply_settings(*this, scope, listener, load_balancer.document.value("Type", "application"), in);
  check_port_free(*this, scope, listener);
  if (in.contains("DefaultActions"))
    listener["DefaultActions"] = normalize_actions(scope, in["DefaultActions"], listener["Protocol"], load_balancer.id);
  reject_redirect_loops(listener["DefaultActions"], listener["Protocol"], listener.value("Port", 0));
  store().put(scope, resource);
  save_default_rule(*this, scope, listener);
  release_certificates(*this, scope, load_balancer.id, released);
  changed();
  return {{"Listeners", Json::array({listener})}};
}

Json Elbv2Service::delete_listener(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string arn = in.at("ListenerArn");
  const auto listener = store().get(scope, kListener, arn);
  if (!listener) throw AwsError{"ListenerNotFoundException", "Listener '" + arn + "' not found"};
  for (const auto& rule : store().children(scope, kRule, arn)) store().remove(scope, kRule, rule.id);
  store().remove(scope, kListener, arn);
  release_certificates(*this, scope, listener->parent, listener_certificate_arns(listener->document));
  changed();
  return Json::object();
}

Json Elbv2Service::add_listener_certificates(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_listener(scope, in.at("ListenerArn"));
  Json& listener = resource.document;
  if (!is_secure(listener.value("Protocol", "")))
    throw AwsError{"ValidationError", "Certificates can only be added to HTTPS and TLS listeners"};
  reject_is_default(in.at("Certificates"));
  Json& list = listener["_SniCertificates"];
  if (!list.is_array()) list = Json::array();
  for (const auto& certificate : in.at("Certificates")) {
    const std::string arn = certificate.at("CertificateArn");
    if (std::find(list.begin(), list.end(), arn) != list.end()) continue;
    if (list.size() >= kMaxSniCertificates)
      throw AwsError{"TooManyCertificatesException", "You've reached the limit on the number of certificates per load balancer"};
    claim_certificate(*this, scope, resource.parent, arn);
    list.push_back(arn);
  }
  store().put(scope, resource);
  changed();
  Json out = Json::array();
  for (const auto& arn : list) out.push_back({{"CertificateArn", arn}, {"IsDefault", false}});
  return {{"Certificates", out}};
}

Json Elbv2Service::remove_listener_certificates(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  auto resource = require_listener(scope, in.at("ListenerArn"));
  Json& listener = resource.document;
  std::vector<std::string> removed;
  for (const auto& certificate : in.at("Certificates")) {
    const std::string arn = certificate.at("CertificateArn");
    const auto defaults = listener.value("Certificates", Json::array());
    if (!defaults.empty() && defaults[0].value("CertificateArn", "") == arn)
      throw AwsError{"OperationNotPermittedException", "The default certificate of a listener cannot be removed"};
    Json& list = listener["_SniCertificates"];
    if (!list.is_array()) list = Json::array();
    const auto found = std::find(list.begin(), list.end(), arn);
    if (found == list.end()) throw AwsError{"CertificateNotFoundException", "Certificate '" + arn + "' not found"};
    list.erase(found);
    removed.push_back(arn);
  }
  store().put(scope, resource);
  release_certificates(*this, scope, resource.parent, removed);
  changed();
  return Json::object();
}

Json Elbv2Service::describe_listener_certificates(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto listener = require_listener(scope, in.at("ListenerArn")).document;
  Json all = Json::array();
  for (const auto& certificate : listener.value("Certificates", Json::array()))
    all.push_back({{"CertificateArn", certificate["CertificateArn"]}, {"IsDefault", true}});
  for (const auto& arn : listener.value("_SniCertificates", Json::array()))
    all.push_back({{"CertificateArn", arn}, {"IsDefault", false}});
  const auto page = pagination::page(all, in.value("Marker", ""), in.value("PageSize", 400), "ValidationError");
  Json out = {{"Certificates", page.items}};
  if (page.next_token) out["NextMarker"] = *page.next_token;
  return out;
}

}  // namespace albatross::elbv2
