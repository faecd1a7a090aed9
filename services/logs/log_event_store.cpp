#include "services/logs/log_event_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>

#include "storage/database.hpp"

namespace albatross::logs {
namespace {

constexpr char kInsertSql[] =
    "INSERT INTO logs_events (account_id, region, log_group, log_stream, timestamp, ingestion_time, message) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr char kColumns[] = "SELECT timestamp, event_id, ingestion_time, log_stream, message FROM logs_events ";
constexpr char kStreamAfterWhere[] =
    "WHERE account_id = ? AND region = ? AND log_group = ? AND log_stream = ? AND timestamp >= ? AND timestamp < ? "
    "AND (timestamp > ? OR (timestamp = ? AND event_id > ?)) ORDER BY timestamp, event_id LIMIT ?";
constexpr char kStreamBeforeWhere[] =
    "WHERE account_id = ? AND region = ? AND log_group = ? AND log_stream = ? AND timestamp >= ? AND timestamp < ? "
    "AND (timestamp < ? OR (timestamp = ? AND event_id < ?)) ORDER BY timestamp DESC, event_id DESC LIMIT ?";
constexpr char kGroupAfterWhere[] =
    "WHERE account_id = ? AND region = ? AND log_group = ? AND timestamp >= ? AND timestamp < ? "
    "AND (timestamp > ? OR (timestamp = ? AND event_id > ?)) ORDER BY timestamp, event_id LIMIT ?";
constexpr char kDeleteStreamSql[] =
    "DELETE FROM logs_events WHERE account_id = ? AND region = ? AND log_group = ? AND log_stream = ?";
constexpr char kDeleteGroupSql[] = "DELETE FROM logs_events WHERE account_id = ? AND region = ? AND log_group = ?";
constexpr char kExpireSql[] =
    "DELETE FROM logs_events WHERE account_id = ? AND region = ? AND log_group = ? AND timestamp < ?";
constexpr char kStoredBytesSql[] =
    "SELECT log_group, SUM(LENGTH(CAST(message AS BLOB))) FROM logs_events WHERE account_id = ? AND region = ? "
    "GROUP BY log_group ORDER BY log_group";

std::vector<StoredEvent> read_all(SQLite::Statement& query) {
  std::vector<StoredEvent> out;
  while (query.executeStep())
    out.push_back({{query.getColumn(0).getInt64(), query.getColumn(1).getInt64()}, query.getColumn(2).getInt64(),
                   query.getColumn(3).getString(), query.getColumn(4).getString()});
  return out;
}

// Binds range, then key (timestamp, timestamp, id), then limit, from parameter `index` on.
void bind_window(SQLite::Statement& query, int index, const TimeRange& range, const EventKey& key, std::size_t limit) {
  query.bind(index, static_cast<int64_t>(range.start));
  query.bind(index + 1, static_cast<int64_t>(range.end));
  query.bind(index + 2, static_cast<int64_t>(key.timestamp));
  query.bind(index + 3, static_cast<int64_t>(key.timestamp));
  query.bind(index + 4, static_cast<int64_t>(key.id));
  query.bind(index + 5, static_cast<int64_t>(std::min<std::size_t>(limit, 1000000)));
}

}  // namespace

void LogEventStore::append(const storage::Scope& scope, const std::string& group, const std::string& stream,
                           const std::vector<NewEvent>& events, std::int64_t ingestion_time) {
  SQLite::Statement insert(db_.sql(), kInsertSql);
  for (const auto& event : events) {
    insert.bind(1, scope.account_id);
    insert.bind(2, scope.region);
    insert.bind(3, group);
    insert.bind(4, stream);
    insert.bind(5, static_cast<int64_t>(event.timestamp));
    insert.bind(6, static_cast<int64_t>(ingestion_time));
    insert.bind(7, event.message);
    insert.exec();
    insert.reset();
  }
}

std::vector<StoredEvent> LogEventStore::stream_after(const storage::Scope& scope, const std::string& group,
                                                     const std::string& stream, const TimeRange& range,
                                                     const EventKey& after, std::size_t limit) const {
  SQLite::Statement query(db_.sql(), std::string(kColumns) + kStreamAfterWhere);
  query.bind(1, scope.account_id);
  query.bind(2, scope.region);
  query.bind(3, group);
  query.bind(4, stream);
  bind_window(query, 5, range, after, limit);
  return read_all(query);
}

std::vector<StoredEvent> LogEventStore::stream_before(const storage::Scope& scope, const std::string& group,
                                                      const std::string& stream, const TimeRange& range,
                                                      const EventKey& before, std::size_t limit) const {
  SQLite::Statement query(db_.sql(), std::string(kColumns) + kStreamBeforeWhere);
  query.bind(1, scope.account_id);
  query.bind(2, scope.region);
  query.bind(3, group);
  query.bind(4, stream);
  bind_window(query, 5, range, before, limit);
  auto events = read_all(query);
  std::reverse(events.begin(), events.end());
  return events;
}

std::vector<StoredEvent> LogEventStore::group_after(const storage::Scope& scope, const std::string& group,
                                                    const TimeRange& range, const EventKey& after,
                                                    std::size_t limit) const {
  SQLite::Statement query(db_.sql(), std::string(kColumns) + kGroupAfterWhere);
  query.bind(1, scope.account_id);
  query.bind(2, scope.region);
  query.bind(3, group);
  bind_window(query, 4, range, after, limit);
  return read_all(query);
}

void LogEventStore::remove_stream(const storage::Scope& scope, const std::string& group, const std::string& stream) {
  SQLite::Statement remove(db_.sql(), kDeleteStreamSql);
  remove.bind(1, scope.account_id);
  remove.bind(2, scope.region);
  remove.bind(3, group);
  remove.bind(4, stream);
  remove.exec();
}

void LogEventStore::remove_group(const storage::Scope& scope, const std::string& group) {
  SQLite::Statement remove(db_.sql(), kDeleteGroupSql);
  remove.bind(1, scope.account_id);
  remove.bind(2, scope.region);
  remove.bind(3, group);
  remove.exec();
}

void LogEventStore::expire(const storage::Scope& scope, const std::string& group, std::int64_t cutoff) {
  SQLite::Statement remove(db_.sql(), kExpireSql);
  remove.bind(1, scope.account_id);
  remove.bind(2, scope.region);
  remove.bind(3, group);
  remove.bind(4, static_cast<int64_t>(cutoff));
  remove.exec();
}

std::map<std::string, std::int64_t> LogEventStore::stored_bytes(const storage::Scope& scope) const {
  SQLite::Statement query(db_.sql(), kStoredBytesSql);
  query.bind(1, scope.account_id);
  query.bind(2, scope.region);
  std::map<std::string, std::int64_t> out;
  while (query.executeStep()) out[query.getColumn(0).getString()] = query.getColumn(1).getInt64();
  return out;
}

}  // namespace albatross::logs
