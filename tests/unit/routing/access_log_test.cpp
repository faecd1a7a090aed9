#include "routing/access_log.hpp"

#include <doctest/doctest.h>

using namespace albatross::routing;

TEST_SUITE("routing.access_log") {
  TEST_CASE("a forwarded request in AWS's field order") {
    AccessLogEntry e;
    e.type = "http";
    e.time = 1700000000.25;
    e.request_creation_time = 1700000000.125;
    e.load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
    e.client_ip = "127.0.0.1";
    e.client_port = 40000;
    e.target = "10.0.0.1:80";
    e.request_processing_time = 0;
    e.target_processing_time = 0.0125;
    e.response_processing_time = 0.0005;
    e.elb_status_code = 200;
    e.target_status_code = 200;
    e.received_bytes = 34;
    e.sent_bytes = 366;
    e.request_line = "GET http://www.example.com:80/ HTTP/1.1";
    e.user_agent = "curl/8.0 \"quoted\"";
    e.target_group_arn = "arn:tg";
    e.trace_id = "Root=1-58337262-36d228ad5d99923122bbe354";
    e.matched_rule_priority = "0";
    e.actions_executed = "forward";
    e.conn_trace_id = "TID_abc";
    CHECK(format_access_log_entry(e) ==
          "http 2023-11-14T22:13:20.250000Z app/web/50dc6c495c0c9188 127.0.0.1:40000 10.0.0.1:80 0.000 0.013 0.001 "
          "200 200 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/8.0 \\\"quoted\\\"\" - - arn:tg "
          "\"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 2023-11-14T22:13:20.125000Z \"forward\" \"-\" "
          "\"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_abc");
  }

  TEST_CASE("a request answered by the load balancer has no target fields") {
    AccessLogEntry e;
    e.load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/1";
    e.client_ip = "127.0.0.1";
    e.elb_status_code = 503;
    e.request_line = "- - - ";
    e.error_reason = "no_registered_targets";
    const std::string line = format_access_log_entry(e);
    CHECK(line.find(" - -1 -1 -1 503 - ") != std::string::npos);
    CHECK(line.find("\"- - - \"") != std::string::npos);
    CHECK(line.find("\"no_registered_targets\" \"-\" \"-\"") != std::string::npos);
  }

  TEST_CASE("files per 5-minute interval, named like AWS's") {
    LoadBalancer lb;
    lb.arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
    lb.name = "web";
    lb.account_id = "123456789012";
    lb.region = "us-east-1";
    CHECK(access_log_path(lb, 1700000000, "abcd1234") ==
          "access-logs/web/AWSLogs/123456789012/elasticloadbalancing/us-east-1/2023/11/14/"
          "123456789012_elasticloadbalancing_us-east-1_app.web.50dc6c495c0c9188_20231114T2215Z_127.0.0.1_abcd1234.log");
    lb.attributes["access_logs.s3.prefix"] = "team/a";
    CHECK(access_log_path(lb, 1700000000, "x").rfind("access-logs/web/team/a/AWSLogs/", 0) == 0);
  }
}
