// CreateLogStream, DeleteLogStream, DescribeLogStreams.
#include <algorithm>

#include "services/common/pagination.hpp"
#include "services/logs/logs_service.hpp"

namespace albatross::logs {

using Json = nlohmann::json;

Json LogsService::create_log_stream(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto group = require_group_named(scope, in["logGroupName"]);
  const std::string name = in["logStreamName"];
  if (store_.get(scope, kLogStream, group.id + ":" + name))
    throw AwsError{"ResourceAlreadyExistsException", "The specified log stream already exists"};
  create_stream(scope, group.id, name);
  return Json::object();
}

Json LogsService::delete_log_stream(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const auto group = require_group_named(scope, in["logGroupName"]);
  const auto stream = require_stream(scope, group.id, in["logStreamName"]);
  events_.remove_stream(scope, group.id, stream.name);
  store_.remove(scope, kLogStream, stream.id);
  return Json::object();
}

Json LogsService::describe_log_streams(RequestContext& ctx, const Json& in) {
  const auto scope = scope_of(ctx);
  const std::string order_by = in.value("orderBy", "LogStreamName");
  const std::string prefix = in.value("logStreamNamePrefix", "");
  if (order_by == "LastEventTime" && in.contains("logStreamNamePrefix"))
    throw AwsError{"InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix."};
  const auto group = require_group(scope, in);
  auto streams = store_.children(scope, kLogStream, group.id);
  std::erase_if(streams, [&](const storage::Resource& stream) { return !stream.name.starts_with(prefix); });
  const auto last_event = [](const storage::Resource& stream) {
    return stream.document.value("lastEventTimestamp", std::int64_t{0});
  };
  if (order_by == "LastEventTime")
    std::stable_sort(streams.begin(), streams.end(), [&](const auto& a, const auto& b) {
      return last_event(a) != last_event(b) ? last_event(a) < last_event(b) : a.name < b.name;
    });
  else
    std::sort(streams.begin(), streams.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  if (in.value("descending", false)) std::reverse(streams.begin(), streams.end());
  Json all = Json::array();
  for (const auto& stream : streams) all.push_back(stream.document);
  auto page = logs_page(all, in, 50);
  Json out = {{"logStreams", page.items}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

}  // namespace albatross::logs
