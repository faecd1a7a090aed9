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
    {2, R"sql(
      CREATE TABLE resources (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        kind TEXT NOT NULL,              -- "<service>:<type>", e.g. "elbv2:load-balancer"
        id TEXT NOT NULL,                -- ARN or AWS id
        parent TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL DEFAULT '',
        document TEXT NOT NULL,          -- JSON as the service's Describe call shows it (plus private fields)
        sequence INTEGER NOT NULL,       -- creation order
        PRIMARY KEY (account_id, region, kind, id)
      );
      CREATE INDEX resources_by_parent ON resources (account_id, region, kind, parent, sequence);
      CREATE INDEX resources_by_name ON resources (account_id, region, kind, name);
      CREATE TABLE resource_tags (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (account_id, region, resource_id, tag_key)
      );
    )sql"},
    {3, R"sql(
      CREATE TABLE logs_events (
        event_id INTEGER PRIMARY KEY AUTOINCREMENT,  -- ingestion order, never reused
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        log_group TEXT NOT NULL,
        log_stream TEXT NOT NULL,
        timestamp INTEGER NOT NULL,                  -- ms since the epoch, as the client sent it
        ingestion_time INTEGER NOT NULL,             -- ms since the epoch
        message TEXT NOT NULL
      );
      CREATE INDEX logs_events_by_stream ON logs_events (account_id, region, log_group, log_stream, timestamp, event_id);
      CREATE INDEX logs_events_by_group ON logs_events (account_id, region, log_group, timestamp, event_id);
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
