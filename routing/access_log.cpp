#include "routing/access_log.hpp"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>

namespace albatross::routing {
namespace {

std::string or_dash(const std::string& value) { return value.empty() ? "-" : value; }

std::string quoted(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string quoted_or_dash(const std::string& value) { return quoted(or_dash(value)); }

std::string seconds(double value) {
  if (value < 0) return "-1";
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

std::tm utc_of(double epoch_seconds) {
  const std::time_t when = static_cast<std::time_t>(epoch_seconds);
  std::tm utc{};
  gmtime_r(&when, &utc);
  return utc;
}

}  // namespace

std::string access_log_resource_id(std::string_view arn) {
  const auto marker = arn.find("loadbalancer/");
  return marker == std::string_view::npos ? std::string(arn) : std::string(arn.substr(marker + 13));
}

std::string access_log_time(double epoch_seconds) {
  const std::tm utc = utc_of(epoch_seconds);
  char text[64];
  const long micros = static_cast<long>((epoch_seconds - static_cast<double>(static_cast<std::time_t>(epoch_seconds))) * 1e6);
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, micros);
  return text;
}

std::string format_access_log_entry(const AccessLogEntry& e) {
  const std::string target_status = e.target_status_code ? std::to_string(e.target_status_code) : "-";
  std::string line;
  line += e.type + " " + access_log_time(e.time) + " " + access_log_resource_id(e.load_balancer_arn) + " ";
  line += e.client_ip + ":" + std::to_string(e.client_port) + " " + or_dash(e.target) + " ";
  line += seconds(e.request_processing_time) + " " + seconds(e.target_processing_time) + " " +
          seconds(e.response_processing_time) + " ";
  line += std::to_string(e.elb_status_code) + " " + target_status + " ";
  line += std::to_string(e.received_bytes) + " " + std::to_string(e.sent_bytes) + " ";
  line += quoted(e.request_line) + " " + quoted_or_dash(e.user_agent) + " ";
  line += or_dash(e.ssl_cipher) + " " + or_dash(e.ssl_protocol) + " " + or_dash(e.target_group_arn) + " ";
  line += quoted_or_dash(e.trace_id) + " " + quoted_or_dash(e.domain_name) + " " + quoted_or_dash(e.chosen_cert_arn) + " ";
  line += or_dash(e.matched_rule_priority) + " " + access_log_time(e.request_creation_time) + " ";
  line += quoted_or_dash(e.actions_executed) + " " + quoted_or_dash(e.redirect_url) + " " +
          quoted_or_dash(e.error_reason) + " ";
  line += quoted_or_dash(e.target) + " " + quoted(target_status) + " ";
  line += "\"-\" \"-\" " + or_dash(e.conn_trace_id);  // classification, classification_reason (desync: compliant)
  return line;
}

std::string access_log_path(const LoadBalancer& lb, double epoch_seconds, std::string_view random_suffix) {
  // Files cover 5 minutes and are named after the interval's end, like AWS's.
  const double interval_end = (static_cast<long long>(epoch_seconds) / 300 + 1) * 300.0;
  const std::tm day = utc_of(epoch_seconds);
  const std::tm end = utc_of(interval_end);
  char date_dirs[32], stamp[32];
  std::snprintf(date_dirs, sizeof date_dirs, "%04d/%02d/%02d", day.tm_year + 1900, day.tm_mon + 1, day.tm_mday);
  std::snprintf(stamp, sizeof stamp, "%04d%02d%02dT%02d%02dZ", end.tm_year + 1900, end.tm_mon + 1, end.tm_mday,
                end.tm_hour, end.tm_min);
  const std::string resource = access_log_resource_id(lb.arn);  // app/<name>/<id>
  std::string dotted = resource;
  for (auto& c : dotted)
    if (c == '/') c = '.';
  std::string path = "access-logs/" + lb.name + "/";
  if (const auto prefix = lb.attributes.find("access_logs.s3.prefix");
      prefix != lb.attributes.end() && !prefix->second.empty())
    path += prefix->second + "/";
  path += "AWSLogs/" + lb.account_id + "/elasticloadbalancing/" + lb.region + "/" + date_dirs + "/";
  path += lb.account_id + "_elasticloadbalancing_" + lb.region + "_" + dotted + "_" + stamp + "_127.0.0.1_" +
          std::string(random_suffix) + ".log";
  return path;
}

bool access_logs_enabled(const LoadBalancer& load_balancer) {
  const auto found = load_balancer.attributes.find("access_logs.s3.enabled");
  return found != load_balancer.attributes.end() && found->second == "true";
}

AccessLogWriter::AccessLogWriter(std::string state_dir) : state_dir_(std::move(state_dir)) {
  std::random_device random;
  const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (int i = 0; i < 8; ++i) random_suffix_ += alphabet[random() % 36];
}

void AccessLogWriter::write(const LoadBalancer& load_balancer, const AccessLogEntry& entry) {
  const std::string line = format_access_log_entry(entry) + "\n";
  const std::string path = state_dir_ + "/" + access_log_path(load_balancer, entry.time, random_suffix_);
  std::lock_guard lock(mutex_);
  auto found = files_.find(path);
  if (found == files_.end()) {
    // A new interval: files of earlier intervals are complete and closed.
    for (auto it = files_.begin(); it != files_.end();)
      it = it->first.find("access-logs/" + load_balancer.name + "/") != std::string::npos ? files_.erase(it) : std::next(it);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    auto file = std::make_unique<std::ofstream>(path, std::ios::app);
    if (!*file) return;  // the state dir is not writable: logging must never fail a request
    found = files_.emplace(path, std::move(file)).first;
  }
  *found->second << line << std::flush;
}

}  // namespace albatross::routing
