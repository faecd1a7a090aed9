#include "services/acm/acm_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "storage/database.hpp"

namespace albatross::acm {
namespace {

constexpr char kSaveSql[] =
    "INSERT OR REPLACE INTO acm_certificates (account_id, region, arn, created_at, idempotency_token, document, "
    "tags, certificate_pem, chain_pem, private_key_pem, validation_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kColumns[] =
    "SELECT account_id, region, arn, created_at, idempotency_token, document, tags, certificate_pem, chain_pem, "
    "private_key_pem, validation_due_at FROM acm_certificates ";
constexpr char kDeleteSql[] = "DELETE FROM acm_certificates WHERE account_id = ? AND region = ? AND arn = ?";
constexpr char kByTokenSql[] =
    "SELECT arn FROM acm_certificates WHERE account_id = ? AND region = ? AND idempotency_token = ? "
    "AND created_at >= ? ORDER BY created_at DESC LIMIT 1";
constexpr char kPendingSql[] =
    "SELECT account_id, region, arn, validation_due_at FROM acm_certificates WHERE validation_due_at IS NOT NULL "
    "ORDER BY validation_due_at";
constexpr char kDaysSql[] =
    "SELECT days_before_expiry FROM acm_account_configuration WHERE account_id = ? AND region = ?";
constexpr char kSetDaysSql[] =
    "INSERT OR REPLACE INTO acm_account_configuration (account_id, region, days_before_expiry) VALUES (?, ?, ?)";
constexpr int kDefaultDaysBeforeExpiry = 45;

std::string text_or_empty(const SQLite::Column& column) { return column.isNull() ? std::string() : column.getString(); }

CertificateRecord read_record(SQLite::Statement& row) {
  CertificateRecord record;
  record.account_id = row.getColumn(0).getString();
  record.region = row.getColumn(1).getString();
  record.arn = row.getColumn(2).getString();
  record.created_at = row.getColumn(3).getDouble();
  record.idempotency_token = text_or_empty(row.getColumn(4));
  record.document = nlohmann::json::parse(row.getColumn(5).getString());
  record.tags = nlohmann::json::parse(row.getColumn(6).getString());
  record.certificate_pem = text_or_empty(row.getColumn(7));
  record.chain_pem = text_or_empty(row.getColumn(8));
  record.private_key_pem = text_or_empty(row.getColumn(9));
  if (!row.getColumn(10).isNull()) record.validation_due_at = row.getColumn(10).getDouble();
  return record;
}

void bind_text_or_null(SQLite::Statement& statement, int index, const std::string& value) {
  if (value.empty()) statement.bind(index);
  else statement.bind(index, value);
}

}  // namespace

void AcmStore::save(const CertificateRecord& record) {
  SQLite::Statement statement(db_.sql(), kSaveSql);
  statement.bind(1, record.account_id);
  statement.bind(2, record.region);
  statement.bind(3, record.arn);
  statement.bind(4, record.created_at);
  bind_text_or_null(statement, 5, record.idempotency_token);
  statement.bind(6, record.document.dump());
  statement.bind(7, record.tags.dump());
  bind_text_or_null(statement, 8, record.certificate_pem);
  bind_text_or_null(statement, 9, record.chain_pem);
  bind_text_or_null(statement, 10, record.private_key_pem);
  if (record.validation_due_at) statement.bind(11, *record.validation_due_at);
  else statement.bind(11);
  statement.exec();
}

std::optional<CertificateRecord> AcmStore::find(const std::string& account_id, const std::string& region,
                                                const std::string& arn) const {
  SQLite::Statement query(db_.sql(), std::string(kColumns) + "WHERE account_id = ? AND region = ? AND arn = ?");
  query.bind(1, account_id);
  query.bind(2, region);
  query.bind(3, arn);
  if (!query.executeStep()) return std::nullopt;
  return read_record(query);
}

std::vector<CertificateRecord> AcmStore::list(const std::string& account_id, const std::string& region) const {
  SQLite::Statement query(db_.sql(),
                          std::string(kColumns) + "WHERE account_id = ? AND region = ? ORDER BY created_at, arn");
  query.bind(1, account_id);
  query.bind(2, region);
  std::vector<CertificateRecord> records;
  while (query.executeStep()) records.push_back(read_record(query));
  return records;
}

std::optional<std::string> AcmStore::find_by_idempotency_token(const std::string& account_id,
                                                               const std::string& region, const std::string& token,
                                                               double not_before) const {
  SQLite::Statement query(db_.sql(), kByTokenSql);
  query.bind(1, account_id);
  query.bind(2, region);
  query.bind(3, token);
  query.bind(4, not_before);
  if (!query.executeStep()) return std::nullopt;
  return query.getColumn(0).getString();
}

bool AcmStore::remove(const std::string& account_id, const std::string& region, const std::string& arn) {
  SQLite::Statement statement(db_.sql(), kDeleteSql);
  statement.bind(1, account_id);
  statement.bind(2, region);
  statement.bind(3, arn);
  return statement.exec() > 0;
}

std::vector<PendingValidation> AcmStore::pending_validations() const {
  SQLite::Statement query(db_.sql(), kPendingSql);
  std::vector<PendingValidation> pending;
  while (query.executeStep())
    pending.push_back({query.getColumn(0).getString(), query.getColumn(1).getString(),
                       query.getColumn(2).getString(), query.getColumn(3).getDouble()});
  return pending;
}

int AcmStore::days_before_expiry(const std::string& account_id, const std::string& region) const {
  SQLite::Statement query(db_.sql(), kDaysSql);
  query.bind(1, account_id);
  query.bind(2, region);
  return query.executeStep() ? query.getColumn(0).getInt() : kDefaultDaysBeforeExpiry;
}

void AcmStore::set_days_before_expiry(const std::string& account_id, const std::string& region, int days) {
  SQLite::Statement statement(db_.sql(), kSetDaysSql);
  statement.bind(1, account_id);
  statement.bind(2, region);
  statement.bind(3, days);
  statement.exec();
}

}  // namespace albatross::acm
