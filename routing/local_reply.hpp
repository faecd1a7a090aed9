#pragma once
// Responses the load balancer makes itself (AWS §3.3, §4.1, §4.2): error pages, fixed responses and
// redirects, as plain data. Each carries the reason it was made, for metrics and the access log (Envoy's
// response flags). The proxy session adds `Date` and writes it; HEAD requests get the headers only.

#include <string>
#include <string_view>

#include "routing/redirect.hpp"
#include "routing/request_view.hpp"
#include "routing/snapshot.hpp"

namespace albatross::routing {

enum class LocalReplyReason {
  FixedResponse,                // the rule's fixed-response action
  Redirect,                     // the rule's redirect action
  NoRegisteredTargets,          // 503: the chosen target group has no (non-draining) targets
  NoHealthyTargets,             // 503: targets exist but none may take traffic (all still initial)
  TargetConnectError,           // 502: connect refused/reset/unreachable, TLS handshake failure
  TargetReset,                  // 502: the target closed while the request was outstanding
  TargetMalformedResponse,      // 502: unparsable status line or headers, header block too large
  TargetDeregistered,           // 502: the deregistration delay ended with the request in flight
  TargetTimeout,                // 504: connect timeout, or no response within the idle timeout
  BadRequest,                   // 400: malformed request, limits exceeded, desync
  MethodNotAllowed,             // 405: TRACE
  RequestTimeout,               // 408: the client did not send a full request within the idle timeout
  UriTooLong,                   // 414
  TooManyForwardedFor,          // 463: X-Forwarded-For holds more than 30 addresses
  ProtocolMismatch,             // 464: request protocol incompatible with the target group's version
  InternalError,                // 500
  UnsupportedTransferEncoding,  // 501
  HttpVersionNotSupported,      // 505
};

// snake_case name for metrics and logs: "no_registered_targets".
std::string_view to_string(LocalReplyReason reason);
// The status code the load balancer answers with for `reason` (fixed responses and redirects: 0).
int status_for(LocalReplyReason reason);

struct LocalReply {
  int status = 0;
  std::string reason_phrase;  // status-line text
  HeaderList headers;         // in wire order, `Connection` included, `Date` left to the writer
  std::string body;
  LocalReplyReason reason = LocalReplyReason::InternalError;
  bool close_connection = false;  // the connection is closed after this reply
};

LocalReply error_reply(LocalReplyReason reason);
LocalReply fixed_response_reply(const Action& action);
LocalReply redirect_reply(const RedirectTarget& redirect);

// Switches the reply to `Connection: close` (a client that asked for it, a listener being removed, ...).
void mark_close(LocalReply& reply);

// The ALB error-page template (§4.2): "<html>\r\n<head><title>{title}</title></head>\r\n...".
std::string error_page_body(std::string_view title);
// The phrases the ALB uses for its own pages and status lines (nginx's table: "503 Service Temporarily
// Unavailable", "504 Gateway Time-out", "302 Moved Temporarily"); "" for codes it has no text for.
std::string_view alb_reason_phrase(int status);
// RFC 9110 reason phrases, used for fixed responses; "" for unregistered codes.
std::string_view standard_reason_phrase(int status);

// HTTP/1.1 bytes of the reply with `Date: <date>` after `Server` (for tests and raw-socket writers).
std::string serialize_http1(const LocalReply& reply, std::string_view date);

}  // namespace albatross::routing
