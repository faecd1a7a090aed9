// RequestCertificate, validation and (re)issuance by the local CA, RenewCertificate.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "emulator/clock.hpp"
#include "emulator/scheduler.hpp"
#include "storage/database.hpp"
#include "services/acm/acm_service.hpp"
#include "services/acm/certificate_tags.hpp"
#include "services/acm/domain_names.hpp"
#include "services/acm/local_ca.hpp"
#include "services/acm/x509_inspect.hpp"
#include "services/common/arn.hpp"
#include "services/common/ids.hpp"

namespace albatross::acm {
namespace {

using nlohmann::json;

constexpr double kIdempotencyWindowSeconds = 3600;
constexpr int kValidityDays = 395;

double round_millis(double seconds) { return std::round(seconds * 1000) / 1000; }

KeyAlgorithm requested_key_algorithm(const json& in) {
  const std::string spelling = in.value("KeyAlgorithm", "RSA_2048");
  const auto algorithm = key_algorithm_from_request(spelling);
  if (!algorithm || (*algorithm != KeyAlgorithm::Rsa2048 && *algorithm != KeyAlgorithm::EcPrime256v1 &&
                     *algorithm != KeyAlgorithm::EcSecp384r1))
    throw AwsError{"ValidationException", "KeyAlgorithm " + spelling +
                                              " is not supported for requested certificates; use RSA_2048, "
                                              "EC_prime256v1 or EC_secp384r1."};
  return *algorithm;
}

// The ValidationDomain the caller chose for `name` (EMAIL validation), or the name itself.
std::string chosen_validation_domain(const json& in, const std::string& name) {
  for (const auto& option : in.value("DomainValidationOptions", json::array())) {
    if (option.value("DomainName", "") != name) continue;
    const std::string domain = option.value("ValidationDomain", "");
    const std::string base = validation_domain(name);
    if (base != domain && !base.ends_with("." + domain))
      throw AwsError{"InvalidDomainValidationOptionsException",
                     "ValidationDomain " + domain + " is not a superdomain of " + name + "."};
    return domain;
  }
  return validation_domain(name);
}

json validation_options(const RequestContext& ctx, const json& in, const std::vector<std::string>& names,
                        const std::string& method) {
  for (const auto& option : in.value("DomainValidationOptions", json::array()))
    if (std::find(names.begin(), names.end(), option.value("DomainName", "")) == names.end())
      throw AwsError{"InvalidDomainValidationOptionsException",
                     "DomainValidationOptions names " + option.value("DomainName", "") +
                         ", which is not a name of this certificate."};
  json options = json::array();
  for (const auto& name : names) {
    json option = {{"DomainName", name}, {"ValidationDomain", chosen_validation_domain(in, name)},
                   {"ValidationStatus", "PENDING_VALIDATION"}};
    if (method == "DNS") option["ResourceRecord"] = dns_validation_record(ctx.account_id, name);
    else option["ValidationEmails"] = validation_emails(option["ValidationDomain"].get<std::string>());
    option["ValidationMethod"] = method;
    options.push_back(option);
  }
  return options;
}

void check_names(const std::vector<std::string>& names) {
  for (const auto& name : names)
    if (const std::string problem = name_problem(name); !problem.empty())
      throw AwsError{"InvalidDomainValidationOptionsException", problem};
  if (names.front().size() > kMaxCommonNameLength)
    throw AwsError{"ValidationException", "The first domain name can't exceed " +
                                              std::to_string(kMaxCommonNameLength) +
                                              " octets because it becomes the certificate's common name: '" +
                                              names.front() + "'"};
  if (names.size() > kMaxNamesPerCertificate)
    throw AwsError{"LimitExceededException", "Cannot request a certificate with more than " +
                                                 std::to_string(kMaxNamesPerCertificate) +
                                                 " domain names (DomainName included); got " +
                                                 std::to_string(names.size()) + "."};
}

}  // namespace

json AcmService::request_certificate(RequestContext& ctx, const json& in) {
  const double now = round_millis(Clock::now());
  const std::string token = in.value("IdempotencyToken", "");
  if (!token.empty())
    if (auto arn = store_.find_by_idempotency_token(ctx.account_id, ctx.region, token, now - kIdempotencyWindowSeconds))
      return {{"CertificateArn", *arn}};

  const auto names = certificate_names(in.at("DomainName").get<std::string>(),
                                       in.value("SubjectAlternativeNames", std::vector<std::string>{}));
  check_names(names);
  const KeyAlgorithm algorithm = requested_key_algorithm(in);
  const bool is_private = in.contains("CertificateAuthorityArn");
  const std::string method = in.value("ValidationMethod", "EMAIL");
  if (method == "HTTP")
    throw AwsError{"ValidationException", "HTTP validation is only available for certificates used by CloudFront."};

  CertificateRecord record;
  record.account_id = ctx.account_id;
  record.region = ctx.region;
  record.arn = arn::make("acm", ctx.region, ctx.account_id, "certificate/" + ids::uuid4());
  record.created_at = now;
  record.idempotency_token = token;
  record.tags = validated_new_tags(in.value("Tags", json::array()));
  const json options = in.value("Options", json::object());
  json& doc = record.document;
  doc = {{"CertificateArn", record.arn},
         {"DomainName", names.front()},
         {"SubjectAlternativeNames", names},
         {"Subject", "CN=" + names.front()},
         {"Issuer", "Amazon"},
         {"CreatedAt", now},
         {"Status", "PENDING_VALIDATION"},
         {"KeyAlgorithm", describe_spelling(algorithm)},
         {"SignatureAlgorithm", "SHA256WITHRSA"},
         {"InUseBy", json::array()},
         {"Type", is_private ? "PRIVATE" : "AMAZON_ISSUED"},
         {"KeyUsages", json::array()},
         {"ExtendedKeyUsages", json::array()},
         {"RenewalEligibility", "INELIGIBLE"},
         {"Options",
          {{"CertificateTransparencyLoggingPreference", options.value("CertificateTransparencyLoggingPreference", "ENABLED")},
           {"Export", options.value("Export", "DISABLED")}}}};
  if (in.contains("ManagedBy")) doc["ManagedBy"] = in["ManagedBy"];
  if (is_private) {
    // A private CA issues at once: no domain validation.
    doc["CertificateAuthorityArn"] = in["CertificateAuthorityArn"];
    issue_into(record, now);
    doc["RenewalEligibility"] = "ELIGIBLE";
    store_.save(record);
    return {{"CertificateArn", record.arn}};
  }
  doc["DomainValidationOptions"] = validation_options(ctx, in, names, method);
  const double due_at = now + deps_.clock.scaled(kValidationDelaySeconds).count() / 1000.0;
  record.validation_due_at = due_at;
  store_.save(record);
  schedule_validation(ctx.account_id, ctx.region, record.arn, due_at);
  return {{"CertificateArn", record.arn}};
}

// A signed certificate, its key and the facts DescribeCertificate shows, made off the control thread.
struct IssuedMaterial {
  IssuedCertificate issued;
  CertificateFacts facts;
  double issued_at = 0;
};

namespace {

IssuedMaterial sign(const LocalCa& ca, const json& doc, double now) {
  const auto algorithm = key_algorithm_from_describe(doc.at("KeyAlgorithm").get<std::string>());
  const auto names = doc.at("SubjectAlternativeNames").get<std::vector<std::string>>();
  const auto not_before = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(static_cast<long long>(now * 1000)));
  IssuedMaterial material;
  material.issued = ca.issue(names, algorithm.value_or(KeyAlgorithm::Rsa2048), not_before, kValidityDays);
  material.facts = inspect_certificate(material.issued.certificate_pem);
  material.issued_at = now;
  return material;
}

void apply(CertificateRecord& record, const IssuedMaterial& material) {
  json& doc = record.document;
  const CertificateFacts& facts = material.facts;
  record.certificate_pem = material.issued.certificate_pem;
  record.chain_pem = material.issued.chain_pem;
  record.private_key_pem = material.issued.private_key_pem;
  doc["Serial"] = facts.serial;
  doc["IssuedAt"] = material.issued_at;
  doc["NotBefore"] = facts.not_before;
  doc["NotAfter"] = facts.not_after;
  doc["SignatureAlgorithm"] = facts.signature_algorithm;
  doc["Status"] = "ISSUED";
  doc["KeyUsages"] = json::array();
  for (const auto& usage : facts.key_usages) doc["KeyUsages"].push_back({{"Name", usage}});
  doc["ExtendedKeyUsages"] = json::array();
  for (const auto& usage : facts.extended_key_usages)
    doc["ExtendedKeyUsages"].push_back({{"Name", usage.name}, {"OID", usage.oid}});
}

}  // namespace

void AcmService::complete_validation(const std::string& account_id, const std::string& region,
                                     const std::string& arn) {
  const auto record = store_.find(account_id, region, arn);
  if (!record || !record->validation_due_at) return;  // deleted, reset or already done
  auto material = std::make_shared<IssuedMaterial>();
  const json doc = record->document;
  const double now = round_millis(Clock::now());
  deps_.scheduler.offload([this, material, doc, now] { *material = sign(deps_.ca(), doc, now); },
                          [this, account_id, region, arn, material] {
                            deps_.db.in_transaction([&] { store_validated(account_id, region, arn, *material); });
                          });
}

void AcmService::store_validated(const std::string& account_id, const std::string& region, const std::string& arn,
                                 const IssuedMaterial& material) {
  auto record = store_.find(account_id, region, arn);
  if (!record || !record->validation_due_at) return;
  if (record->document.value("Status", "") == "PENDING_VALIDATION") {
    for (auto& option : record->document["DomainValidationOptions"]) option["ValidationStatus"] = "SUCCESS";
    apply(*record, material);
  }
  record->validation_due_at.reset();
  store_.save(*record);
}

void AcmService::issue_into(CertificateRecord& record, double now) {
  apply(record, sign(deps_.ca(), record.document, now));
}

json AcmService::renew_certificate(RequestContext& ctx, const json& in) {
  CertificateRecord record = require_certificate(ctx, in);
  json& doc = record.document;
  if (doc.value("Status", "") == "PENDING_VALIDATION")
    throw AwsError{"RequestInProgressException", "Certificate " + record.arn + " is still pending validation."};
  if (doc.value("Type", "") != "PRIVATE")
    throw AwsError{"ValidationException", "Certificate " + record.arn +
                                              " is not a private certificate; ACM renews public certificates "
                                              "itself and imported ones must be reimported."};
  const double now = round_millis(Clock::now());
  issue_into(record, now);
  doc["RenewalSummary"] = {{"RenewalStatus", "SUCCESS"},
                           {"DomainValidationOptions", doc.value("DomainValidationOptions", json::array())},
                           {"UpdatedAt", now}};
  store_.save(record);
  return json::object();
}

}  // namespace albatross::acm
