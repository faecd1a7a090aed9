#include "services/ecs/deployment_planner.hpp"

#include <algorithm>
#include <map>

#include "services/common/ids.hpp"
#include "services/ecs/service_events.hpp"

namespace albatross::ecs {
namespace {

constexpr const char* kSchedulerStop = "ServiceSchedulerInitiated";

bool is_stopped(const Task& t) { return t.last_status == "STOPPED"; }
// Counted by the bounds: wanted and not finished ("RUNNING or PENDING").
bool is_live(const Task& t) { return !is_stopped(t) && t.desired_status != "STOPPED"; }
bool is_stopping(const Task& t) { return !is_stopped(t) && t.desired_status == "STOPPED"; }
bool is_running(const Task& t) { return t.last_status == "RUNNING"; }

// Stop preference: lower first. Keep preference is the reverse.
enum class Rank { Pending = 0, Unhealthy = 1, Starting = 2, Healthy = 3 };

struct Entry {
  const Task* task = nullptr;
  Rank rank = Rank::Pending;
  std::string unhealthy;  // stoppedReason when Rank::Unhealthy
};

// Orders `entries` for stopping: by rank, then the AZ holding most live tasks (recounted after each pick,
// so stops spread across zones), then the newest task, then id.
std::vector<Entry> stop_order(std::vector<Entry> entries, std::map<std::string, int> az_counts) {
  std::vector<Entry> out;
  while (!entries.empty()) {
    auto better = [&](const Entry& a, const Entry& b) {
      if (a.rank != b.rank) return a.rank < b.rank;
      int za = az_counts[a.task->availability_zone], zb = az_counts[b.task->availability_zone];
      if (za != zb) return za > zb;
      auto sa = a.task->started_at.value_or(TimePoint::max()), sb = b.task->started_at.value_or(TimePoint::max());
      if (sa != sb) return sa > sb;
      return a.task->id < b.task->id;
    };
    auto best = std::min_element(entries.begin(), entries.end(), better);
    --az_counts[best->task->availability_zone];
    out.push_back(*best);
    entries.erase(best);
  }
  return out;
}

class Planner {
 public:
  explicit Planner(const PlanInput& in) : in_(in), svc_(in.service), deps_(in.deployments) {}

  Plan run() {
    primary_ = find_primary();
    if (primary_ < 0) {  // nothing to plan against; keep everything as is
      plan_.deployments = deps_;
      return plan_;
    }
    classify();
    note_progress();
    account_stopped_tasks();
    if (breaker_tripped()) fail_primary();
    if (primary().rollout_state != "FAILED") {
      stop_old_deployments();
      reconcile_primary();
      if (breaker_tripped()) {  // stage 2 failures counted by this plan
        std::erase_if(plan_.launches, [&](const TaskLaunch& l) { return l.deployment_id == primary().id; });
        fail_primary();
      }
    }
    emit_task_events();
    finish();
    return plan_;
  }

 private:
  Deployment& primary() { return deps_[static_cast<size_t>(primary_)]; }

  int find_primary() const {
    for (size_t i = 0; i < deps_.size(); ++i)
      if (deps_[i].status == "PRIMARY") return static_cast<int>(i);
    return -1;
  }

  void classify() {
    for (const auto& t : in_.tasks) {
      if (!is_live(t)) continue;
      Entry e{&t, Rank::Pending, {}};
      if (auto reason = unhealthy_reason(t, svc_, in_.now)) {
        e.rank = Rank::Unhealthy;
        e.unhealthy = *reason;
      } else if (is_healthy(t, svc_.has_load_balancers, in_.now, in_.timings)) {
        e.rank = Rank::Healthy;
        ++healthy_total_;
      } else if (is_running(t)) {
        e.rank = Rank::Starting;
      }
      ++az_counts_[t.availability_zone];
      live_.push_back(e);
    }
  }

  // A RUNNING task ends the launch throttle; a healthy one proves the deployment (circuit breaker done).
  void note_progress() {
    Deployment& p = primary();
    for (const auto& e : live_) {
      if (e.task->deployment_id != p.id) continue;
      if (is_running(*e.task)) {
        p.consecutive_start_failures = 0;
        p.launch_not_before.reset();
      }
      if (e.rank == Rank::Healthy && !p.had_healthy_task) {
        p.had_healthy_task = true;
        p.failed_tasks = 0;
      }
    }
  }

  void count_failure() {
    Deployment& p = primary();
    if (p.rollout_state == "IN_PROGRESS" && !p.had_healthy_task) ++p.failed_tasks;
  }

  void account_stopped_tasks() {
    Deployment& p = primary();
    for (const auto& t : in_.tasks) {
      if (!is_stopped(t) || t.acknowledged) continue;
      plan_.acknowledged.push_back(t.id);
      if (t.deployment_id != p.id) continue;
      if (t.stop_code == "UserInitiated" || t.stop_code == kSchedulerStop) continue;  // not a failure
      count_failure();
      if (t.started_at) continue;  // reached RUNNING: no throttle (AWS)
      ++p.consecutive_start_failures;
      int over = p.consecutive_start_failures - in_.timings.throttle_after;
      if (over < 0) continue;
      auto delay = in_.timings.throttle_base * (over >= 20 ? (1 << 20) : (1 << over));
      p.launch_not_before = in_.now + std::min(delay, in_.timings.throttle_max);
      if (over == 0) emit_condition(events::unable_to_start_consistently(svc_.name));  // once, on entry
    }
  }

  bool breaker_tripped() {
    const Deployment& p = primary();
    return svc_.deployment_configuration.circuit_breaker.enable && p.rollout_state == "IN_PROGRESS" &&
           !p.had_healthy_task && p.failed_tasks >= circuit_breaker_threshold(svc_.desired_count);
  }

  void fail_primary() {
    Deployment& p = primary();
    p.rollout_state = "FAILED";
    p.rollout_state_reason = events::kCircuitBreakerFailedReason;
    plan_.events.push_back(events::deployment_failed(svc_.name, p.id));
    if (!svc_.deployment_configuration.circuit_breaker.rollback) return;
    Deployment* completed = nullptr;
    for (auto& d : deps_)
      if (d.id != p.id && d.rollout_state == "COMPLETED" && (!completed || d.created_at > completed->created_at))
        completed = &d;
    if (!completed) return;  // nothing to roll back to: the deployment stalls (AWS)
    Deployment next;
    next.id = in_.make_deployment_id ? in_.make_deployment_id() : "ecs-svc/" + ids::random_digits(19);
    next.status = "PRIMARY";
    next.task_definition = completed->task_definition;
    next.desired_count = svc_.desired_count;
    next.rollout_state = "IN_PROGRESS";
    next.rollout_state_reason = events::rollout_rollback_reason(completed->id);
    next.created_at = next.updated_at = in_.now;
    std::string completed_id = completed->id;
    // AWS: the rollback target leaves COMPLETED, so a failing rollback cannot roll back to it again.
    completed->rollout_state = "IN_PROGRESS";
    completed->rollout_state_reason = events::rollout_in_progress_reason(completed_id);
    p.status = "ACTIVE";
    plan_.events.push_back(events::rolling_back(svc_.name, completed_id));
    plan_.created_deployment = next.id;
    deps_.push_back(next);
    primary_ = static_cast<int>(deps_.size() - 1);
  }

  void stop(const Entry& e, const std::string& scaling_reason) {
    bool was_healthy = e.rank == Rank::Healthy;
    plan_.stops.push_back({e.task->id, kSchedulerStop, e.rank == Rank::Unhealthy ? e.unhealthy : scaling_reason});
    stopped_.push_back(e);
    if (e.rank == Rank::Unhealthy) unhealthy_notice(e);
    if (was_healthy) --healthy_total_;
    --az_counts_[e.task->availability_zone];
  }

  bool may_stop(const Entry& e) const {
    if (e.rank != Rank::Healthy) return true;  // stopping it does not lower the healthy count
    int min_healthy = min_healthy_tasks(svc_.desired_count, svc_.deployment_configuration.minimum_healthy_percent);
    return healthy_total_ - 1 >= min_healthy;
  }

  // Tasks of older deployments are all replaced: oldest deployment first, within the minimum healthy bound.
  void stop_old_deployments() {
    const std::string reason = events::scaling_stop_reason(primary().id);
    std::vector<const Deployment*> old;
    for (const auto& d : deps_)
      if (d.id != primary().id) old.push_back(&d);
    std::sort(old.begin(), old.end(), [](auto* a, auto* b) { return a->created_at < b->created_at; });
    for (const Deployment* d : old) {
      std::vector<Entry> mine;
      for (const auto& e : live_)
        if (e.task->deployment_id == d->id) mine.push_back(e);
      for (const auto& e : stop_order(mine, az_counts_))
        if (may_stop(e)) stop(e, reason);
    }
    // Tasks naming no known deployment are strays: replace them the same way.
    std::vector<Entry> strays;
    for (const auto& e : live_)
      if (std::none_of(deps_.begin(), deps_.end(), [&](const Deployment& d) { return d.id == e.task->deployment_id; }))
        strays.push_back(e);
    for (const auto& e : stop_order(strays, az_counts_))
      if (may_stop(e)) stop(e, reason);
  }

  void reconcile_primary() {
    Deployment& p = primary();
    const int desired = svc_.desired_count;
    const std::string reason = events::scaling_stop_reason(p.id);
    std::vector<Entry> ok, unhealthy;
    for (const auto& e : live_) {
      if (e.task->deployment_id != p.id) continue;
      (e.rank == Rank::Unhealthy ? unhealthy : ok).push_back(e);
    }
    // Scale-in: more good tasks than wanted.
    int excess = static_cast<int>(ok.size()) - desired;
    int kept = static_cast<int>(ok.size());
    for (const auto& e : stop_order(ok, az_counts_)) {
      if (excess <= 0) break;
      if (!may_stop(e)) break;  // the rest are healthy too
      stop(e, reason);
      --excess;
      --kept;
    }
    int healthy_kept = 0;
    for (const auto& e : ok)
      if (e.rank == Rank::Healthy && !is_stopped_here(e)) ++healthy_kept;
    // Unhealthy tasks leave once healthy tasks cover them (replacements were started first).
    std::sort(unhealthy.begin(), unhealthy.end(), [](const Entry& a, const Entry& b) {
      auto sa = a.task->started_at.value_or(TimePoint::min()), sb = b.task->started_at.value_or(TimePoint::min());
      return sa != sb ? sa < sb : a.task->id < b.task->id;
    });
    int covered = std::min<int>(static_cast<int>(unhealthy.size()),
                                std::max(0, healthy_kept + static_cast<int>(unhealthy.size()) - desired));
    size_t next_unhealthy = 0;
    for (; next_unhealthy < static_cast<size_t>(covered); ++next_unhealthy) stop_unhealthy(unhealthy[next_unhealthy]);

    // Launch within maximumPercent.
    const int cap = max_tasks(desired, svc_.deployment_configuration.maximum_percent);
    throttled_ = p.launch_not_before && in_.now < *p.launch_not_before;
    int need = std::max(0, desired - std::min(desired, kept));
    int total = static_cast<int>(live_.size() - stopped_.size());
    if (need > 0 && cap - total <= 0 && !throttled_ && next_unhealthy < unhealthy.size()) {
      stop_unhealthy(unhealthy[next_unhealthy++]);  // no room: make room one task at a time (AWS)
      --total;
    }
    int count = throttled_ ? 0 : std::max(0, std::min(need, cap - total));
    replaced_unhealthy_ = std::min<int>(count, static_cast<int>(unhealthy.size()));
    for (int i = 0; i < count; ++i) {
      std::string id = in_.make_task_id ? in_.make_task_id() : ids::random_hex(32);
      plan_.launches.push_back({id, p.id, p.task_definition});
    }
  }

  void stop_unhealthy(const Entry& e) {
    stop(e, "");
    count_failure();  // circuit breaker stage 2
  }

  void unhealthy_notice(const Entry& e) {
    for (const auto& t : e.task->targets) {
      if (t.state != routing::HealthState::Unhealthy) continue;
      notices_.push_back(events::target_unhealthy(svc_.name, e.task->id, t.port, t.target_group_arn,
                                                  t.description.empty() ? "Health checks failed" : t.description));
      return;
    }
    notices_.push_back(events::container_health_failed(svc_.name, e.task->id));
  }

  bool is_stopped_here(const Entry& e) const {
    return std::any_of(stopped_.begin(), stopped_.end(), [&](const Entry& s) { return s.task == e.task; });
  }

  void emit_task_events() {
    for (auto& n : notices_) plan_.events.push_back(std::move(n));
    std::vector<std::string> running;
    int pending = 0;
    for (const auto& e : stopped_) {
      if (is_running(*e.task))
        running.push_back(e.task->id);
      else
        ++pending;
    }
    if (!running.empty()) plan_.events.push_back(events::running_tasks_stopped(svc_.name, running));
    if (pending > 0) plan_.events.push_back(events::pending_tasks_stopped(svc_.name, pending));
    if (!plan_.launches.empty()) {
      std::vector<std::string> ids;
      for (const auto& l : plan_.launches) ids.push_back(l.task_id);
      plan_.events.push_back(events::tasks_started(svc_.name, ids, replaced_unhealthy_));
    }
  }

  // Steady state: only the PRIMARY's tasks, exactly desiredCount of them, all healthy, nothing in flight.
  bool at_steady_state() const {
    if (!plan_.launches.empty() || !plan_.stops.empty()) return false;
    const std::string& pid = deps_[static_cast<size_t>(primary_)].id;
    int count = 0;
    for (const auto& t : in_.tasks)
      if (is_stopping(t)) return false;
    for (const auto& e : live_) {
      if (e.task->deployment_id != pid || e.rank != Rank::Healthy) return false;
      ++count;
    }
    return count == svc_.desired_count;
  }

  // A message that states a condition is not repeated while the newest event already says it recently.
  void emit_condition(const std::string& message) {
    if (!plan_.events.empty() && plan_.events.back() == message) return;
    if (plan_.events.empty() && !svc_.recent_events.empty()) {
      const auto& newest = svc_.recent_events.front();
      if (newest.message == message && in_.now - newest.created_at < in_.timings.repeat_interval) return;
    }
    plan_.events.push_back(message);
  }

  void finish() {
    Deployment& p = primary();
    bool failed = p.rollout_state == "FAILED";
    plan_.steady = !failed && at_steady_state();
    if (plan_.steady) {
      if (p.rollout_state == "IN_PROGRESS") {
        p.rollout_state = "COMPLETED";
        p.rollout_state_reason = events::rollout_completed_reason(p.id);
        plan_.events.push_back(events::deployment_completed(svc_.name, p.id));
      }
      emit_condition(events::steady_state(svc_.name));
    } else if (!failed && plan_.launches.empty() && plan_.stops.empty() && !throttled_ && all_live_healthy()) {
      emit_condition(events::deployment_stuck(svc_.name));
    }
    update_deployments();
  }

  bool all_live_healthy() const {
    for (const auto& t : in_.tasks)
      if (is_stopping(t)) return false;  // waiting for them may change things
    return std::all_of(live_.begin(), live_.end(), [](const Entry& e) { return e.rank == Rank::Healthy; });
  }

  void update_deployments() {
    const std::string pid = primary().id;
    for (auto& d : deps_) {
      Deployment before = d;
      int running = 0, pending = 0, remaining = 0;
      for (const auto& t : in_.tasks) {
        if (t.deployment_id != d.id || is_stopped(t)) continue;
        if (is_running(t))
          ++running;
        else if (t.desired_status != "STOPPED")
          ++pending;
        if (is_live(t) &&
            std::none_of(plan_.stops.begin(), plan_.stops.end(), [&](const TaskStop& s) { return s.task_id == t.id; }))
          ++remaining;
      }
      for (const auto& l : plan_.launches)
        if (l.deployment_id == d.id) ++pending;
      d.running_count = running;
      d.pending_count = pending;
      d.desired_count = d.id == pid ? svc_.desired_count : remaining;
      if (plan_.steady && d.id != pid) {
        plan_.dropped_deployments.push_back(d.id);
        continue;
      }
      if (d.rollout_state != before.rollout_state || d.status != before.status ||
          d.desired_count != before.desired_count || d.running_count != before.running_count ||
          d.pending_count != before.pending_count || d.failed_tasks != before.failed_tasks)
        d.updated_at = in_.now;
    }
    // Newest first; a deployment created by this plan is newer than one created at the same instant.
    for (auto it = deps_.rbegin(); it != deps_.rend(); ++it)
      if (std::find(plan_.dropped_deployments.begin(), plan_.dropped_deployments.end(), it->id) ==
          plan_.dropped_deployments.end())
        plan_.deployments.push_back(*it);
    std::stable_sort(plan_.deployments.begin(), plan_.deployments.end(),
                     [](const Deployment& a, const Deployment& b) { return a.created_at > b.created_at; });
  }

  const PlanInput& in_;
  const Service& svc_;
  std::vector<Deployment> deps_;
  int primary_ = -1;
  std::vector<Entry> live_;
  std::vector<Entry> stopped_;
  std::vector<std::string> notices_;
  std::map<std::string, int> az_counts_;
  int healthy_total_ = 0;
  int replaced_unhealthy_ = 0;
  bool throttled_ = false;
  Plan plan_;
};

}  // namespace

int max_tasks(int desired_count, int maximum_percent) {
  return static_cast<int>((static_cast<long long>(desired_count) * maximum_percent) / 100);
}

int min_healthy_tasks(int desired_count, int minimum_healthy_percent) {
  return static_cast<int>((static_cast<long long>(desired_count) * minimum_healthy_percent + 99) / 100);
}

int circuit_breaker_threshold(int desired_count) { return std::clamp((desired_count + 1) / 2, 3, 200); }

bool is_healthy(const Task& task, bool has_load_balancers, TimePoint now, const Timings& timings) {
  if (!is_running(task) || !task.started_at) return false;
  bool checked = false;
  if (has_load_balancers) {
    if (task.targets.empty()) return false;
    for (const auto& t : task.targets)
      if (t.state != routing::HealthState::Healthy) return false;
    checked = true;
  }
  if (task.container_health != ContainerHealth::NotConfigured) {
    if (task.container_health != ContainerHealth::Healthy) return false;
    checked = true;
  }
  return checked || now - *task.started_at >= timings.healthy_settle;
}

std::optional<std::string> unhealthy_reason(const Task& task, const Service& service, TimePoint now) {
  if (!is_running(task) || !task.started_at) return std::nullopt;
  if (now - *task.started_at < std::chrono::seconds(service.health_check_grace_period_seconds)) return std::nullopt;
  if (service.has_load_balancers)
    for (const auto& t : task.targets)
      if (t.state == routing::HealthState::Unhealthy) return events::elb_health_stop_reason(t.target_group_arn);
  if (task.container_health == ContainerHealth::Unhealthy) return std::string(events::kContainerHealthStopReason);
  return std::nullopt;
}

Plan plan(const PlanInput& input) { return Planner(input).run(); }

}  // namespace albatross::ecs
