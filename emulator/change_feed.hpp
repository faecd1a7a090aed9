#pragma once
// Tells interested parts of the process (the load balancers' routing snapshot, the ECS scheduler) that
// a service's configuration changed — only once the change is committed. Control thread only.

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace albatross {

class ChangeFeed {
 public:
  using Subscriber = std::function<void()>;

  void subscribe(std::string topic, Subscriber subscriber) {
    subscribers_.emplace_back(std::move(topic), std::move(subscriber));
  }
  // Called during a transaction: `topic` ("elbv2", "ecs", ...) changed.
  void mark(std::string_view topic) { pending_.emplace(topic); }
  // After commit: each marked topic's subscribers run once.
  void publish() {
    auto topics = std::move(pending_);
    pending_.clear();
    for (const auto& topic : topics)
      for (const auto& [wanted, subscriber] : subscribers_)
        if (wanted == topic) subscriber();
  }
  // After rollback: nothing changed.
  void discard() { pending_.clear(); }

 private:
  std::vector<std::pair<std::string, Subscriber>> subscribers_;
  std::set<std::string, std::less<>> pending_;
};

}  // namespace albatross
