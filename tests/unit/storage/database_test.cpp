#include "storage/database.hpp"

#include <doctest/doctest.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <stdexcept>

#include "storage/migrations.hpp"

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("albatross-db-test-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

int count_rows(albatross::storage::Database& db) {
  return db.sql().execAndGet("SELECT COUNT(*) FROM acm_account_configuration").getInt();
}

void insert_row(albatross::storage::Database& db, const char* account) {
  db.sql().exec(std::string("INSERT INTO acm_account_configuration VALUES ('") + account + "', 'us-east-1', 30)");
}

}  // namespace

TEST_CASE("a new database is migrated to the latest version in WAL mode") {
  TempDir dir;
  albatross::storage::Database db(dir.path / "state.db");
  const auto all = albatross::storage::migrations();
  CHECK(db.schema_version() == all.back().version);
  CHECK(db.sql().execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db.sql().execAndGet("PRAGMA synchronous").getInt() == 2);  // FULL
}

TEST_CASE("a transaction commits on return and rolls back on throw") {
  TempDir dir;
  albatross::storage::Database db(dir.path / "state.db");
  db.in_transaction([&] { insert_row(db, "111111111111"); });
  CHECK_THROWS_AS(db.in_transaction([&] {
    insert_row(db, "222222222222");
    throw std::runtime_error("handler failed");
  }),
                  std::runtime_error);
  CHECK(count_rows(db) == 1);
}

TEST_CASE("state survives reopening and wipe empties every table") {
  TempDir dir;
  {
    albatross::storage::Database db(dir.path / "state.db");
    db.in_transaction([&] { insert_row(db, "111111111111"); });
  }
  albatross::storage::Database db(dir.path / "state.db");
  CHECK(count_rows(db) == 1);
  db.wipe();
  CHECK(count_rows(db) == 0);
  CHECK(db.schema_version() == albatross::storage::migrations().back().version);
}

TEST_CASE("a database from a newer Albatross is refused") {
  TempDir dir;
  {
    SQLite::Database raw((dir.path / "state.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("PRAGMA user_version = 999");
  }
  CHECK_THROWS_WITH_AS(albatross::storage::Database(dir.path / "state.db"), doctest::Contains("newer"),
                       std::runtime_error);
}
