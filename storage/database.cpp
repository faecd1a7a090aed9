#include "storage/database.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

#include "storage/migrations.hpp"

namespace albatross::storage {

Database::Database(const std::filesystem::path& file)
    : db_(std::make_unique<SQLite::Database>(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE)) {
  db_->exec("PRAGMA journal_mode = WAL");
  db_->exec("PRAGMA synchronous = FULL");
  db_->exec("PRAGMA foreign_keys = ON");
  db_->setBusyTimeout(5000);
  migrate(*db_);
}

Database::~Database() = default;

void Database::in_transaction(const std::function<void()>& work) {
  if (transaction_depth_ > 0) {  // nested: the outer transaction commits
    work();
    return;
  }
  SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
  ++transaction_depth_;
  try {
    work();
  } catch (...) {
    --transaction_depth_;
    throw;  // the Transaction destructor rolls back
  }
  --transaction_depth_;
  transaction.commit();
}

void Database::wipe() {
  std::vector<std::string> tables;
  SQLite::Statement query(*db_,
                          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                          "ORDER BY name");
  while (query.executeStep()) tables.push_back(query.getColumn(0).getString());
  in_transaction([&] {
    for (const auto& table : tables) db_->exec("DELETE FROM \"" + table + "\"");
  });
}

int Database::schema_version() const { return db_->execAndGet("PRAGMA user_version").getInt(); }

}  // namespace albatross::storage
