#include "emulator/status_tree.hpp"

#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

namespace albatross {
namespace {

using Json = nlohmann::json;

class Tree {
 public:
  explicit Tree(TreeStyle style) : style_(style) {}

  std::string paint(const std::string& text, const char* code) const {
    return style_.colour ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
  }
  std::string bold(const std::string& text) const { return paint(text, "1"); }
  std::string dim(const std::string& text) const { return paint(text, "2"); }

  // Colour by meaning: green = fine, yellow = in between, red = broken.
  std::string state(const std::string& text) const {
    static const std::set<std::string> kGood = {"healthy",   "active",  "RUNNING", "HEALTHY",
                                                "COMPLETED", "PRIMARY", "ACTIVE"};
    static const std::set<std::string> kBad = {"unhealthy", "failed", "STOPPED", "UNHEALTHY", "FAILED", "unavailable"};
    if (kGood.contains(text)) return paint(text, "32");
    if (kBad.contains(text)) return paint(text, "31");
    return paint(text, "33");
  }

  void line(const std::string& prefix, bool last, const std::string& text) {
    out_ << prefix << (last ? "└─ " : "├─ ") << text << "\n";
  }
  static std::string child_prefix(const std::string& prefix, bool last) { return prefix + (last ? "   " : "│  "); }
  std::ostringstream& out() { return out_; }

 private:
  TreeStyle style_;
  std::ostringstream out_;
};

std::string str(const Json& object, const char* key) {
  if (!object.contains(key)) return "";
  const Json& value = object[key];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string clock_time(double epoch) {
  const std::time_t seconds = static_cast<std::time_t>(epoch);
  std::tm local{};
  localtime_r(&seconds, &local);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%H:%M:%S", &local);
  return buffer;
}

std::vector<std::string> forwarded_groups(const Json& rule) {
  std::vector<std::string> arns;
  for (const auto& action : rule.value("actions", Json::array())) {
    if (action.value("Type", "") != "forward") continue;
    const Json groups = action.value("ForwardConfig", Json::object()).value("TargetGroups", Json::array());
    for (const auto& group : groups) arns.push_back(group.value("TargetGroupArn", ""));
    if (groups.empty() && action.contains("TargetGroupArn")) arns.push_back(action["TargetGroupArn"]);
  }
  return arns;
}

void draw_targets(Tree& tree, const std::string& prefix, const Json& group) {
  const Json targets = group.value("targets", Json::array());
  if (targets.empty()) tree.line(prefix, true, tree.dim("(no registered targets)"));
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Json& target = targets[i];
    const bool last = i + 1 == targets.size();
    std::string text = str(target, "id") + ":" + str(target, "port") + "  " + tree.state(str(target, "state"));
    if (target.contains("reason")) text += "  " + str(target, "reason");
    if (target.contains("description")) text += tree.dim(" — " + str(target, "description"));
    tree.line(prefix, last, text);
    if (target.contains("task")) {
      const Json& task = target["task"];
      std::string about = "task " + str(task, "id").substr(0, 12) + " " + tree.state(str(task, "last_status"));
      if (task.contains("service")) about += "  service " + str(task, "service");
      about += "  health " + tree.state(str(task, "health_status"));
      if (task.contains("container")) {
        const Json& container = task["container"];
        about += "  container " + str(container, "name") + " " + tree.state(str(container, "last_status"));
      }
      tree.line(Tree::child_prefix(prefix, last), true, about);
    }
  }
}

void draw_group(Tree& tree, const std::string& prefix, bool last, const Json& group) {
  const Json check = group.value("health_check", Json::object());
  std::string text = "target group " + tree.bold(str(group, "name")) + "  " + str(group, "protocol") + ":" +
                     str(group, "port") + " " + str(group, "target_type");
  text +=
      tree.dim("  health check " + str(check, "protocol") + " " + str(check, "path") + " port " + str(check, "port"));
  tree.line(prefix, last, text);
  draw_targets(tree, Tree::child_prefix(prefix, last), group);
}

void draw_load_balancer(Tree& tree, const Json& lb, const std::map<std::string, Json>& groups) {
  tree.out() << "load balancer " << tree.bold(str(lb, "name")) << "  " << str(lb, "type") << ", " << str(lb, "scheme")
             << ", " << tree.state(str(lb, "state")) << tree.dim("  " + str(lb, "account_id") + " " + str(lb, "region"))
             << "\n";
  tree.out() << "│  " << tree.dim(str(lb, "dns_name") + " → " + str(lb, "address")) << "\n";
  const Json listeners = lb.value("listeners", Json::array());
  if (listeners.empty()) tree.line("", true, tree.dim("(no listeners)"));
  for (std::size_t l = 0; l < listeners.size(); ++l) {
    const Json& listener = listeners[l];
    const bool last_listener = l + 1 == listeners.size();
    std::string where;
    for (const auto& bound : listener.value("bound", Json::array())) {
      if (!where.empty()) where += ", ";
      where += str(bound, "port") == "0" ? "not listening" : str(bound, "address") + ":" + str(bound, "port");
      if (bound.contains("error")) where += " (" + str(bound, "error") + ")";
    }
    tree.line("", last_listener,
              "listener " + tree.bold(str(listener, "protocol") + ":" + str(listener, "port")) +
                  (where.empty() ? "" : "  listening on " + where));
    const std::string rule_prefix = Tree::child_prefix("", last_listener);
    if (listener.contains("certificates")) {
      std::string certificates;
      for (const auto& certificate : listener["certificates"])
        certificates += (certificates.empty() ? "" : ", ") + str(certificate, "domain") +
                        (certificate.value("is_default", false) ? " (default)" : "");
      tree.out() << rule_prefix << tree.dim("certificates " + certificates + " · " + str(listener, "ssl_policy"))
                 << "\n";
    }
    const Json rules = listener.value("rules", Json::array());
    for (std::size_t r = 0; r < rules.size(); ++r) {
      const Json& rule = rules[r];
      const bool last_rule = r + 1 == rules.size();
      std::string conditions;
      for (const auto& condition : rule.value("conditions_text", Json::array()))
        conditions += (conditions.empty() ? "" : " and ") + condition.get<std::string>();
      std::string actions;
      for (const auto& action : rule.value("actions_text", Json::array()))
        actions += (actions.empty() ? "" : "; ") + action.get<std::string>();
      tree.line(rule_prefix, last_rule,
                "rule " + tree.bold(str(rule, "priority")) + (conditions.empty() ? "" : "  if " + conditions) + "  → " +
                    actions);
      const auto arns = forwarded_groups(rule);
      for (std::size_t g = 0; g < arns.size(); ++g) {
        const auto found = groups.find(arns[g]);
        if (found != groups.end())
          draw_group(tree, Tree::child_prefix(rule_prefix, last_rule), g + 1 == arns.size(), found->second);
      }
    }
  }
}

void draw_service(Tree& tree, const Json& service) {
  tree.out() << "ECS service " << tree.bold(str(service, "name")) << "  cluster " << str(service, "cluster") << ", "
             << tree.state(str(service, "status")) << ", " << str(service, "running_count") << "/"
             << str(service, "desired_count") << " running, " << str(service, "pending_count") << " pending"
             << tree.dim("  " + str(service, "task_definition")) << "\n";
  for (const auto& deployment : service.value("deployments", Json::array())) {
    std::string text = "deployment " + str(deployment, "id") + "  " + tree.state(str(deployment, "status")) + " " +
                       tree.state(str(deployment, "rollout_state")) + "  " + str(deployment, "running_count") + "/" +
                       str(deployment, "desired_count") + " running, " + str(deployment, "pending_count") +
                       " pending, " + str(deployment, "failed_tasks") + " failed" +
                       tree.dim("  " + str(deployment, "task_definition"));
    tree.line("", false, text);
  }
  const Json tasks = service.value("tasks", Json::array());
  for (const auto& task : tasks) {
    std::string text = "task " + str(task, "id").substr(0, 12) + "  " + tree.state(str(task, "last_status")) +
                       " (desired " + str(task, "desired_status") + ")  health " +
                       tree.state(str(task, "health_status"));
    for (const auto& container : task.value("containers", Json::array()))
      text += "  [" + str(container, "name") + " " + tree.state(str(container, "last_status")) + "]";
    if (task.contains("stopped_reason")) text += tree.dim("  " + str(task, "stopped_reason"));
    tree.line("", false, text);
  }
  const Json events = service.value("events", Json::array());
  tree.line("", true, "events" + std::string(events.empty() ? " (none yet)" : ""));
  for (std::size_t i = 0; i < events.size() && i < 5; ++i)
    tree.out() << "   " << tree.dim(clock_time(events[i].value("created_at", 0.0))) << "  " << str(events[i], "message")
               << "\n";
}

}  // namespace

std::string render_status_tree(const Json& state, TreeStyle style) {
  Tree tree(style);
  std::map<std::string, Json> groups;
  for (const auto& group : state.value("target_groups", Json::array())) groups[str(group, "arn")] = group;
  const Json load_balancers = state.value("load_balancers", Json::array());
  const Json services = state.value("ecs_services", Json::array());
  if (load_balancers.empty() && groups.empty() && services.empty())
    tree.out() << "Nothing running yet: no load balancers, target groups or ECS services.\n";
  for (const auto& lb : load_balancers) {
    draw_load_balancer(tree, lb, groups);
    tree.out() << "\n";
  }
  std::vector<Json> unused;
  for (const auto& group : state.value("target_groups", Json::array()))
    if (group.value("load_balancer_arns", Json::array()).empty()) unused.push_back(group);
  if (!unused.empty()) tree.out() << "target groups not used by any load balancer\n";
  for (std::size_t i = 0; i < unused.size(); ++i) draw_group(tree, "", i + 1 == unused.size(), unused[i]);
  if (!unused.empty()) tree.out() << "\n";
  for (const auto& service : services) {
    draw_service(tree, service);
    tree.out() << "\n";
  }
  return tree.out().str();
}

}  // namespace albatross
