#pragma once
// ACM: certificates requested from (and signed by) the emulator's local CA, or imported. Handlers run
// on the control thread inside the gateway's transaction; validation completes later on the scheduler.

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "services/acm/acm_store.hpp"
#include "services/service.hpp"

namespace albatross {
class Clock;
class Scheduler;
namespace storage {
class Database;
}
}  // namespace albatross

namespace albatross::acm {

class LocalCa;
struct IssuedMaterial;

struct AcmDependencies {
  storage::Database& db;
  const Clock& clock;
  Scheduler& scheduler;
  std::function<const LocalCa&()> ca;  // waits for the CA on first use
};

// Seconds ACM takes to validate a request before the time scale applies.
inline constexpr double kValidationDelaySeconds = 5.0;

class AcmService {
 public:
  explicit AcmService(AcmDependencies deps);

  // Schedules validation of requests left pending by an earlier run.
  void resume_pending_validations();

  nlohmann::json request_certificate(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json describe_certificate(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json get_certificate(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json list_certificates(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json search_certificates(RequestContext& ctx, const nlohmann::json& in);  // certificate_search.cpp
  nlohmann::json delete_certificate(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json import_certificate(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json renew_certificate(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json revoke_certificate(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json export_certificate(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json update_certificate_options(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json resend_validation_email(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json add_tags(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json remove_tags(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json list_tags(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json get_account_configuration(RequestContext& ctx, const nlohmann::json& in);
  nlohmann::json put_account_configuration(RequestContext& ctx, const nlohmann::json& in);

  // For load balancers: the certificate (document, PEMs, key), or nothing when it does not exist.
  std::optional<CertificateRecord> find_certificate(const std::string& account_id, const std::string& region,
                                                    const std::string& certificate_arn) const;
  // For load balancers: records that `user_arn` uses the certificate (or no longer does).
  // Throws AwsError when the certificate does not exist.
  void set_in_use(const std::string& account_id, const std::string& region, const std::string& certificate_arn,
                  const std::string& user_arn, bool in_use);

 private:
  CertificateRecord require_certificate(const RequestContext& ctx, const nlohmann::json& in);
  void schedule_validation(const std::string& account_id, const std::string& region, const std::string& arn,
                           double due_at);
  // Validation completes in two steps so the control thread never waits for key generation: the key and
  // certificate are made on the scheduler's thread pool, then stored on the control thread.
  void complete_validation(const std::string& account_id, const std::string& region, const std::string& arn);
  void store_validated(const std::string& account_id, const std::string& region, const std::string& arn,
                       const IssuedMaterial& material);
  void issue_into(CertificateRecord& record, double now);

  AcmDependencies deps_;
  AcmStore store_;

 public:
  const AcmStore& store() const { return store_; }
};

// The dispatch table; `service` must outlive it.
ServiceDefinition make_acm_service(AcmService& service);

}  // namespace albatross::acm
