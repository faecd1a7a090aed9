#pragma once
// The schema's history: migration N brings the database from version N-1 to N. Append only.

#include <span>

namespace SQLite {
class Database;
}

namespace albatross::storage {

struct Migration {
  int version;
  const char* sql;
};

std::span<const Migration> migrations();

// Applies every migration newer than the file's PRAGMA user_version, each in its own transaction with its
// version bump. Throws std::runtime_error when the file is newer than this program knows.
void migrate(SQLite::Database& db);

}  // namespace albatross::storage
