#pragma once
// ALB access logs (AWS "Access log entries"): one line per request in AWS's field order, written when the load
// balancer's access_logs.s3.enabled is true. Formatting is pure; AccessLogWriter appends the lines to
// <state dir>/access-logs/<lb name>/[<prefix>/]AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/mm/dd/
// <account>_elasticloadbalancing_<region>_app.<lb name>.<lb id>_<yyyymmddTHHmmZ>_<ip>_<random>.log, one file per
// five-minute interval like AWS's (but plain text appended as requests finish, not gzipped every 5 minutes).

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "routing/snapshot.hpp"

namespace albatross::routing {

struct AccessLogEntry {
  std::string type = "http";  // http, https, ws, wss
  double time = 0;            // epoch seconds when the response was sent
  double request_creation_time = 0;
  std::string load_balancer_arn;
  std::string client_ip;
  int client_port = 0;
  std::string target;  // "ip:port", empty when not forwarded
  double request_processing_time = -1;
  double target_processing_time = -1;
  double response_processing_time = -1;
  int elb_status_code = 0;
  int target_status_code = 0;  // 0: "-"
  std::uint64_t received_bytes = 0;
  std::uint64_t sent_bytes = 0;
  std::string request_line;  // "GET http://host:80/path?query HTTP/1.1"
  std::string user_agent;
  std::string ssl_cipher, ssl_protocol;  // empty: "-"
  std::string target_group_arn;
  std::string trace_id;
  std::string domain_name;      // SNI
  std::string chosen_cert_arn;
  std::string matched_rule_priority;  // "0" for the default rule, "-" when none matched
  std::string actions_executed;       // "forward", "fixed-response", "redirect"
  std::string redirect_url;
  std::string error_reason;
  std::string conn_trace_id;
};

// "app/<name>/<id>" from a load balancer ARN (the elb field).
std::string access_log_resource_id(std::string_view load_balancer_arn);
// 2026-11-24T19:21:29.123456Z
std::string access_log_time(double epoch_seconds);
// One line, without the newline.
std::string format_access_log_entry(const AccessLogEntry& entry);
// The file of `load_balancer` for the 5-minute interval holding `epoch_seconds`, relative to the state dir.
std::string access_log_path(const LoadBalancer& load_balancer, double epoch_seconds, std::string_view random_suffix);

// Appends lines to the access-log files; shared by all workers (one mutex; only load balancers with access logs
// enabled pay for it).
class AccessLogWriter {
 public:
  explicit AccessLogWriter(std::string state_dir);
  void write(const LoadBalancer& load_balancer, const AccessLogEntry& entry);

 private:
  std::string state_dir_;
  std::string random_suffix_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<std::ofstream>> files_;  // the current interval's open files
};

bool access_logs_enabled(const LoadBalancer& load_balancer);

}  // namespace albatross::routing
