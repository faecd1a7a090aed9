#include "services/logs/log_sink.hpp"

#include "emulator/log.hpp"

namespace albatross::logs {
namespace {

// CloudWatch's limit is 256 KiB per event including 26 bytes of overhead.
constexpr std::size_t kMaxMessageBytes = 256 * 1024 - 26;
// Past this many queued lines new ones are dropped until the control thread catches up.
constexpr std::size_t kMaxQueuedLines = 200000;

}  // namespace

void LogSink::push(const AwslogsDestination& destination, std::int64_t timestamp_ms, std::string message) {
  if (message.empty()) return;
  bool post = false;
  {
    std::lock_guard lock(mutex_);
    if (queued_count_ >= kMaxQueuedLines) {
      if (!overflowing_) log::warn("logs: the control thread is behind; dropping container log lines until it catches up");
      overflowing_ = true;
      return;
    }
    auto& batch = queued_[destination];
    for (std::size_t at = 0; at < message.size(); at += kMaxMessageBytes) {
      batch.push_back({timestamp_ms, message.substr(at, kMaxMessageBytes)});
      ++queued_count_;
    }
    if (!flush_posted_) post = flush_posted_ = true;
  }
  if (post) post_([this] { flush(); });
}

void LogSink::flush() {
  std::map<AwslogsDestination, std::vector<NewEvent>> batches;
  {
    std::lock_guard lock(mutex_);
    batches.swap(queued_);
    queued_count_ = 0;
    flush_posted_ = false;
    overflowing_ = false;
  }
  for (auto& [destination, events] : batches) write_(destination, std::move(events));
}

void LogSink::discard() {
  std::lock_guard lock(mutex_);
  queued_.clear();
  queued_count_ = 0;
}

std::size_t LogSink::pending() const {
  std::lock_guard lock(mutex_);
  return queued_count_;
}

}  // namespace albatross::logs
