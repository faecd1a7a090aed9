#include "services/ecs/deployment_planner.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "services/ecs/service_events.hpp"

using namespace albatross::ecs;
using albatross::routing::HealthState;
using std::chrono::seconds;

namespace {

const std::string kTg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef";
const TimePoint kT0 = TimePoint{} + std::chrono::hours(24 * 365 * 50);

// A service with its deployments and tasks, the way the runtime would hold it, plus a tiny task lifecycle
// model for multi-step simulations.
enum class Health { LoadBalancer, Settle, ContainerCheck };

struct World {
  PlanInput in;
  int task_seq = 0;
  int deployment_seq = 0;
  Health health = Health::LoadBalancer;
  std::vector<std::string> bad_task_definitions;  // their tasks run but fail health checks

  World(int desired, int min_percent, int max_percent, bool lb = true) {
    in.service.name = "web";
    in.service.desired_count = desired;
    in.service.deployment_configuration.minimum_healthy_percent = min_percent;
    in.service.deployment_configuration.maximum_percent = max_percent;
    in.service.has_load_balancers = lb;
    in.now = kT0;
    in.make_task_id = [this] { return "new" + std::to_string(++task_seq); };
    in.make_deployment_id = [this] { return "ecs-svc/rollback" + std::to_string(++deployment_seq); };
  }

  Deployment& deployment(const std::string& id, const std::string& status, const std::string& rollout,
                         seconds age = seconds(0)) {
    Deployment d;
    d.id = id;
    d.status = status;
    d.task_definition = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:" + id.substr(8);
    d.desired_count = in.service.desired_count;
    d.rollout_state = rollout;
    d.created_at = d.updated_at = in.now - age;
    in.deployments.push_back(d);
    return in.deployments.back();
  }

  // A RUNNING task that started `age` ago; healthy target when `target` is Healthy.
  Task& task(const std::string& id, const std::string& deployment_id, HealthState target = HealthState::Healthy,
             seconds age = seconds(600), const std::string& az = "us-east-1a") {
    Task t;
    t.id = id;
    t.deployment_id = deployment_id;
    t.last_status = "RUNNING";
    t.started_at = in.now - age;
    t.availability_zone = az;
    if (in.service.has_load_balancers) t.targets.push_back({kTg, 8080, target, ""});
    in.tasks.push_back(t);
    return in.tasks.back();
  }

  Task& pending_task(const std::string& id, const std::string& deployment_id) {
    Task t;
    t.id = id;
    t.deployment_id = deployment_id;
    t.last_status = "PENDING";
    in.tasks.push_back(t);
    return in.tasks.back();
  }

  Task* find(const std::string& id) {
    for (auto& t : in.tasks)
      if (t.id == id) return &t;
    return nullptr;
  }

  const Deployment* dep(const std::string& id) const {
    for (const auto& d : in.deployments)
      if (d.id == id) return &d;
    return nullptr;
  }

  Plan run() { return plan(in); }

  // Applies a plan the way the runtime does: store deployments, mark acknowledged tasks, request stops,
  // create launched tasks in PROVISIONING, append events (newest first).
  void apply(const Plan& p) {
    in.deployments = p.deployments;
    for (const auto& id : p.acknowledged)
      if (auto* t = find(id)) t->acknowledged = true;
    for (const auto& s : p.stops) {
      Task* t = find(s.task_id);
      REQUIRE(t != nullptr);
      t->desired_status = "STOPPED";
      t->stop_code = s.stop_code;
    }
    for (const auto& l : p.launches) {
      Task t;
      t.id = l.task_id;
      t.deployment_id = l.deployment_id;
      t.last_status = "PROVISIONING";
      in.tasks.push_back(t);
    }
    for (const auto& e : p.events) in.service.recent_events.insert(in.service.recent_events.begin(), {e, in.now});
  }

  bool is_bad(const Task& t) const {
    const Deployment* d = dep(t.deployment_id);
    return d && std::find(bad_task_definitions.begin(), bad_task_definitions.end(), d->task_definition) !=
                    bad_task_definitions.end();
  }

  // One time step of the task lifecycle: PROVISIONING → RUNNING (target initial, container health UNKNOWN)
  // → target / container healthy (unhealthy for a bad task definition); stopping tasks drain for one step,
  // then STOP.
  void advance(seconds step) {
    in.now += step;
    std::erase_if(in.tasks, [](const Task& t) { return t.last_status == "STOPPED" && t.acknowledged; });
    for (auto& t : in.tasks) {
      if (t.last_status == "STOPPED") continue;
      if (t.desired_status == "STOPPED") {
        t.last_status = t.last_status == "RUNNING" ? "DEACTIVATING" : "STOPPED";
        continue;
      }
      if (t.last_status == "PROVISIONING") {
        t.last_status = "RUNNING";
        t.started_at = in.now;
        if (health == Health::LoadBalancer) t.targets = {{kTg, 8080, HealthState::Initial, ""}};
        if (health == Health::ContainerCheck) t.container_health = ContainerHealth::Unknown;
        continue;
      }
      if (t.last_status != "RUNNING") continue;
      if (!t.targets.empty() && t.targets[0].state == HealthState::Initial)
        t.targets[0].state = is_bad(t) ? HealthState::Unhealthy : HealthState::Healthy;
      if (t.container_health == ContainerHealth::Unknown)
        t.container_health = is_bad(t) ? ContainerHealth::Unhealthy : ContainerHealth::Healthy;
    }
  }

  int live() const {
    return static_cast<int>(std::count_if(in.tasks.begin(), in.tasks.end(), [](const Task& t) {
      return t.last_status != "STOPPED" && t.desired_status != "STOPPED";
    }));
  }

  int healthy() const {
    return static_cast<int>(std::count_if(in.tasks.begin(), in.tasks.end(), [&](const Task& t) {
      return t.desired_status != "STOPPED" && is_healthy(t, in.service.has_load_balancers, in.now, in.timings);
    }));
  }

  int live_of(const std::string& deployment_id) const {
    return static_cast<int>(std::count_if(in.tasks.begin(), in.tasks.end(), [&](const Task& t) {
      return t.deployment_id == deployment_id && t.last_status != "STOPPED" && t.desired_status != "STOPPED";
    }));
  }
};

bool has_event(const Plan& p, const std::string& message) {
  return std::find(p.events.begin(), p.events.end(), message) != p.events.end();
}

bool stops_task(const Plan& p, const std::string& id) {
  return std::any_of(p.stops.begin(), p.stops.end(), [&](const TaskStop& s) { return s.task_id == id; });
}

const Deployment* find_deployment(const Plan& p, const std::string& id) {
  for (const auto& d : p.deployments)
    if (d.id == id) return &d;
  return nullptr;
}

// A service in steady state on ecs-svc/1 (COMPLETED) with `desired` healthy tasks, and a new PRIMARY
// deployment ecs-svc/2 just created.
World rolling_update(int desired, int min_percent, int max_percent) {
  World w(desired, min_percent, max_percent);
  w.deployment("ecs-svc/1", "ACTIVE", "COMPLETED", seconds(3600));
  w.deployment("ecs-svc/2", "PRIMARY", "IN_PROGRESS");
  for (int i = 0; i < desired; ++i) w.task("old" + std::to_string(i), "ecs-svc/1");
  return w;
}

}  // namespace

TEST_SUITE("ecs.deployment_planner") {
  TEST_CASE("bounds: floor for maximumPercent, ceil for minimumHealthyPercent") {
    CHECK(max_tasks(4, 200) == 8);
    CHECK(min_healthy_tasks(4, 50) == 2);
    CHECK(min_healthy_tasks(2, 75) == 2);  // 1.5 rounds up: nothing can be stopped first
    CHECK(max_tasks(3, 125) == 3);         // 3.75 rounds down: nothing extra can be started
    CHECK(min_healthy_tasks(3, 100) == 3);
    CHECK(max_tasks(5, 150) == 7);
    CHECK(min_healthy_tasks(5, 50) == 3);
    CHECK(max_tasks(0, 200) == 0);
    CHECK(min_healthy_tasks(0, 100) == 0);
  }

  TEST_CASE("circuit breaker threshold is clamp(ceil(D/2), 3, 200)") {
    CHECK(circuit_breaker_threshold(0) == 3);
    CHECK(circuit_breaker_threshold(1) == 3);
    CHECK(circuit_breaker_threshold(6) == 3);
    CHECK(circuit_breaker_threshold(7) == 4);
    CHECK(circuit_breaker_threshold(10) == 5);
    CHECK(circuit_breaker_threshold(399) == 200);
    CHECK(circuit_breaker_threshold(5000) == 200);
  }

  TEST_CASE("healthy: with a load balancer the target must be healthy in every target group") {
    Timings timings;
    Task t;
    t.last_status = "RUNNING";
    t.started_at = kT0;
    CHECK_FALSE(is_healthy(t, true, kT0 + seconds(100), timings));  // not registered yet
    t.targets = {{kTg, 80, HealthState::Initial, ""}};
    CHECK_FALSE(is_healthy(t, true, kT0 + seconds(100), timings));
    t.targets[0].state = HealthState::Healthy;
    CHECK(is_healthy(t, true, kT0, timings));  // no settle time with a load balancer
    t.targets.push_back({kTg + "2", 80, HealthState::Unhealthy, ""});
    CHECK_FALSE(is_healthy(t, true, kT0, timings));
    t.targets[1].state = HealthState::Healthy;
    CHECK(is_healthy(t, true, kT0, timings));
    SUBCASE("and the container health HEALTHY when an essential container has a health check") {
      t.container_health = ContainerHealth::Unknown;
      CHECK_FALSE(is_healthy(t, true, kT0, timings));
      t.container_health = ContainerHealth::Healthy;
      CHECK(is_healthy(t, true, kT0, timings));
    }
    SUBCASE("and RUNNING") {
      t.last_status = "ACTIVATING";
      CHECK_FALSE(is_healthy(t, true, kT0, timings));
    }
  }

  TEST_CASE("healthy without a load balancer: container health, else 40 s after RUNNING") {
    Timings timings;
    Task t;
    t.last_status = "RUNNING";
    t.started_at = kT0;
    CHECK_FALSE(is_healthy(t, false, kT0 + seconds(39), timings));
    CHECK(is_healthy(t, false, kT0 + seconds(40), timings));
    t.container_health = ContainerHealth::Unknown;
    CHECK_FALSE(is_healthy(t, false, kT0 + seconds(400), timings));
    t.container_health = ContainerHealth::Healthy;
    CHECK(is_healthy(t, false, kT0 + seconds(1), timings));
    t.container_health = ContainerHealth::Unhealthy;
    CHECK_FALSE(is_healthy(t, false, kT0 + seconds(400), timings));
  }

  TEST_CASE("unhealthy only past the grace period, measured from startedAt") {
    Service s;
    s.has_load_balancers = true;
    s.health_check_grace_period_seconds = 60;
    Task t;
    t.last_status = "RUNNING";
    t.started_at = kT0;
    t.targets = {{kTg, 80, HealthState::Unhealthy, "Health checks failed"}};
    CHECK_FALSE(unhealthy_reason(t, s, kT0 + seconds(59)));
    REQUIRE(unhealthy_reason(t, s, kT0 + seconds(60)));
    CHECK(*unhealthy_reason(t, s, kT0 + seconds(60)) == "Task failed ELB health checks in (target-group " + kTg + ")");
    t.targets[0].state = HealthState::Initial;
    CHECK_FALSE(unhealthy_reason(t, s, kT0 + seconds(600)));
    t.targets[0].state = HealthState::Draining;
    CHECK_FALSE(unhealthy_reason(t, s, kT0 + seconds(600)));
    t.container_health = ContainerHealth::Unhealthy;
    REQUIRE(unhealthy_reason(t, s, kT0 + seconds(600)));
    CHECK(*unhealthy_reason(t, s, kT0 + seconds(600)) == "Task failed container health checks");
    CHECK_FALSE(unhealthy_reason(t, s, kT0 + seconds(30)));  // the grace covers container health too
  }

  TEST_CASE("D=4, min 50, max 200: stops 2 old tasks first and starts 4 new ones") {
    World w = rolling_update(4, 50, 200);
    Plan p = w.run();
    CHECK(p.stops.size() == 2);
    CHECK(p.launches.size() == 4);
    for (const auto& l : p.launches) {
      CHECK(l.deployment_id == "ecs-svc/2");
      CHECK(l.task_definition == w.dep("ecs-svc/2")->task_definition);
    }
    for (const auto& s : p.stops) {
      CHECK(s.stop_code == "ServiceSchedulerInitiated");
      CHECK(s.stopped_reason == "Scaling activity initiated by (deployment ecs-svc/2)");
    }
    CHECK(has_event(p, "(service web) has started 4 tasks: (task new1) (task new2) (task new3) (task new4)."));
    CHECK(p.events.front().starts_with("(service web) has stopped 2 running tasks: "));
    const Deployment* old = find_deployment(p, "ecs-svc/1");
    REQUIRE(old != nullptr);
    CHECK(old->desired_count == 2);
    CHECK(find_deployment(p, "ecs-svc/2")->pending_count == 4);
  }

  TEST_CASE("D=4, min 100, max 200: starts 4 new before stopping any") {
    World w = rolling_update(4, 100, 200);
    Plan p = w.run();
    CHECK(p.stops.empty());
    CHECK(p.launches.size() == 4);
  }

  TEST_CASE("D=2, min 75: cannot stop any first") {
    World w = rolling_update(2, 75, 200);
    Plan p = w.run();
    CHECK(p.stops.empty());
    CHECK(p.launches.size() == 2);
  }

  TEST_CASE("D=3, max 125: cannot start any extra; with min 100 the deployment is stuck") {
    World w = rolling_update(3, 100, 125);
    Plan p = w.run();
    CHECK(p.stops.empty());
    CHECK(p.launches.empty());
    CHECK(p.events == std::vector<std::string>{events::deployment_stuck("web")});
    SUBCASE("the stuck event is not repeated while it is the newest event") {
      w.apply(p);
      w.advance(seconds(60));
      CHECK(w.run().events.empty());
      w.in.now += seconds(6 * 3600);
      CHECK(w.run().events == std::vector<std::string>{events::deployment_stuck("web")});
    }
    SUBCASE("with min 66 one old task can go first") {
      w.in.service.deployment_configuration.minimum_healthy_percent = 66;
      Plan q = w.run();
      CHECK(q.stops.size() == 1);
      CHECK(q.launches.size() == 1);
    }
  }

  TEST_CASE("D=2, min 75, max 100: stuck") {
    World w = rolling_update(2, 75, 100);
    Plan p = w.run();
    CHECK(p.stops.empty());
    CHECK(p.launches.empty());
    CHECK(has_event(p, events::deployment_stuck("web")));
  }

  TEST_CASE("old tasks are stopped only after their replacements are healthy (100/200)") {
    World w = rolling_update(1, 100, 200);
    Plan p = w.run();
    REQUIRE(p.launches.size() == 1);
    w.apply(p);
    w.advance(seconds(10));  // new1 RUNNING, target initial
    p = w.run();
    CHECK(p.stops.empty());
    CHECK(p.launches.empty());
    CHECK(p.events.empty());  // waiting on a starting task is not "stuck"
    w.apply(p);
    w.advance(seconds(10));  // new1 healthy
    p = w.run();
    REQUIRE(p.stops.size() == 1);
    CHECK(p.stops[0].task_id == "old0");
    CHECK(p.events == std::vector<std::string>{"(service web) has stopped 1 running tasks: (task old0)."});
    CHECK(find_deployment(p, "ecs-svc/2")->rollout_state == "IN_PROGRESS");
    w.apply(p);
    w.advance(seconds(10));  // old0 draining
    p = w.run();
    CHECK(p.stops.empty());
    CHECK(find_deployment(p, "ecs-svc/2")->rollout_state == "IN_PROGRESS");  // waits for the drain
    w.apply(p);
    w.advance(seconds(10));  // old0 STOPPED
    p = w.run();
    CHECK(p.acknowledged == std::vector<std::string>{"old0"});
    CHECK(p.steady);
    CHECK(p.dropped_deployments == std::vector<std::string>{"ecs-svc/1"});
    REQUIRE(p.deployments.size() == 1);
    CHECK(p.deployments[0].rollout_state == "COMPLETED");
    CHECK(p.deployments[0].rollout_state_reason == "ECS deployment ecs-svc/2 completed.");
    CHECK(p.deployments[0].running_count == 1);
    CHECK(p.events == std::vector<std::string>{"(service web) (deployment ecs-svc/2) deployment completed.",
                                               "(service web) has reached a steady state."});
    CHECK(p.launches.empty());  // a scheduler stop is not a failure to replace
  }

  TEST_CASE("steady state is announced once, then again after about 6 hours") {
    World w(2, 100, 200);
    w.deployment("ecs-svc/1", "PRIMARY", "COMPLETED", seconds(7200));
    w.task("a", "ecs-svc/1");
    w.task("b", "ecs-svc/1");
    Plan p = w.run();
    CHECK(p.steady);
    CHECK(p.events == std::vector<std::string>{events::steady_state("web")});
    w.apply(p);
    w.in.now += seconds(3600);
    CHECK(w.run().events.empty());
    w.in.now += seconds(5 * 3600);
    CHECK(w.run().events == std::vector<std::string>{events::steady_state("web")});
    SUBCASE("another event in between brings it back at once") {
      w.in.now = kT0 + seconds(60);
      w.in.service.recent_events.insert(w.in.service.recent_events.begin(),
                                        {events::targets_registered("web", 1, kTg), w.in.now});
      CHECK(w.run().events == std::vector<std::string>{events::steady_state("web")});
    }
  }

  TEST_CASE("desiredCount changes without a new deployment") {
    World w(2, 100, 200);
    w.deployment("ecs-svc/1", "PRIMARY", "COMPLETED", seconds(7200));
    w.task("a", "ecs-svc/1", HealthState::Healthy, seconds(600), "us-east-1a");
    w.task("b", "ecs-svc/1", HealthState::Healthy, seconds(500), "us-east-1a");
    w.task("c", "ecs-svc/1", HealthState::Healthy, seconds(400), "us-east-1a");
    w.task("d", "ecs-svc/1", HealthState::Healthy, seconds(300), "us-east-1b");
    SUBCASE("scale in stops the surplus, balancing availability zones") {
      Plan p = w.run();
      REQUIRE(p.stops.size() == 2);
      // us-east-1a holds 3 of 4 and still 2 of 3 after the first stop: both stops come from it, newest first.
      CHECK(p.stops[0].task_id == "c");
      CHECK(p.stops[1].task_id == "b");
      CHECK(p.stops[0].stopped_reason == "Scaling activity initiated by (deployment ecs-svc/1)");
      CHECK(p.launches.empty());
      CHECK(p.deployments.size() == 1);
      CHECK(p.created_deployment.empty());
      CHECK(p.deployments[0].rollout_state == "COMPLETED");
    }
    SUBCASE("scale out starts the missing tasks, up to maximumPercent of the new count") {
      w.in.service.desired_count = 10;
      Plan p = w.run();
      CHECK(p.launches.size() == 6);
      CHECK(p.stops.empty());
      CHECK(p.deployments[0].desired_count == 10);
    }
    SUBCASE("scale to zero") {
      w.in.service.desired_count = 0;
      Plan p = w.run();
      CHECK(p.stops.size() == 4);
    }
    SUBCASE("pending tasks are stopped before running ones") {
      w.in.service.desired_count = 4;
      w.pending_task("p1", "ecs-svc/1");
      w.in.service.desired_count = 4;
      Plan p = w.run();
      REQUIRE(p.stops.size() == 1);
      CHECK(p.stops[0].task_id == "p1");
      CHECK(p.events == std::vector<std::string>{"(service web) stopped 1 pending tasks."});
    }
  }

  TEST_CASE("a task that stopped on its own is replaced") {
    World w(2, 100, 200);
    w.deployment("ecs-svc/1", "PRIMARY", "COMPLETED", seconds(7200));
    w.task("a", "ecs-svc/1");
    Task& b = w.task("b", "ecs-svc/1");
    b.last_status = "STOPPED";
    b.desired_status = "STOPPED";
    b.stop_code = "EssentialContainerExited";
    Plan p = w.run();
    CHECK(p.acknowledged == std::vector<std::string>{"b"});
    CHECK(p.launches.size() == 1);
    CHECK(p.deployments[0].failed_tasks == 0);  // a COMPLETED deployment is not evaluated
    w.apply(p);
    CHECK(w.run().acknowledged.empty());  // acknowledged tasks are not counted twice
  }

  TEST_CASE("unhealthy task past the grace period: replacement first, then the stop") {
    World w(1, 100, 200);
    w.in.service.health_check_grace_period_seconds = 60;
    w.deployment("ecs-svc/1", "PRIMARY", "COMPLETED", seconds(7200));
    Task& a = w.task("a", "ecs-svc/1", HealthState::Unhealthy, seconds(30));
    a.targets[0].description = "Health checks failed with these codes: [503]";
    Plan p = w.run();
    CHECK(p.launches.empty());  // inside the grace period
    CHECK(p.stops.empty());
    w.in.now += seconds(31);
    p = w.run();
    REQUIRE(p.launches.size() == 1);
    CHECK(p.stops.empty());
    CHECK(p.events == std::vector<std::string>{"(service web) has started 1 tasks: (task new1). Amazon ECS "
                                               "replaced 1 tasks due to an unhealthy status."});
    w.apply(p);
    w.advance(seconds(10));
    p = w.run();
    CHECK(p.launches.empty());  // replacement already under way
    CHECK(p.stops.empty());
    w.apply(p);
    w.advance(seconds(10));  // new1 healthy
    p = w.run();
    REQUIRE(p.stops.size() == 1);
    CHECK(p.stops[0].task_id == "a");
    CHECK(p.stops[0].stopped_reason == "Task failed ELB health checks in (target-group " + kTg + ")");
    CHECK(p.events ==
          std::vector<std::string>{"(service web) (task a) (port 8080) is unhealthy in (target-group " + kTg +
                                       ") due to (reason Health checks failed with these codes: [503]).",
                                   "(service web) has stopped 1 running tasks: (task a)."});
  }

  TEST_CASE("unhealthy task with no room under maximumPercent is stopped first, then replaced") {
    World w(2, 50, 100);
    w.deployment("ecs-svc/1", "PRIMARY", "COMPLETED", seconds(7200));
    w.task("a", "ecs-svc/1", HealthState::Unhealthy);
    w.task("b", "ecs-svc/1", HealthState::Unhealthy);
    Plan p = w.run();
    CHECK(p.stops.size() == 1);  // one by one
    CHECK(p.launches.size() == 1);
    CHECK(p.stops[0].task_id == "a");
  }

  TEST_CASE("container health check failure") {
    World w(1, 0, 100, false);
    w.deployment("ecs-svc/1", "PRIMARY", "COMPLETED", seconds(7200));
    w.task("a", "ecs-svc/1").container_health = ContainerHealth::Unhealthy;
    Plan p = w.run();
    REQUIRE(p.stops.size() == 1);
    CHECK(p.stops[0].stopped_reason == "Task failed container health checks");
    CHECK(p.launches.size() == 1);
    CHECK(p.events.front() == "(service web) (task a) failed container health checks.");
  }

  TEST_CASE("circuit breaker: tasks failing to start fail the deployment and roll back") {
    World w = rolling_update(2, 100, 200);
    w.in.service.deployment_configuration.circuit_breaker = {true, true};
    auto fail_one = [&](const std::string& id) {
      Task& t = w.pending_task(id, "ecs-svc/2");
      t.last_status = "STOPPED";
      t.desired_status = "STOPPED";
      t.stop_code = "TaskFailedToStart";
    };
    fail_one("f1");
    fail_one("f2");
    Plan p = w.run();
    CHECK(find_deployment(p, "ecs-svc/2")->failed_tasks == 2);
    CHECK(find_deployment(p, "ecs-svc/2")->rollout_state == "IN_PROGRESS");
    w.apply(p);
    fail_one("f3");
    p = w.run();
    const Deployment* failed = find_deployment(p, "ecs-svc/2");
    REQUIRE(failed != nullptr);
    CHECK(failed->failed_tasks == 3);
    CHECK(failed->rollout_state == "FAILED");
    CHECK(failed->status == "ACTIVE");
    CHECK(failed->rollout_state_reason == "ECS deployment circuit breaker: tasks failed to start.");
    CHECK(p.created_deployment == "ecs-svc/rollback1");
    const Deployment* rollback = find_deployment(p, "ecs-svc/rollback1");
    REQUIRE(rollback != nullptr);
    CHECK(rollback->status == "PRIMARY");
    CHECK(rollback->rollout_state == "IN_PROGRESS");
    CHECK(rollback->task_definition == w.dep("ecs-svc/1")->task_definition);
    CHECK(rollback->rollout_state_reason == "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.");
    CHECK(p.deployments.front().id == "ecs-svc/rollback1");  // newest first
    // Three tasks in a row that never reached RUNNING also start the launch throttle.
    CHECK(p.events ==
          std::vector<std::string>{"(service web) is unable to consistently start tasks successfully.",
                                   "(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.",
                                   "(service web) rolling back to deployment ecs-svc/1.",
                                   "(service web) stopped 2 pending tasks.",
                                   "(service web) has started 2 tasks: (task new3) (task new4)."});
    for (const auto& l : p.launches) CHECK(l.deployment_id == "ecs-svc/rollback1");
    CHECK(p.launches.size() == 2);
    // The failed deployment's own (pending) tasks are replaced; the old healthy tasks stay (min 100%).
    REQUIRE(p.stops.size() == 2);
    CHECK(p.stops[0].task_id == "new1");
    CHECK(p.stops[1].task_id == "new2");
    CHECK(p.stops[0].stopped_reason == "Scaling activity initiated by (deployment ecs-svc/rollback1)");
  }

  TEST_CASE("a failing rollback does not roll back again: its target left COMPLETED") {
    World w = rolling_update(2, 100, 200);
    w.in.service.deployment_configuration.circuit_breaker = {true, true};
    w.in.deployments[1].failed_tasks = 2;
    Task& t = w.pending_task("f", "ecs-svc/2");
    t.last_status = "STOPPED";
    t.desired_status = "STOPPED";
    t.stop_code = "TaskFailedToStart";
    Plan p = w.run();
    REQUIRE(p.created_deployment == "ecs-svc/rollback1");
    CHECK(find_deployment(p, "ecs-svc/1")->rollout_state == "IN_PROGRESS");
    w.apply(p);
    w.in.deployments.front().failed_tasks = 2;  // the rollback deployment fails too
    REQUIRE(w.in.deployments.front().id == "ecs-svc/rollback1");
    Task& u = w.pending_task("g", "ecs-svc/rollback1");
    u.last_status = "STOPPED";
    u.desired_status = "STOPPED";
    u.stop_code = "TaskFailedToStart";
    Plan q = w.run();
    CHECK(find_deployment(q, "ecs-svc/rollback1")->rollout_state == "FAILED");
    CHECK(q.created_deployment.empty());
    CHECK(find_deployment(q, "ecs-svc/rollback1")->status == "PRIMARY");  // stalled
    CHECK(q.launches.empty());
  }

  TEST_CASE("circuit breaker without rollback: the deployment fails and stalls") {
    World w = rolling_update(2, 100, 200);
    w.in.service.deployment_configuration.circuit_breaker = {true, false};
    w.dep("ecs-svc/2");
    w.in.deployments[1].failed_tasks = 2;
    Task& t = w.pending_task("f3", "ecs-svc/2");
    t.last_status = "STOPPED";
    t.desired_status = "STOPPED";
    t.stop_code = "EssentialContainerExited";
    Plan p = w.run();
    CHECK(find_deployment(p, "ecs-svc/2")->rollout_state == "FAILED");
    CHECK(find_deployment(p, "ecs-svc/2")->status == "PRIMARY");
    CHECK(p.launches.empty());
    CHECK(p.stops.empty());
    CHECK(p.events ==
          std::vector<std::string>{"(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start."});
    w.apply(p);
    Plan q = w.run();
    CHECK(q.launches.empty());
    CHECK(q.events.empty());
  }

  TEST_CASE("circuit breaker: a healthy task resets failedTasks and ends the evaluation") {
    World w = rolling_update(2, 100, 200);
    w.in.service.deployment_configuration.circuit_breaker = {true, true};
    w.in.deployments[1].failed_tasks = 2;
    w.task("n1", "ecs-svc/2");
    Task& t = w.pending_task("f", "ecs-svc/2");
    t.last_status = "STOPPED";
    t.desired_status = "STOPPED";
    t.stop_code = "TaskFailedToStart";
    Plan p = w.run();
    const Deployment* d = find_deployment(p, "ecs-svc/2");
    CHECK(d->failed_tasks == 0);
    CHECK(d->had_healthy_task);
    CHECK(d->rollout_state == "IN_PROGRESS");
  }

  TEST_CASE("circuit breaker stage 2: tasks stopped for failed health checks count") {
    World w = rolling_update(1, 100, 200);
    w.in.service.deployment_configuration.circuit_breaker = {true, true};
    w.task("bad1", "ecs-svc/2", HealthState::Unhealthy);
    // old0 + bad1 fill max (2): no room, so bad1 is stopped and counted, and a new task starts.
    Plan p = w.run();
    CHECK(stops_task(p, "bad1"));
    CHECK(find_deployment(p, "ecs-svc/2")->failed_tasks == 1);
    CHECK(p.launches.size() == 1);
    SUBCASE("at the threshold the deployment fails within the same plan and launches nothing of its own") {
      w.in.deployments[1].failed_tasks = 2;
      Plan q = w.run();
      CHECK(find_deployment(q, "ecs-svc/2")->rollout_state == "FAILED");
      REQUIRE(!q.created_deployment.empty());
      for (const auto& l : q.launches) CHECK(l.deployment_id != "ecs-svc/2");
    }
  }

  TEST_CASE("user-initiated stops are not failures") {
    World w = rolling_update(2, 100, 200);
    w.in.service.deployment_configuration.circuit_breaker = {true, true};
    Task& t = w.task("n1", "ecs-svc/2", HealthState::Initial);
    t.last_status = "STOPPED";
    t.desired_status = "STOPPED";
    t.stop_code = "UserInitiated";
    Plan p = w.run();
    CHECK(find_deployment(p, "ecs-svc/2")->failed_tasks == 0);
  }

  TEST_CASE("throttle: tasks that never reach RUNNING slow down launches") {
    World w(1, 100, 200);
    w.deployment("ecs-svc/1", "PRIMARY", "IN_PROGRESS");
    for (int i = 1; i <= 3; ++i) {
      Task& t = w.pending_task("f" + std::to_string(i), "ecs-svc/1");
      t.last_status = "STOPPED";
      t.desired_status = "STOPPED";
      t.stop_code = "TaskFailedToStart";
      Plan p = w.run();
      if (i < 3) {
        CHECK(p.launches.size() == 1);
        CHECK_FALSE(p.deployments[0].launch_not_before);
      } else {
        CHECK(p.launches.empty());
        REQUIRE(p.deployments[0].launch_not_before);
        CHECK(*p.deployments[0].launch_not_before == w.in.now + seconds(15));
        CHECK(p.events == std::vector<std::string>{events::unable_to_start_consistently("web")});
      }
      p.launches.clear();  // the simulated launch fails right away: the next iteration adds its STOPPED task
      w.apply(p);
    }
    w.in.now += seconds(14);
    CHECK(w.run().launches.empty());
    w.in.now += seconds(1);
    Plan p = w.run();
    CHECK(p.launches.size() == 1);
    CHECK(p.events.front().starts_with("(service web) has started 1 tasks"));
    SUBCASE("the delay doubles and is capped at throttle_max") {
      w.apply(p);
      w.in.tasks.back().last_status = "STOPPED";
      w.in.tasks.back().desired_status = "STOPPED";
      w.in.tasks.back().stop_code = "TaskFailedToStart";
      Plan q = w.run();
      CHECK(*q.deployments[0].launch_not_before == w.in.now + seconds(30));
      w.in.deployments = q.deployments;
      w.in.deployments[0].consecutive_start_failures = 40;
      w.in.tasks.back().acknowledged = false;
      Plan r = w.run();
      CHECK(*r.deployments[0].launch_not_before == w.in.now + seconds(27 * 60));
    }
    SUBCASE("a RUNNING task ends the throttle") {
      w.task("ok", "ecs-svc/1", HealthState::Initial);
      Plan q = w.run();
      CHECK(q.deployments[0].consecutive_start_failures == 0);
      CHECK_FALSE(q.deployments[0].launch_not_before);
    }
  }

  TEST_CASE("completion requires every PRIMARY task healthy and no other deployment's tasks") {
    World w(2, 100, 200);
    w.deployment("ecs-svc/2", "PRIMARY", "IN_PROGRESS");
    w.task("a", "ecs-svc/2");
    w.task("b", "ecs-svc/2", HealthState::Initial);
    Plan p = w.run();
    CHECK_FALSE(p.steady);
    CHECK(p.deployments[0].rollout_state == "IN_PROGRESS");
    w.find("b")->targets[0].state = HealthState::Healthy;
    p = w.run();
    CHECK(p.steady);
    CHECK(p.deployments[0].rollout_state == "COMPLETED");
    SUBCASE("D = 0 completes with no tasks") {
      World z(0, 100, 200);
      z.deployment("ecs-svc/3", "PRIMARY", "IN_PROGRESS");
      Plan q = z.run();
      CHECK(q.steady);
      CHECK(q.deployments[0].rollout_state == "COMPLETED");
    }
  }

  TEST_CASE("without a load balancer, RUNNING tasks count as healthy after 40 s") {
    World w(1, 100, 200, false);
    w.deployment("ecs-svc/1", "ACTIVE", "COMPLETED", seconds(3600));
    w.deployment("ecs-svc/2", "PRIMARY", "IN_PROGRESS");
    w.task("old", "ecs-svc/1");
    w.task("new", "ecs-svc/2", HealthState::Healthy, seconds(39));
    CHECK(w.run().stops.empty());
    w.in.now += seconds(1);
    Plan p = w.run();
    CHECK(stops_task(p, "old"));
  }

  TEST_CASE("a second deployment during a rolling update: the oldest deployment's tasks go first") {
    World w(2, 50, 200);
    w.deployment("ecs-svc/1", "ACTIVE", "COMPLETED", seconds(3600));
    w.deployment("ecs-svc/2", "ACTIVE", "IN_PROGRESS", seconds(60));
    w.deployment("ecs-svc/3", "PRIMARY", "IN_PROGRESS");
    w.task("one", "ecs-svc/1");
    w.task("two", "ecs-svc/2");
    Plan p = w.run();
    REQUIRE(p.stops.size() == 1);  // min 50% of 2 = 1 healthy must stay
    CHECK(p.stops[0].task_id == "one");
    CHECK(p.launches.size() == 2);
  }

  TEST_CASE("simulated rolling updates keep the bounds at every step until COMPLETED") {
    struct Case {
      int desired, min, max;
    };
    for (Case c : {Case{4, 100, 200}, Case{4, 50, 200}, Case{4, 50, 100}, Case{4, 0, 100}, Case{5, 100, 150},
                   Case{3, 66, 125}, Case{1, 100, 200}, Case{1, 0, 100}, Case{10, 90, 110}, Case{6, 100, 117}}) {
      CAPTURE(c.desired);
      CAPTURE(c.min);
      CAPTURE(c.max);
      World w = rolling_update(c.desired, c.min, c.max);
      const int cap = max_tasks(c.desired, c.max), floor_healthy = min_healthy_tasks(c.desired, c.min);
      bool completed = false;
      int steps = 0;
      for (; steps < 200 && !completed; ++steps) {
        Plan p = w.run();
        w.apply(p);
        CHECK(w.live() <= cap);
        CHECK(w.healthy() >= floor_healthy);
        CHECK_FALSE(has_event(p, events::deployment_stuck("web")));
        completed = p.steady && p.deployments.size() == 1 && p.deployments[0].rollout_state == "COMPLETED";
        w.advance(seconds(10));
      }
      CHECK(completed);
      CHECK(w.live_of("ecs-svc/2") == c.desired);
      CHECK(w.live_of("ecs-svc/1") == 0);
      CHECK(w.in.deployments.size() == 1);
      CHECK(w.in.deployments[0].id == "ecs-svc/2");
      CHECK(w.in.service.recent_events.front().message == "(service web) has reached a steady state.");
      CHECK(w.in.service.recent_events[1].message == "(service web) (deployment ecs-svc/2) deployment completed.");
    }
  }

  TEST_CASE("simulated rolling updates without a load balancer: settle time or container health checks") {
    for (Health mode : {Health::Settle, Health::ContainerCheck}) {
      CAPTURE(static_cast<int>(mode));
      World w(3, 100, 200, false);
      w.health = mode;
      w.deployment("ecs-svc/1", "ACTIVE", "COMPLETED", seconds(3600));
      w.deployment("ecs-svc/2", "PRIMARY", "IN_PROGRESS");
      for (int i = 0; i < 3; ++i) {
        Task& t = w.task("old" + std::to_string(i), "ecs-svc/1");
        if (mode == Health::ContainerCheck) t.container_health = ContainerHealth::Healthy;
      }
      bool completed = false;
      int steps = 0;
      for (; steps < 100 && !completed; ++steps) {
        Plan p = w.run();
        w.apply(p);
        CHECK(w.live() <= 6);
        CHECK(w.healthy() >= 3);
        completed = p.steady && p.deployments.size() == 1;
        w.advance(seconds(10));
      }
      CHECK(completed);
      // launch, RUNNING, healthy (40 s of settling versus one 10 s step), stop old, drain, STOPPED + complete
      CHECK(steps == (mode == Health::Settle ? 8 : 5));
    }
  }

  TEST_CASE("simulated service creation, then scale out and in") {
    World w(3, 100, 200);
    w.deployment("ecs-svc/1", "PRIMARY", "IN_PROGRESS");
    auto settle = [&](int target_live) {
      bool steady = false;
      for (int i = 0; i < 50 && !steady; ++i) {
        Plan p = w.run();
        w.apply(p);
        CHECK(w.live() <= max_tasks(w.in.service.desired_count, 200));
        steady = p.steady;
        if (!steady) w.advance(seconds(10));
      }
      CHECK(steady);
      CHECK(w.live() == target_live);
      CHECK(w.in.deployments.size() == 1);
      CHECK(w.in.deployments[0].rollout_state == "COMPLETED");
      CHECK(w.in.deployments[0].running_count == target_live);
    };
    settle(3);
    CHECK(w.in.service.recent_events[1].message == "(service web) (deployment ecs-svc/1) deployment completed.");
    w.in.service.desired_count = 7;
    settle(7);
    w.in.service.desired_count = 2;
    settle(2);
    CHECK(w.in.service.recent_events.front().message == "(service web) has reached a steady state.");
  }

  TEST_CASE("simulated failing deployment: the circuit breaker trips on health checks and rolls back") {
    World w = rolling_update(2, 100, 200);
    w.in.service.deployment_configuration.circuit_breaker = {true, true};
    w.bad_task_definitions = {w.dep("ecs-svc/2")->task_definition};
    bool completed = false;
    bool failed_seen = false;
    for (int steps = 0; steps < 100 && !completed; ++steps) {
      Plan p = w.run();
      w.apply(p);
      CHECK(w.live() <= 4);
      CHECK(w.healthy() >= 2);  // the old tasks keep serving throughout
      failed_seen =
          failed_seen || has_event(p, "(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.");
      completed = p.steady && p.deployments.size() == 1;
      w.advance(seconds(10));
    }
    CHECK(failed_seen);
    REQUIRE(completed);
    CHECK(w.in.deployments[0].id == "ecs-svc/rollback1");
    CHECK(w.in.deployments[0].task_definition == "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1");
    CHECK(w.in.deployments[0].rollout_state == "COMPLETED");
    CHECK(w.live_of("ecs-svc/rollback1") == 2);
    bool unhealthy_event =
        std::any_of(w.in.service.recent_events.begin(), w.in.service.recent_events.end(),
                    [](const ServiceEvent& e) { return e.message.find("is unhealthy in") != std::string::npos; });
    CHECK(unhealthy_event);
  }

  TEST_CASE("several target groups: every one must be healthy; the stop names the unhealthy one") {
    World w(1, 100, 200);
    w.deployment("ecs-svc/1", "PRIMARY", "COMPLETED", seconds(7200));
    Task& a = w.task("a", "ecs-svc/1");
    a.targets.push_back({kTg + "-api", 9090, HealthState::Unhealthy, "Request timed out"});
    CHECK_FALSE(is_healthy(a, true, w.in.now, w.in.timings));
    REQUIRE(unhealthy_reason(a, w.in.service, w.in.now));
    CHECK(*unhealthy_reason(a, w.in.service, w.in.now) ==
          "Task failed ELB health checks in (target-group " + kTg + "-api)");
    w.in.service.deployment_configuration.maximum_percent = 100;  // no room: stop first
    Plan p = w.run();
    REQUIRE(p.stops.size() == 1);
    CHECK(p.events.front() == "(service web) (task a) (port 9090) is unhealthy in (target-group " + kTg +
                                  "-api) due to (reason Request timed out).");
  }

  TEST_CASE("a new deployment is not throttled by the previous one's failures") {
    World w(1, 100, 200);
    Deployment& old = w.deployment("ecs-svc/1", "ACTIVE", "IN_PROGRESS", seconds(60));
    old.consecutive_start_failures = 5;
    old.launch_not_before = w.in.now + seconds(600);
    w.deployment("ecs-svc/2", "PRIMARY", "IN_PROGRESS");
    Plan p = w.run();
    CHECK(p.launches.size() == 1);
  }

  TEST_CASE("desiredCount lowered in the middle of a rolling update") {
    World w = rolling_update(4, 100, 200);
    for (int i = 0; i < 2; ++i) {
      w.apply(w.run());
      w.advance(seconds(10));
    }
    w.in.service.desired_count = 2;
    bool completed = false;
    for (int i = 0; i < 50 && !completed; ++i) {
      Plan p = w.run();
      w.apply(p);
      CHECK(w.live() <= 4);
      CHECK(w.healthy() >= 2);
      completed = p.steady && p.deployments.size() == 1;
      w.advance(seconds(10));
    }
    CHECK(completed);
    CHECK(w.live_of("ecs-svc/2") == 2);
  }

  TEST_CASE("deployment counts: ACTIVE desiredCount follows its remaining tasks; PRIMARY the service") {
    World w = rolling_update(2, 50, 200);
    w.pending_task("n1", "ecs-svc/2");
    Plan p = w.run();
    const Deployment* old = find_deployment(p, "ecs-svc/1");
    const Deployment* primary = find_deployment(p, "ecs-svc/2");
    REQUIRE(old != nullptr);
    REQUIRE(primary != nullptr);
    CHECK(p.stops.size() == 1);
    CHECK(old->desired_count == 1);
    CHECK(old->running_count == 2);  // the stopped one is RUNNING until it drains
    CHECK(primary->desired_count == 2);
    CHECK(primary->pending_count == 2);  // n1 and the launch
    CHECK(primary->updated_at == w.in.now);
    CHECK(p.deployments.front().id == "ecs-svc/2");
  }

  TEST_CASE("no primary deployment: the plan changes nothing") {
    World w(2, 100, 200);
    w.deployment("ecs-svc/1", "ACTIVE", "COMPLETED");
    Plan p = w.run();
    CHECK(p.launches.empty());
    CHECK(p.stops.empty());
    CHECK(p.deployments.size() == 1);
  }
}
