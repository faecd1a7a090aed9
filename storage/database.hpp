#pragma once
// The emulator's SQLite store: one file in the state directory, WAL journal with synchronous=FULL so a
// committed transaction survives kill -9 and power loss, schema migrated on open. Used only from the
// control thread (single writer).

#include <filesystem>
#include <functional>
#include <memory>

namespace SQLite {
class Database;
}

namespace albatross::storage {

class Database {
 public:
  // Opens (creating if needed) and migrates. Throws std::runtime_error when the file belongs to a newer
  // Albatross or cannot be opened.
  explicit Database(const std::filesystem::path& file);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  SQLite::Database& sql() { return *db_; }

  // Runs `work` in one IMMEDIATE transaction: committed (durably) when it returns, rolled back when it
  // throws (the exception propagates).
  void in_transaction(const std::function<void()>& work);

  // Deletes every row of every table; the schema stays.
  void wipe();

  int schema_version() const;

 private:
  std::unique_ptr<SQLite::Database> db_;
  int transaction_depth_ = 0;
};

}  // namespace albatross::storage
