#include "storage/migrations.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <stdexcept>
#include <string>

namespace albatross::storage {
namespace {

// Every table is keyed by (account_id, region): accounts and regions never see each other's state.
constexpr Migration kMigrations[] = {
    {1, R"sql(
      CREATE TABLE acm_certificates (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        arn TEXT NOT NULL,
        created_at REAL NOT NULL,
        idempotency_token TEXT,
        document TEXT NOT NULL,          -- CertificateDetail JSON as DescribeCertificate shows it
        tags TEXT NOT NULL DEFAULT '[]', -- [{Key, Value}]
        certificate_pem TEXT,
        chain_pem TEXT,
        private_key_pem TEXT,
        validation_due_at REAL,          -- pending requests: when validation completes
        PRIMARY KEY (account_id, region, arn)
      );
      CREATE INDEX acm_certificates_by_token ON acm_certificates (account_id, region, idempotency_token);
      CREATE TABLE acm_account_configuration (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        days_before_expiry INTEGER NOT NULL,
        PRIMARY KEY (account_id, region)
      );
    )sql"},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

void migrate(SQLite::Database& db) {
  const int current = db.execAndGet("PRAGMA user_version").getInt();
  const int latest = kMigrations[std::size(kMigrations) - 1].version;
  if (current > latest)
    throw std::runtime_error("the state database has schema version " + std::to_string(current) +
                             ", newer than this Albatross knows (" + std::to_string(latest) +
                             "); use a newer Albatross or another --state-dir");
  for (const Migration& migration : kMigrations) {
    if (migration.version <= current) continue;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(migration.sql);
    db.exec("PRAGMA user_version = " + std::to_string(migration.version));
    transaction.commit();
  }
}

}  // namespace albatross::storage
