#include "services/logs/logs_service.hpp"

#include <algorithm>
#include <chrono>

#include "emulator/log.hpp"
#include "services/logs/log_names.hpp"
#include "storage/database.hpp"

namespace albatross::logs {

using Json = nlohmann::json;

LogsService::LogsService(LogsDependencies deps)
    : deps_(std::move(deps)),
      store_(deps_.db),
      events_(deps_.db),
      sink_(deps_.post_to_control_thread,
            [this](const AwslogsDestination& destination, std::vector<NewEvent> events) {
              append(destination, std::move(events));
            }) {}

std::int64_t LogsService::now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t LogsService::retention_cutoff(const Json& group_document) {
  if (!group_document.contains("retentionInDays")) return 0;
  return now_ms() - group_document["retentionInDays"].get<std::int64_t>() * 86400000LL;
}

storage::Resource LogsService::require_group_named(const storage::Scope& scope, const std::string& name) {
  auto found = store_.get(scope, kLogGroup, name);
  if (!found) throw AwsError{"ResourceNotFoundException", "The specified log group does not exist."};
  return *found;
}

storage::Resource LogsService::require_group(const storage::Scope& scope, const Json& in) {
  const bool by_name = in.contains("logGroupName");
  const bool by_identifier = in.contains("logGroupIdentifier");
  if (by_name && by_identifier)
    throw AwsError{"InvalidParameterException", "LogGroup name and LogGroup ARN are mutually exclusive parameters."};
  if (!by_name && !by_identifier)
    throw AwsError{"InvalidParameterException", "Either logGroupName or logGroupIdentifier must be specified."};
  if (by_name) return require_group_named(scope, in["logGroupName"].get<std::string>());
  const auto name = log_group_name_from_identifier(in["logGroupIdentifier"].get<std::string>());
  if (!name) throw AwsError{"InvalidParameterException", "Invalid logGroupIdentifier: it must be a log group name or ARN."};
  return require_group_named(scope, *name);
}

storage::Resource LogsService::require_stream(const storage::Scope& scope, const std::string& group,
                                              const std::string& stream) {
  auto found = store_.get(scope, kLogStream, group + ":" + stream);
  if (!found) throw AwsError{"ResourceNotFoundException", "The specified log stream does not exist."};
  return *found;
}

storage::Resource LogsService::create_group(const storage::Scope& scope, const std::string& name, const Json& tags) {
  Json document = {{"logGroupName", name},
                   {"creationTime", now_ms()},
                   {"metricFilterCount", 0},
                   {"arn", log_group_arn(scope.region, scope.account_id, name, true)},
                   {"logGroupArn", log_group_arn(scope.region, scope.account_id, name, false)},
                   {"storedBytes", 0},
                   {"logGroupClass", "STANDARD"}};
  auto stored = store_.put(scope, {kLogGroup, name, "", name, document});
  if (tags.is_object() && !tags.empty()) {
    Json list = Json::array();
    for (const auto& [key, value] : tags.items()) list.push_back({{"Key", key}, {"Value", value}});
    store_.add_tags(scope, document["logGroupArn"].get<std::string>(), list);
  }
  return stored;
}

storage::Resource LogsService::create_stream(const storage::Scope& scope, const std::string& group,
                                             const std::string& stream) {
  Json document = {{"logStreamName", stream},
                   {"creationTime", now_ms()},
                   {"arn", log_stream_arn(scope.region, scope.account_id, group, stream)},
                   {"storedBytes", 0}};
  return store_.put(scope, {kLogStream, group + ":" + stream, group, stream, document});
}

void LogsService::store_events(const storage::Scope& scope, storage::Resource& stream,
                               const std::vector<NewEvent>& events) {
  if (events.empty()) return;
  const auto now = now_ms();
  events_.append(scope, stream.parent, stream.name, events, now);
  auto& doc = stream.document;
  std::int64_t first = doc.value("firstEventTimestamp", events.front().timestamp);
  std::int64_t last = doc.value("lastEventTimestamp", events.front().timestamp);
  for (const auto& event : events) {
    first = std::min(first, event.timestamp);
    last = std::max(last, event.timestamp);
  }
  doc["firstEventTimestamp"] = first;
  doc["lastEventTimestamp"] = last;
  doc["lastIngestionTime"] = now;
  doc["uploadSequenceToken"] = encode_event_key({now, static_cast<std::int64_t>(events.size())});
  store_.put(scope, stream);
}

bool LogsService::log_group_exists(const storage::Scope& scope, const std::string& name) const {
  return store_.get(scope, kLogGroup, name).has_value();
}

bool LogsService::append(const AwslogsDestination& destination, std::vector<NewEvent> events) {
  bool written = false;
  try {
    deps_.db.in_transaction([&] {
      const auto& scope = destination.scope;
      auto group = store_.get(scope, kLogGroup, destination.group);
      if (!group) {
        if (!destination.create_group) return;
        group = create_group(scope, destination.group, Json::object());
      }
      auto stream = store_.get(scope, kLogStream, destination.group + ":" + destination.stream);
      if (!stream) stream = create_stream(scope, destination.group, destination.stream);
      // Container lines arrive in order per stream, but stdout and stderr may interleave slightly.
      std::stable_sort(events.begin(), events.end(),
                       [](const NewEvent& a, const NewEvent& b) { return a.timestamp < b.timestamp; });
      // Lines older than the group's retention are dropped, as PutLogEvents would reject them.
      const auto cutoff = retention_cutoff(group->document);
      std::erase_if(events, [cutoff](const NewEvent& event) { return event.timestamp < cutoff; });
      store_events(scope, *stream, events);
      if (cutoff > 0) events_.expire(scope, group->id, cutoff);
      written = true;
    });
  } catch (const std::exception& e) {
    log::error("logs: cannot append to " + destination.group + "/" + destination.stream + ": " + e.what());
  }
  // Warn once per destination: a container keeps writing to a missing group until it stops.
  if (!written && warned_missing_.insert(destination.group + "/" + destination.stream).second)
    log::warn("logs: dropped " + std::to_string(events.size()) + " line(s) for " + destination.group + "/" +
              destination.stream + ": the log group does not exist (further lines are dropped silently)");
  return written;
}

ServiceDefinition LogsService::definition() {
  ServiceDefinition definition;
  definition.model_name = "logs";
  using Method = Json (LogsService::*)(RequestContext&, const Json&);
  const std::pair<const char*, Method> table[] = {
      {"CreateLogGroup", &LogsService::create_log_group},
      {"DeleteLogGroup", &LogsService::delete_log_group},
      {"DescribeLogGroups", &LogsService::describe_log_groups},
      {"PutRetentionPolicy", &LogsService::put_retention_policy},
      {"DeleteRetentionPolicy", &LogsService::delete_retention_policy},
      {"CreateLogStream", &LogsService::create_log_stream},
      {"DeleteLogStream", &LogsService::delete_log_stream},
      {"DescribeLogStreams", &LogsService::describe_log_streams},
      {"PutLogEvents", &LogsService::put_log_events},
      {"GetLogEvents", &LogsService::get_log_events},
      {"FilterLogEvents", &LogsService::filter_log_events},
      {"TagResource", &LogsService::tag_resource},
      {"UntagResource", &LogsService::untag_resource},
      {"ListTagsForResource", &LogsService::list_tags_for_resource},
      {"TagLogGroup", &LogsService::tag_log_group},
      {"UntagLogGroup", &LogsService::untag_log_group},
      {"ListTagsLogGroup", &LogsService::list_tags_log_group},
  };
  for (const auto& [name, method] : table)
    definition.handlers[name] = [this, method](RequestContext& ctx, const Json& in) { return (this->*method)(ctx, in); };
  definition.on_reset = [this] {
    sink_.discard();  // lines queued before the reset belong to containers that are gone
    warned_missing_.clear();
  };
  return definition;
}

}  // namespace albatross::logs
