// ImportCertificate: a certificate, its private key and chain from elsewhere, new or re-imported.

#include <cmath>

#include "emulator/clock.hpp"
#include "services/acm/acm_service.hpp"
#include "services/acm/certificate_tags.hpp"
#include "services/acm/x509_inspect.hpp"
#include "services/common/arn.hpp"
#include "services/common/base64.hpp"
#include "services/common/ids.hpp"

namespace albatross::acm {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxCertificateBytes = 32 * 1024;
constexpr std::size_t kMaxPrivateKeyBytes = 5 * 1024;
constexpr std::size_t kMaxChainBytes = 2 * 1024 * 1024;

AwsError validation(std::string message) { return AwsError{"ValidationException", std::move(message)}; }

std::string decoded_blob(const json& in, const char* member, const char* what, std::size_t limit) {
  const auto bytes = base64::decode(in.at(member).get<std::string>());
  if (!bytes) throw validation(std::string("The ") + what + " is not PEM-encoded or is not valid.");
  if (bytes->size() > limit)
    throw validation(std::string("The ") + what + " is " + std::to_string(bytes->size()) +
                     " bytes long; the maximum is " + std::to_string(limit) + " bytes.");
  return *bytes;
}

CertificateFacts checked_certificate(const std::string& pem, double now) {
  CertificateFacts facts;
  try {
    facts = inspect_certificate(pem);
  } catch (const std::invalid_argument&) {
    throw validation("The certificate is not PEM-encoded or is not valid.");
  }
  if (facts.not_after < now) throw validation("The certificate has expired, is not valid.");
  if (facts.not_before > now) throw validation("The certificate is not in effect yet, is not valid.");
  if (facts.issuer.empty()) throw validation("The certificate has no issuer, is not valid.");
  return facts;
}

void check_private_key(const std::string& key_pem, const std::string& certificate_pem) {
  try {
    inspect_private_key(key_pem);
  } catch (const std::invalid_argument& e) {
    throw validation(std::string("The private key is not PEM-encoded or is not valid: ") + e.what());
  }
  if (!private_key_matches_certificate(key_pem, certificate_pem))
    throw validation("The private key does not match the public key in the certificate.");
}

json imported_document(const std::string& arn, const CertificateFacts& facts, double now) {
  std::vector<std::string> names = facts.subject_alternative_names;
  const std::string domain = !facts.common_name.empty() ? facts.common_name : (names.empty() ? "" : names.front());
  if (names.empty() && !domain.empty()) names.push_back(domain);
  json doc = {{"CertificateArn", arn},
              {"DomainName", domain},
              {"SubjectAlternativeNames", names},
              {"Serial", facts.serial},
              {"Subject", facts.subject},
              {"Issuer", facts.issuer_display},
              {"ImportedAt", now},
              {"Status", "ISSUED"},
              {"NotBefore", facts.not_before},
              {"NotAfter", facts.not_after},
              {"KeyAlgorithm", describe_spelling(facts.key_algorithm)},
              {"SignatureAlgorithm", facts.signature_algorithm},
              {"InUseBy", json::array()},
              {"Type", "IMPORTED"},
              {"KeyUsages", json::array()},
              {"ExtendedKeyUsages", json::array()},
              {"RenewalEligibility", "INELIGIBLE"},
              {"Options", {{"CertificateTransparencyLoggingPreference", "DISABLED"}}}};
  for (const auto& usage : facts.key_usages) doc["KeyUsages"].push_back({{"Name", usage}});
  for (const auto& usage : facts.extended_key_usages)
    doc["ExtendedKeyUsages"].push_back({{"Name", usage.name}, {"OID", usage.oid}});
  return doc;
}

}  // namespace

json AcmService::import_certificate(RequestContext& ctx, const json& in) {
  const double now = std::round(Clock::now() * 1000) / 1000;
  const std::string certificate_pem = decoded_blob(in, "Certificate", "certificate", kMaxCertificateBytes);
  const std::string key_pem = decoded_blob(in, "PrivateKey", "private key", kMaxPrivateKeyBytes);
  std::string chain_pem;
  if (in.contains("CertificateChain")) {
    chain_pem = decoded_blob(in, "CertificateChain", "certificate chain", kMaxChainBytes);
    try {
      check_certificate_chain(chain_pem);
    } catch (const std::invalid_argument&) {
      throw validation("The certificate chain is not PEM-encoded or is not valid.");
    }
  }
  const CertificateFacts facts = checked_certificate(certificate_pem, now);
  check_private_key(key_pem, certificate_pem);

  CertificateRecord record;
  if (in.contains("CertificateArn")) {
    if (in.contains("Tags")) throw validation("Tags cannot be applied when you reimport a certificate.");
    record = require_certificate(ctx, in);
    if (record.document.value("Type", "") != "IMPORTED")
      throw validation("Certificate " + record.arn + " was not imported, so it cannot be reimported.");
    json doc = imported_document(record.arn, facts, now);
    doc["InUseBy"] = record.document.value("InUseBy", json::array());
    record.document = std::move(doc);
  } else {
    record.account_id = ctx.account_id;
    record.region = ctx.region;
    record.arn = arn::make("acm", ctx.region, ctx.account_id, "certificate/" + ids::uuid4());
    record.created_at = now;
    record.tags = validated_new_tags(in.value("Tags", json::array()));
    record.document = imported_document(record.arn, facts, now);
  }
  record.certificate_pem = certificate_pem;
  record.private_key_pem = key_pem;
  record.chain_pem = chain_pem;
  store_.save(record);
  return {{"CertificateArn", record.arn}};
}

}  // namespace albatross::acm
