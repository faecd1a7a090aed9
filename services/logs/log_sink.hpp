#pragma once
// Where container output enters CloudWatch Logs in-process (the ECS awslogs driver): push() from any thread
// (Docker log follower threads); lines are batched and written on the control thread in one transaction per
// flush. The first line pushed after a flush posts the next flush, so a busy container costs one post per
// batch, not per line.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "services/logs/log_event_store.hpp"

namespace albatross::logs {

// awslogs-group / awslogs-stream / awslogs-create-group of a container, in an account and region.
struct AwslogsDestination {
  storage::Scope scope;
  std::string group;
  std::string stream;
  bool create_group = false;

  auto key() const { return std::tie(scope.account_id, scope.region, group, stream); }
  bool operator<(const AwslogsDestination& other) const { return key() < other.key(); }
};

class LogSink {
 public:
  using Post = std::function<void(std::function<void()>)>;  // runs a function on the control thread
  using Write = std::function<void(const AwslogsDestination&, std::vector<NewEvent>)>;  // control thread

  LogSink(Post post, Write write) : post_(std::move(post)), write_(std::move(write)) {}

  // Any thread. Empty messages are dropped (as Docker's awslogs driver does); messages over CloudWatch's
  // 256 KiB event limit are split.
  void push(const AwslogsDestination& destination, std::int64_t timestamp_ms, std::string message);
  // Control thread: writes everything queued so far.
  void flush();
  // Drops everything queued (reset).
  void discard();
  // Lines waiting for the next flush (for tests and metrics).
  std::size_t pending() const;

 private:
  Post post_;
  Write write_;
  mutable std::mutex mutex_;
  std::map<AwslogsDestination, std::vector<NewEvent>> queued_;
  std::size_t queued_count_ = 0;
  bool flush_posted_ = false;
  bool overflowing_ = false;  // lines are being dropped (reported once per episode)
};

}  // namespace albatross::logs
