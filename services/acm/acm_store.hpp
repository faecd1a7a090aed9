#pragma once
// All of ACM's SQL: certificates (their DescribeCertificate document, tags, PEMs) and the account
// configuration, keyed by account and region.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace albatross::storage {
class Database;
}

namespace albatross::acm {

struct CertificateRecord {
  std::string account_id;
  std::string region;
  std::string arn;
  double created_at = 0;
  std::string idempotency_token;     // empty when none was given
  nlohmann::json document;           // CertificateDetail as DescribeCertificate answers it
  nlohmann::json tags = nlohmann::json::array();  // [{Key, Value}]
  std::string certificate_pem;       // empty until issued
  std::string chain_pem;
  std::string private_key_pem;
  std::optional<double> validation_due_at;  // pending requests only
};

struct PendingValidation {
  std::string account_id;
  std::string region;
  std::string arn;
  double due_at = 0;
};

class AcmStore {
 public:
  explicit AcmStore(storage::Database& db) : db_(db) {}

  void save(const CertificateRecord& record);  // insert or replace
  std::optional<CertificateRecord> find(const std::string& account_id, const std::string& region,
                                        const std::string& arn) const;
  // Certificates of one account and region, oldest first.
  std::vector<CertificateRecord> list(const std::string& account_id, const std::string& region) const;
  std::optional<std::string> find_by_idempotency_token(const std::string& account_id, const std::string& region,
                                                       const std::string& token, double not_before) const;
  bool remove(const std::string& account_id, const std::string& region, const std::string& arn);
  std::vector<PendingValidation> pending_validations() const;  // every account and region

  int days_before_expiry(const std::string& account_id, const std::string& region) const;  // 45 by default
  void set_days_before_expiry(const std::string& account_id, const std::string& region, int days);

 private:
  storage::Database& db_;
};

}  // namespace albatross::acm
