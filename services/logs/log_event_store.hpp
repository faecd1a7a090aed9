#pragma once
// The log events of every group and stream (table logs_events): appended in batches, read by position.
// Control thread, inside the caller's transaction.

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "services/logs/log_names.hpp"
#include "storage/resource_store.hpp"

namespace albatross::storage {
class Database;
}

namespace albatross::logs {

struct NewEvent {
  std::int64_t timestamp = 0;
  std::string message;
};

struct StoredEvent {
  EventKey key;  // timestamp and event id
  std::int64_t ingestion_time = 0;
  std::string stream;
  std::string message;
};

// [start, end) in ms; AWS's startTime is inclusive, endTime exclusive.
struct TimeRange {
  std::int64_t start = 0;
  std::int64_t end = std::numeric_limits<std::int64_t>::max();
};

class LogEventStore {
 public:
  explicit LogEventStore(storage::Database& db) : db_(db) {}

  void append(const storage::Scope& scope, const std::string& group, const std::string& stream,
              const std::vector<NewEvent>& events, std::int64_t ingestion_time);

  // Events of one stream strictly after `after`, oldest first, at most `limit`.
  std::vector<StoredEvent> stream_after(const storage::Scope& scope, const std::string& group, const std::string& stream,
                                        const TimeRange& range, const EventKey& after, std::size_t limit) const;
  // The newest `limit` events of one stream strictly before `before`, returned oldest first.
  std::vector<StoredEvent> stream_before(const storage::Scope& scope, const std::string& group,
                                         const std::string& stream, const TimeRange& range, const EventKey& before,
                                         std::size_t limit) const;
  // Events of a whole group strictly after `after`, oldest first, at most `limit` (callers filter further).
  std::vector<StoredEvent> group_after(const storage::Scope& scope, const std::string& group, const TimeRange& range,
                                       const EventKey& after, std::size_t limit) const;

  void remove_stream(const storage::Scope& scope, const std::string& group, const std::string& stream);
  void remove_group(const storage::Scope& scope, const std::string& group);
  // Events older than `cutoff` (ms) in a group with a retention policy: deleted.
  void expire(const storage::Scope& scope, const std::string& group, std::int64_t cutoff);
  // Bytes of message text per log group.
  std::map<std::string, std::int64_t> stored_bytes(const storage::Scope& scope) const;

 private:
  storage::Database& db_;
};

}  // namespace albatross::logs
