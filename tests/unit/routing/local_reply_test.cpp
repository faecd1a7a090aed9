#include "routing/local_reply.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace albatross::routing;

namespace {

std::string header(const LocalReply& reply, std::string_view name) {
  for (const auto& h : reply.headers)
    if (h.name == name) return h.value;
  return "<absent>";
}

Action fixed(int status, std::string content_type, std::string body) {
  Action a;
  a.type = ActionType::FixedResponse;
  a.status_code = status;
  a.content_type = std::move(content_type);
  a.body = std::move(body);
  return a;
}

}  // namespace

TEST_SUITE("routing.local_reply") {
  TEST_CASE("502 page: exact captured bytes, 122 bytes") {
    const auto reply = error_reply(LocalReplyReason::TargetConnectError);
    CHECK(reply.status == 502);
    CHECK(reply.reason_phrase == "Bad Gateway");
    CHECK(reply.body ==
          "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
          "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n");
    CHECK(reply.body.size() == 122);
    CHECK(header(reply, "Content-Length") == "122");
    CHECK(header(reply, "Content-Type") == "text/html");
    CHECK(header(reply, "Server") == "awselb/2.0");
    CHECK(header(reply, "Connection") == "keep-alive");
    CHECK_FALSE(reply.close_connection);
    CHECK(reply.reason == LocalReplyReason::TargetConnectError);
  }

  TEST_CASE("503 page: Service Temporarily Unavailable, 162 bytes") {
    const auto reply = error_reply(LocalReplyReason::NoRegisteredTargets);
    CHECK(reply.status == 503);
    CHECK(reply.reason_phrase == "Service Temporarily Unavailable");
    CHECK(reply.body.size() == 162);
    CHECK(reply.body.find("<title>503 Service Temporarily Unavailable</title>") != std::string::npos);
    CHECK(header(reply, "Content-Length") == "162");
  }

  TEST_CASE("504 and 400 pages; 400 closes the connection") {
    const auto timeout = error_reply(LocalReplyReason::TargetTimeout);
    CHECK(timeout.status == 504);
    CHECK(timeout.reason_phrase == "Gateway Time-out");
    CHECK(timeout.body.size() == 132);
    const auto bad = error_reply(LocalReplyReason::BadRequest);
    CHECK(bad.status == 400);
    CHECK(bad.body.size() == 122);
    CHECK(bad.close_connection);
    CHECK(header(bad, "Connection") == "close");
  }

  TEST_CASE("every reason maps to its status and a snake_case name") {
    CHECK(status_for(LocalReplyReason::NoHealthyTargets) == 503);
    CHECK(status_for(LocalReplyReason::TargetReset) == 502);
    CHECK(status_for(LocalReplyReason::TargetMalformedResponse) == 502);
    CHECK(status_for(LocalReplyReason::TargetDeregistered) == 502);
    CHECK(status_for(LocalReplyReason::MethodNotAllowed) == 405);
    CHECK(status_for(LocalReplyReason::RequestTimeout) == 408);
    CHECK(status_for(LocalReplyReason::UriTooLong) == 414);
    CHECK(status_for(LocalReplyReason::TooManyForwardedFor) == 463);
    CHECK(status_for(LocalReplyReason::ProtocolMismatch) == 464);
    CHECK(status_for(LocalReplyReason::InternalError) == 500);
    CHECK(status_for(LocalReplyReason::UnsupportedTransferEncoding) == 501);
    CHECK(status_for(LocalReplyReason::HttpVersionNotSupported) == 505);
    CHECK(to_string(LocalReplyReason::FixedResponse) == "fixed_response");
    CHECK(to_string(LocalReplyReason::NoRegisteredTargets) == "no_registered_targets");
    CHECK(to_string(LocalReplyReason::TargetConnectError) == "target_connect_error");
    CHECK(to_string(LocalReplyReason::TargetTimeout) == "target_timeout");
    CHECK(to_string(LocalReplyReason::BadRequest) == "bad_request");
    CHECK(to_string(LocalReplyReason::HttpVersionNotSupported) == "http_version_not_supported");
  }

  TEST_CASE("codes without an ALB text get a bare-code page") {
    const auto reply = error_reply(LocalReplyReason::TooManyForwardedFor);
    CHECK(reply.status == 463);
    CHECK(reply.reason_phrase.empty());
    CHECK(reply.body.find("<title>463</title>") != std::string::npos);
    CHECK(header(reply, "Content-Length") == std::to_string(reply.body.size()));
  }

  TEST_CASE("fixed response: status, standard phrase, exact content type, body") {
    const auto reply = fixed_response_reply(fixed(404, "application/json", "{\"error\":\"nope\"}"));
    CHECK(reply.status == 404);
    CHECK(reply.reason_phrase == "Not Found");
    CHECK(reply.body == "{\"error\":\"nope\"}");
    CHECK(header(reply, "Content-Type") == "application/json");
    CHECK(header(reply, "Content-Length") == "16");
    CHECK(header(reply, "Server") == "awselb/2.0");
    CHECK(reply.reason == LocalReplyReason::FixedResponse);
    CHECK(fixed_response_reply(fixed(503, "text/plain", "")).reason_phrase == "Service Unavailable");
    CHECK(fixed_response_reply(fixed(299, "text/plain", "")).reason_phrase.empty());
  }

  TEST_CASE("fixed response without content type sends none; 204 sends no body") {
    const auto reply = fixed_response_reply(fixed(200, "", "ok"));
    CHECK(header(reply, "Content-Type") == "<absent>");
    CHECK(header(reply, "Content-Length") == "2");
    const auto empty = fixed_response_reply(fixed(204, "text/plain", "ignored"));
    CHECK(empty.body.empty());
    CHECK(header(empty, "Content-Length") == "<absent>");
  }

  TEST_CASE("redirect replies: captured status lines, titles and sizes") {
    const auto moved = redirect_reply({301, "https://staging.example.com:443/"});
    CHECK(moved.status == 301);
    CHECK(moved.reason_phrase == "Moved Permanently");
    CHECK(moved.body.size() == 134);
    CHECK(moved.body.find("<title>301 Moved Permanently</title>") != std::string::npos);
    CHECK(header(moved, "Location") == "https://staging.example.com:443/");
    CHECK(header(moved, "Content-Length") == "134");
    CHECK(moved.reason == LocalReplyReason::Redirect);
    const auto found = redirect_reply({302, "http://x:80/"});
    CHECK(found.status == 302);
    CHECK(found.reason_phrase == "Moved Temporarily");
    CHECK(found.body.size() == 110);
    CHECK(found.body.find("<h1>302 Found</h1>") != std::string::npos);
  }

  TEST_CASE("serialize_http1: captured header order with Date after Server") {
    auto reply = redirect_reply({301, "https://site.example:443/a/b?x=1"});
    const std::string wire = serialize_http1(reply, "Tue, 07 May 2019 10:00:00 GMT");
    CHECK(wire ==
          "HTTP/1.1 301 Moved Permanently\r\n"
          "Server: awselb/2.0\r\n"
          "Date: Tue, 07 May 2019 10:00:00 GMT\r\n"
          "Content-Type: text/html\r\n"
          "Content-Length: 134\r\n"
          "Connection: keep-alive\r\n"
          "Location: https://site.example:443/a/b?x=1\r\n"
          "\r\n" +
              reply.body);
    mark_close(reply);
    CHECK(reply.close_connection);
    CHECK(serialize_http1(reply, "d").find("Connection: close\r\n") != std::string::npos);
  }

  TEST_CASE("reason phrase tables") {
    CHECK(alb_reason_phrase(503) == "Service Temporarily Unavailable");
    CHECK(standard_reason_phrase(503) == "Service Unavailable");
    CHECK(alb_reason_phrase(302) == "Moved Temporarily");
    CHECK(standard_reason_phrase(418) == "I'm a teapot");
    CHECK(alb_reason_phrase(463).empty());
    CHECK(error_page_body("x").size() == 94);
  }
}
