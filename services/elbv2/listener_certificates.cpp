#include "services/elbv2/listener_certificates.hpp"

#include <algorithm>

#include "services/acm/acm_service.hpp"
#include "services/elbv2/elbv2_service.hpp"

namespace albatross::elbv2 {

std::vector<std::string> listener_certificate_arns(const nlohmann::json& listener) {
  std::vector<std::string> arns;
  for (const auto& certificate : listener.value("Certificates", nlohmann::json::array()))
    arns.push_back(certificate.value("CertificateArn", ""));
  for (const auto& arn : listener.value("_SniCertificates", nlohmann::json::array())) arns.push_back(arn);
  return arns;
}

void claim_certificate(Elbv2Service& service, const storage::Scope& scope, const std::string& load_balancer_arn,
                       const std::string& certificate_arn) {
  const auto certificate = service.acm().find_certificate(scope.account_id, scope.region, certificate_arn);
  if (!certificate)
    throw AwsError{"CertificateNotFoundException", "Certificate '" + certificate_arn + "' not found"};
  if (certificate->document.value("Status", "") != "ISSUED" || certificate->certificate_pem.empty())
    throw AwsError{"UnsupportedCertificate", "The certificate '" + certificate_arn +
                                                 "' must have a fully-qualified domain name, a supported signature, "
                                                 "and a supported key size."};
  service.acm().set_in_use(scope.account_id, scope.region, certificate_arn, load_balancer_arn, true);
}

void release_certificates(Elbv2Service& service, const storage::Scope& scope, const std::string& load_balancer_arn,
                          const std::vector<std::string>& certificate_arns) {
  std::vector<std::string> still_used;
  for (const auto& listener : service.store().children(scope, kListener, load_balancer_arn))
    for (const auto& arn : listener_certificate_arns(listener.document)) still_used.push_back(arn);
  for (const auto& arn : certificate_arns) {
    if (std::find(still_used.begin(), still_used.end(), arn) != still_used.end()) continue;
    if (service.acm().find_certificate(scope.account_id, scope.region, arn))
      service.acm().set_in_use(scope.account_id, scope.region, arn, load_balancer_arn, false);
  }
}

}  // namespace albatross::elbv2
