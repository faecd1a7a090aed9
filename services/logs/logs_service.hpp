#pragma once
// CloudWatch Logs: log groups, streams, events, retention and tags. Groups and streams are JSON documents in
// the ResourceStore (kinds below), events rows of logs_events (LogEventStore). Handlers run on the control
// thread inside the gateway's transaction. Container output arrives through sink() (any thread).

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/common/pagination.hpp"
#include "services/logs/log_event_store.hpp"
#include "services/logs/log_sink.hpp"
#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross::storage {
class Database;
}

namespace albatross::logs {

inline constexpr char kLogGroup[] = "logs:log-group";    // id = name
inline constexpr char kLogStream[] = "logs:log-stream";  // id = group + ":" + stream, parent = group

struct LogsDependencies {
  storage::Database& db;
  LogSink::Post post_to_control_thread;
};

class LogsService {
 public:
  explicit LogsService(LogsDependencies deps);
  ServiceDefinition definition();

  using Json = nlohmann::json;

  // log_group_handlers.cpp
  Json create_log_group(RequestContext& ctx, const Json& in);
  Json delete_log_group(RequestContext& ctx, const Json& in);
  Json describe_log_groups(RequestContext& ctx, const Json& in);
  Json put_retention_policy(RequestContext& ctx, const Json& in);
  Json delete_retention_policy(RequestContext& ctx, const Json& in);
  // log_stream_handlers.cpp
  Json create_log_stream(RequestContext& ctx, const Json& in);
  Json delete_log_stream(RequestContext& ctx, const Json& in);
  Json describe_log_streams(RequestContext& ctx, const Json& in);
  // log_event_handlers.cpp
  Json put_log_events(RequestContext& ctx, const Json& in);
  Json get_log_events(RequestContext& ctx, const Json& in);
  Json filter_log_events(RequestContext& ctx, const Json& in);
  // log_tag_handlers.cpp
  Json tag_resource(RequestContext& ctx, const Json& in);
  Json untag_resource(RequestContext& ctx, const Json& in);
  Json list_tags_for_resource(RequestContext& ctx, const Json& in);
  Json tag_log_group(RequestContext& ctx, const Json& in);
  Json untag_log_group(RequestContext& ctx, const Json& in);
  Json list_tags_log_group(RequestContext& ctx, const Json& in);

  // ---- In-process use (ECS awslogs driver), control thread ----
  bool log_group_exists(const storage::Scope& scope, const std::string& name) const;
  // Appends events to group/stream, creating the stream, and the group when create_group is set; runs in its
  // own transaction. Returns false (nothing written) when the group does not exist and may not be created.
  bool append(const AwslogsDestination& destination, std::vector<NewEvent> events);
  // Thread-safe entry for container output: batched, written by append() on the control thread.
  LogSink& sink() { return sink_; }

  // ---- Shared by the handler files ----
  static storage::Scope scope_of(const RequestContext& ctx) { return {ctx.account_id, ctx.region}; }
  storage::ResourceStore& store() { return store_; }
  LogEventStore& events() { return events_; }
  // The group named by logGroupName or logGroupIdentifier (exactly one of them); ResourceNotFoundException
  // when it does not exist.
  storage::Resource require_group(const storage::Scope& scope, const Json& in);
  storage::Resource require_group_named(const storage::Scope& scope, const std::string& name);
  storage::Resource require_stream(const storage::Scope& scope, const std::string& group, const std::string& stream);
  // Creates a group document (no checks), with its tags.
  storage::Resource create_group(const storage::Scope& scope, const std::string& name, const Json& tags);
  storage::Resource create_stream(const storage::Scope& scope, const std::string& group, const std::string& stream);
  // Appends already validated events and updates the stream's first/last timestamps.
  void store_events(const storage::Scope& scope, storage::Resource& stream, const std::vector<NewEvent>& events);
  // The earliest timestamp still kept under the group's retention policy (0 when none).
  static std::int64_t retention_cutoff(const Json& group_document);
  static std::int64_t now_ms();

 private:
  LogsDependencies deps_;
  storage::ResourceStore store_;
  LogEventStore events_;
  LogSink sink_;
  std::set<std::string> warned_missing_;  // destinations whose dropped lines were already reported
};

// One page of a Describe* list, with CloudWatch Logs' wording for a token we did not hand out.
pagination::Page logs_page(const nlohmann::json& all, const nlohmann::json& in, std::size_t default_limit);

}  // namespace albatross::logs
