// DeleteCertificate, RevokeCertificate, UpdateCertificateOptions, ResendValidationEmail, tags and the
// account configuration.

#include <cmath>

#include "emulator/clock.hpp"
#include "services/acm/acm_service.hpp"
#include "services/acm/certificate_tags.hpp"

namespace albatross::acm {

using nlohmann::json;

json AcmService::delete_certificate(RequestContext& ctx, const json& in) {
  const CertificateRecord record = require_certificate(ctx, in);
  if (!record.document.value("InUseBy", json::array()).empty())
    throw AwsError{"ResourceInUseException",
                   "Certificate " + record.arn + " in account " + ctx.account_id + " is in use."};
  store_.remove(ctx.account_id, ctx.region, record.arn);
  return json::object();
}

json AcmService::revoke_certificate(RequestContext& ctx, const json& in) {
  CertificateRecord record = require_certificate(ctx, in);
  json& doc = record.document;
  if (doc.value("Type", "") != "PRIVATE")
    throw AwsError{"ValidationException", "Only private certificates can be revoked; " + record.arn + " is " +
                                              doc.value("Type", "") + "."};
  if (!doc.value("InUseBy", json::array()).empty())
    throw AwsError{"ResourceInUseException", "Certificate " + record.arn + " is in use."};
  if (doc.value("Status", "") != "REVOKED") {
    doc["Status"] = "REVOKED";
    doc["RevokedAt"] = std::round(Clock::now() * 1000) / 1000;
    doc["RevocationReason"] = in.at("RevocationReason");
    store_.save(record);
  }
  return {{"CertificateArn", record.arn}};
}

json AcmService::update_certificate_options(RequestContext& ctx, const json& in) {
  CertificateRecord record = require_certificate(ctx, in);
  json& doc = record.document;
  if (doc.value("Type", "") == "IMPORTED" || doc.value("Status", "") != "ISSUED")
    throw AwsError{"InvalidStateException",
                   "Certificate " + record.arn + " must be an ISSUED certificate requested from ACM to update its options."};
  for (const auto& [key, value] : in.at("Options").items()) doc["Options"][key] = value;
  store_.save(record);
  return json::object();
}

json AcmService::resend_validation_email(RequestContext& ctx, const json& in) {
  const CertificateRecord record = require_certificate(ctx, in);
  if (record.document.value("Status", "") != "PENDING_VALIDATION")
    throw AwsError{"InvalidStateException", "Certificate " + record.arn + " is not pending validation."};
  for (const auto& option : record.document.value("DomainValidationOptions", json::array()))
    if (option.value("DomainName", "") == in.at("Domain") && option.value("ValidationMethod", "") == "EMAIL")
      return json::object();
  throw AwsError{"InvalidDomainValidationOptionsException",
                 "Domain " + in.at("Domain").get<std::string>() + " is not validated by email on this certificate."};
}

json AcmService::add_tags(RequestContext& ctx, const json& in) {
  CertificateRecord record = require_certificate(ctx, in);
  record.tags = merge_tags(record.tags, in.at("Tags"));
  store_.save(record);
  return json::object();
}

json AcmService::remove_tags(RequestContext& ctx, const json& in) {
  CertificateRecord record = require_certificate(ctx, in);
  record.tags = acm::remove_tags(record.tags, in.at("Tags"));
  store_.save(record);
  return json::object();
}

json AcmService::list_tags(RequestContext& ctx, const json& in) {
  return {{"Tags", require_certificate(ctx, in).tags}};
}

json AcmService::get_account_configuration(RequestContext& ctx, const json&) {
  return {{"ExpiryEvents", {{"DaysBeforeExpiry", store_.days_before_expiry(ctx.account_id, ctx.region)}}}};
}

json AcmService::put_account_configuration(RequestContext& ctx, const json& in) {
  if (in.contains("ExpiryEvents") && in["ExpiryEvents"].contains("DaysBeforeExpiry")) {
    const int days = in["ExpiryEvents"]["DaysBeforeExpiry"].get<int>();
    if (days < 1 || days > 45)
      throw AwsError{"ValidationException", "DaysBeforeExpiry must be between 1 and 45, got " + std::to_string(days)};
    store_.set_days_before_expiry(ctx.account_id, ctx.region, days);
  }
  return json::object();
}

}  // namespace albatross::acm
