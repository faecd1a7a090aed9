#pragma once
// Keeps ECS services at their desired state, on the control thread. For each ACTIVE or DRAINING service it
// registers RUNNING tasks' targets in the service's target groups (through the in-process ELBv2 service),
// reads target and container health, runs the deployment planner and applies its plan: launches tasks,
// stops tasks (a task with targets is deregistered first and held in DEACTIVATING until its targets finished
// draining), stores the deployments and appends the events. Runs inside the caller's transaction when
// called from a handler, and from a periodic tick (and after task changes) in its own transactions.

#include <string>

#include "storage/resource_store.hpp"

namespace albatross::ecs {

class EcsService;

class ServiceScheduler {
 public:
  explicit ServiceScheduler(EcsService& ecs);

  // Starts the periodic tick.
  void start();
  // After /_albatross/reset cancelled every timer: forgets a cancelled poke and starts the tick again.
  void restart();
  // Asks for a tick soon (several requests collapse into one).
  void poke();
  // Reconciles one service now, inside the caller's transaction; stores the service.
  void reconcile(const storage::Scope& scope, storage::Resource& service);

 private:
  void tick();
  void schedule_periodic();
  void forget_old_stopped_tasks();

  EcsService& ecs_;
  bool tick_pending_ = false;
  bool ticking_ = false;
};

}  // namespace albatross::ecs
