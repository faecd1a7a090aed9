#pragma once
// The link between HTTPS/TLS listeners and ACM: certificates must exist and be issued to be attached,
// and a load balancer using one is listed in the certificate's InUseBy (so ACM refuses to delete it).
// A listener keeps its default certificate in `Certificates` (as DescribeListeners shows it) and the
// extra SNI certificates in the private `_SniCertificates` list.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/resource_store.hpp"

namespace albatross::elbv2 {

class Elbv2Service;

// Every certificate ARN a listener document uses (default first, then SNI ones).
std::vector<std::string> listener_certificate_arns(const nlohmann::json& listener);
// Checks that the certificate can be attached (CertificateNotFound, UnsupportedCertificate) and records
// the load balancer in its InUseBy.
void claim_certificate(Elbv2Service& service, const storage::Scope& scope, const std::string& load_balancer_arn,
                       const std::string& certificate_arn);
// Removes the load balancer from InUseBy of each listed certificate none of its listeners still uses.
void release_certificates(Elbv2Service& service, const storage::Scope& scope, const std::string& load_balancer_arn,
                          const std::vector<std::string>& certificate_arns);

}  // namespace albatross::elbv2
