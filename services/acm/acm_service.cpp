#include "services/acm/acm_service.hpp"

#include "services/common/arn.hpp"

#include <algorithm>

#include "emulator/clock.hpp"
#include "emulator/log.hpp"
#include "emulator/scheduler.hpp"
#include "services/common/arn.hpp"
#include "storage/database.hpp"

namespace albatross::acm {

AcmService::AcmService(AcmDependencies deps) : deps_(std::move(deps)), store_(deps_.db) {}

void AcmService::resume_pending_validations() {
  for (const auto& pending : store_.pending_validations())
    schedule_validation(pending.account_id, pending.region, pending.arn, pending.due_at);
}

void AcmService::schedule_validation(const std::string& account_id, const std::string& region,
                                     const std::string& arn, double due_at) {
  const double wait = std::max(0.0, due_at - Clock::now());
  deps_.scheduler.after(std::chrono::milliseconds(static_cast<long long>(wait * 1000)),
                        [this, account_id, region, arn] { complete_validation(account_id, region, arn); });
}

CertificateRecord AcmService::require_certificate(const RequestContext& ctx, const nlohmann::json& in) {
  const std::string arn = in.at("CertificateArn").get<std::string>();
  // arn:<partition>:acm:<region>:<account>:certificate/<id>
  const auto parts = arn::parse(arn);
  if (!parts || parts->service != "acm" || !parts->resource.starts_with("certificate/") || parts->resource.size() <= 12)
    throw AwsError{"InvalidArnException", "String '" + arn + "' is not a valid certificate ARN."};
  auto record = store_.find(ctx.account_id, ctx.region, arn);
  if (!record)
    throw AwsError{"ResourceNotFoundException",
                   "Certificate with arn " + arn + " not found in account " + ctx.account_id};
  return *record;
}

std::optional<CertificateRecord> AcmService::find_certificate(const std::string& account_id,
                                                             const std::string& region,
                                                             const std::string& certificate_arn) const {
  return store_.find(account_id, region, certificate_arn);
}

void AcmService::set_in_use(const std::string& account_id, const std::string& region,
                            const std::string& certificate_arn, const std::string& user_arn, bool in_use) {
  auto record = store_.find(account_id, region, certificate_arn);
  if (!record)
    throw AwsError{"ResourceNotFoundException",
                   "Certificate with arn " + certificate_arn + " not found in account " + account_id};
  auto& users = record->document["InUseBy"];
  if (!users.is_array()) users = nlohmann::json::array();
  const auto found = std::find(users.begin(), users.end(), user_arn);
  if (in_use && found == users.end()) users.push_back(user_arn);
  if (!in_use && found != users.end()) users.erase(found);
  store_.save(*record);
}

ServiceDefinition make_acm_service(AcmService& service) {
  ServiceDefinition definition;
  definition.model_name = "acm";
  auto bind = [&service](nlohmann::json (AcmService::*method)(RequestContext&, const nlohmann::json&)) {
    return Handler([&service, method](RequestContext& ctx, const nlohmann::json& in) {
      return (service.*method)(ctx, in);
    });
  };
  definition.handlers = {
      {"RequestCertificate", bind(&AcmService::request_certificate)},
      {"DescribeCertificate", bind(&AcmService::describe_certificate)},
      {"GetCertificate", bind(&AcmService::get_certificate)},
      {"ListCertificates", bind(&AcmService::list_certificates)},
      {"SearchCertificates", bind(&AcmService::search_certificates)},
      {"DeleteCertificate", bind(&AcmService::delete_certificate)},
      {"ImportCertificate", bind(&AcmService::import_certificate)},
      {"RenewCertificate", bind(&AcmService::renew_certificate)},
      {"RevokeCertificate", bind(&AcmService::revoke_certificate)},
      {"ExportCertificate", bind(&AcmService::export_certificate)},
      {"UpdateCertificateOptions", bind(&AcmService::update_certificate_options)},
      {"ResendValidationEmail", bind(&AcmService::resend_validation_email)},
      {"AddTagsToCertificate", bind(&AcmService::add_tags)},
      {"RemoveTagsFromCertificate", bind(&AcmService::remove_tags)},
      {"ListTagsForCertificate", bind(&AcmService::list_tags)},
      {"GetAccountConfiguration", bind(&AcmService::get_account_configuration)},
      {"PutAccountConfiguration", bind(&AcmService::put_account_configuration)},
  };
  return definition;
}

}  // namespace albatross::acm
