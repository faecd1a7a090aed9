// PutLogEvents, GetLogEvents, FilterLogEvents.
#include <algorithm>
#include <limits>
#include <stdexcept>

#include "services/logs/filter_pattern.hpp"
#include "services/logs/log_names.hpp"
#include "services/logs/logs_service.hpp"

namespace albatross::logs {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kHour = 3600 * 1000;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::size_t kMaxBatchBytes = 1048576;  // PutLogEvents: messages + 26 bytes per event
constexpr std::size_t kEventOverhead = 26;
constexpr std::size_t kMaxEventBytes = 262144;  // one event, message + overhead
constexpr std::size_t kMaxReplyBytes = 1048576;  // Get/FilterLogEvents answer at most 1 MB of events
constexpr std::size_t kEventsLimit = 10000;
constexpr std::size_t kFilterScanBatch = 2000;
constexpr std::size_t kFilterScanLimit = 200000;  // rows looked at per FilterLogEvents call before a token

TimeRange range_of(const Json& in, const Json& group_document) {
  TimeRange range;
  if (in.contains("startTime")) range.start = in["startTime"].get<std::int64_t>();
  if (in.contains("endTime")) range.end = in["endTime"].get<std::int64_t>();
  range.start = std::max(range.start, LogsService::retention_cutoff(group_document));
  return range;
}

EventKey parse_token(const std::string& token, char direction) {
  std::optional<EventKey> key;
  if (token.size() > 2 && token[0] == direction && token[1] == '/') key = decode_event_key(std::string_view(token).substr(2));
  if (!key) throw AwsError{"InvalidParameterException", "The specified nextToken is invalid."};
  return *key;
}

std::string token(char direction, const EventKey& key) { return std::string(1, direction) + "/" + encode_event_key(key); }

}  // namespace

Json LogsService::put_log_events(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto group = require_group(scope, in);
  auto stream = require_stream(scope, group.id, in["logStreamName"]);
  const auto& input = in["logEvents"];
  std::size_t bytes = 0;
  for (const auto& event : input) {
    const std::size_t size = event["message"].get_ref<const std::string&>().size() + kEventOverhead;
    if (size > kMaxEventBytes)
      throw AwsError{"InvalidParameterException", "Log event too large: " + std::to_string(size) +
                                                      " bytes exceeds limit of " + std::to_string(kMaxEventBytes)};
    bytes += size;
  }
  if (bytes > kMaxBatchBytes)
    throw AwsError{"InvalidParameterException", "Upload too large: " + std::to_string(bytes) +
                                                    " bytes exceeds limit of " + std::to_string(kMaxBatchBytes)};
  std::vector<NewEvent> events;
  for (const auto& event : input) events.push_back({event["timestamp"].get<std::int64_t>(), event["message"]});
  for (std::size_t i = 1; i < events.size(); ++i)
    if (events[i].timestamp < events[i - 1].timestamp)
      throw AwsError{"InvalidParameterException",
                     "Log events in a single PutLogEvents request must be in chronological order."};
  if (events.back().timestamp - events.front().timestamp > kDay)
    throw AwsError{"InvalidParameterException",
                   "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."};

  // Events too far in the future, too old, or older than the retention period are rejected, not stored.
  const auto now = now_ms();
  const auto cutoff = retention_cutoff(group.document);
  Json rejected = Json::object();
  std::vector<NewEvent> accepted;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto ts = events[i].timestamp;
    if (ts > now + 2 * kHour) {
      if (!rejected.contains("tooNewLogEventStartIndex")) rejected["tooNewLogEventStartIndex"] = i;
    } else if (ts < now - 14 * kDay) {
      rejected["tooOldLogEventEndIndex"] = i;
    } else if (cutoff > 0 && ts < cutoff) {
      rejected["expiredLogEventEndIndex"] = i;
    } else {
      accepted.push_back(std::move(events[i]));
    }
  }
  store_events(scope, stream, accepted);
  if (cutoff > 0) events_.expire(scope, group.id, cutoff);  // retention also frees what it hides
  Json out = {{"nextSequenceToken", encode_event_key({now, static_cast<std::int64_t>(accepted.size())})}};
  if (!rejected.empty()) out["rejectedLogEventsInfo"] = rejected;
  return out;
}

Json LogsService::get_log_events(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto group = require_group(scope, in);
  const auto stream = require_stream(scope, group.id, in["logStreamName"]);
  const std::size_t limit = in.contains("limit") ? in["limit"].get<std::size_t>() : kEventsLimit;
  const auto range = range_of(in, group.document);
  const std::string next = in.value("nextToken", "");
  constexpr EventKey kStart{0, 0};
  constexpr EventKey kEnd{std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::max()};

  bool forward = true;
  EventKey position = kStart;
  if (!next.empty()) {
    forward = next[0] == 'f';
    position = parse_token(next, forward ? 'f' : 'b');
  } else if (!in.value("startFromHead", false)) {
    forward = false;
    position = kEnd;
  }
  auto events = forward ? events_.stream_after(scope, group.id, stream.name, range, position, limit)
                        : events_.stream_before(scope, group.id, stream.name, range, position, limit);
  // At most 1 MB: keep the events nearest to where the reading started.
  std::size_t bytes = 0;
  std::size_t keep = 0;
  if (forward) {
    while (keep < events.size() && (bytes += events[keep].message.size() + kEventOverhead) <= kMaxReplyBytes) ++keep;
    events.resize(keep);
  } else {
    while (keep < events.size() &&
           (bytes += events[events.size() - 1 - keep].message.size() + kEventOverhead) <= kMaxReplyBytes)
      ++keep;
    events.erase(events.begin(), events.end() - static_cast<std::ptrdiff_t>(keep));
  }

  Json out_events = Json::array();
  for (const auto& event : events)
    out_events.push_back({{"timestamp", event.key.timestamp}, {"message", event.message}, {"ingestionTime", event.ingestion_time}});
  Json out = {{"events", out_events}};
  if (events.empty()) {
    // Nothing (more) here: hand back the same position, which is how clients know they reached the end.
    const EventKey at = position == kEnd ? kStart : position;
    out["nextForwardToken"] = token('f', at);
    out["nextBackwardToken"] = token('b', at);
  } else {
    out["nextForwardToken"] = token('f', events.back().key);
    out["nextBackwardToken"] = token('b', events.front().key);
  }
  return out;
}

Json LogsService::filter_log_events(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  if (in.contains("logStreamNames") && in.contains("logStreamNamePrefix"))
    throw AwsError{"InvalidParameterException", "logStreamNames and logStreamNamePrefix are mutually exclusive parameters."};
  const auto group = require_group(scope, in);
  FilterPattern pattern;
  try {
    pattern = FilterPattern::parse(in.value("filterPattern", ""));
  } catch (const std::invalid_argument& e) {
    throw AwsError{"InvalidParameterException", e.what()};
  }
  std::vector<std::string> names;
  for (const auto& name : in.value("logStreamNames", Json::array())) names.push_back(name);
  const std::string prefix = in.value("logStreamNamePrefix", "");
  const std::size_t limit = in.contains("limit") ? in["limit"].get<std::size_t>() : kEventsLimit;
  const auto range = range_of(in, group.document);
  EventKey after{0, 0};
  if (in.contains("nextToken")) after = parse_token(in["nextToken"], 'n');

  Json out_events = Json::array();
  std::size_t bytes = 0;
  std::size_t scanned = 0;
  bool more = false;
  while (!more) {
    const auto batch = events_.group_after(scope, group.id, range, after, kFilterScanBatch);
    for (const auto& event : batch) {
      if (out_events.size() >= limit || bytes + event.message.size() + kEventOverhead > kMaxReplyBytes ||
          scanned >= kFilterScanLimit) {
        more = true;
        break;
      }
      after = event.key;
      ++scanned;
      if (!names.empty() && std::find(names.begin(), names.end(), event.stream) == names.end()) continue;
      if (!event.stream.starts_with(prefix) || !pattern.matches(event.message)) continue;
      bytes += event.message.size() + kEventOverhead;
      out_events.push_back({{"logStreamName", event.stream},
                            {"timestamp", event.key.timestamp},
                            {"message", event.message},
                            {"ingestionTime", event.ingestion_time},
                            {"eventId", encode_event_key(event.key)}});
    }
    if (batch.size() < kFilterScanBatch) break;
  }
  Json out = {{"events", out_events}, {"searchedLogStreams", Json::array()}};
  if (more) out["nextToken"] = token('n', after);
  return out;
}

}  // namespace albatross::logs
