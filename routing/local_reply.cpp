#include "routing/local_reply.hpp"

namespace albatross::routing {
namespace {

constexpr std::string_view kServer = "awselb/2.0";

struct ReasonInfo {
  LocalReplyReason reason;
  std::string_view name;
  int status;
};

constexpr ReasonInfo kReasons[] = {
    {LocalReplyReason::FixedResponse, "fixed_response", 0},
    {LocalReplyReason::Redirect, "redirect", 0},
    {LocalReplyReason::NoRegisteredTargets, "no_registered_targets", 503},
    {LocalReplyReason::NoHealthyTargets, "no_healthy_targets", 503},
    {LocalReplyReason::TargetConnectError, "target_connect_error", 502},
    {LocalReplyReason::TargetReset, "target_reset", 502},
    {LocalReplyReason::TargetMalformedResponse, "target_malformed_response", 502},
    {LocalReplyReason::TargetDeregistered, "target_deregistered", 502},
    {LocalReplyReason::TargetTimeout, "target_timeout", 504},
    {LocalReplyReason::BadRequest, "bad_request", 400},
    {LocalReplyReason::MethodNotAllowed, "method_not_allowed", 405},
    {LocalReplyReason::RequestTimeout, "request_timeout", 408},
    {LocalReplyReason::UriTooLong, "uri_too_long", 414},
    {LocalReplyReason::TooManyForwardedFor, "too_many_forwarded_for", 463},
    {LocalReplyReason::ProtocolMismatch, "protocol_mismatch", 464},
    {LocalReplyReason::InternalError, "internal_error", 500},
    {LocalReplyReason::UnsupportedTransferEncoding, "unsupported_transfer_encoding", 501},
    {LocalReplyReason::HttpVersionNotSupported, "http_version_not_supported", 505},
};

const ReasonInfo& info(LocalReplyReason reason) {
  for (const auto& entry : kReasons)
    if (entry.reason == reason) return entry;
  return kReasons[0];  // unreachable: every enumerator has a row
}

struct Phrase {
  int status;
  std::string_view text;
};

// ALB answers with nginx's texts (captured: 503 "Service Temporarily Unavailable", 302 "Moved Temporarily").
constexpr Phrase kAlbPhrases[] = {
    {301, "Moved Permanently"},     {302, "Moved Temporarily"},
    {400, "Bad Request"},           {401, "Authorization Required"},
    {403, "Forbidden"},             {405, "Not Allowed"},
    {408, "Request Time-out"},      {413, "Request Entity Too Large"},
    {414, "Request-URI Too Large"}, {500, "Internal Server Error"},
    {501, "Not Implemented"},       {502, "Bad Gateway"},
    {503, "Service Temporarily Unavailable"}, {504, "Gateway Time-out"},
    {505, "HTTP Version Not Supported"},
};

constexpr Phrase kStandardPhrases[] = {
    {200, "OK"}, {201, "Created"}, {202, "Accepted"}, {203, "Non-Authoritative Information"},
    {204, "No Content"}, {205, "Reset Content"}, {206, "Partial Content"}, {207, "Multi-Status"},
    {208, "Already Reported"}, {226, "IM Used"},
    {400, "Bad Request"}, {401, "Unauthorized"}, {402, "Payment Required"}, {403, "Forbidden"},
    {404, "Not Found"}, {405, "Method Not Allowed"}, {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"}, {408, "Request Timeout"}, {409, "Conflict"}, {410, "Gone"},
    {411, "Length Required"}, {412, "Precondition Failed"}, {413, "Content Too Large"}, {414, "URI Too Long"},
    {415, "Unsupported Media Type"}, {416, "Range Not Satisfiable"}, {417, "Expectation Failed"},
    {418, "I'm a teapot"}, {421, "Misdirected Request"}, {422, "Unprocessable Content"}, {423, "Locked"},
    {424, "Failed Dependency"}, {425, "Too Early"}, {426, "Upgrade Required"}, {428, "Precondition Required"},
    {429, "Too Many Requests"}, {431, "Request Header Fields Too Large"},
    {451, "Unavailable For Legal Reasons"},
    {500, "Internal Server Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
    {503, "Service Unavailable"}, {504, "Gateway Timeout"}, {505, "HTTP Version Not Supported"},
    {506, "Variant Also Negotiates"}, {507, "Insufficient Storage"}, {508, "Loop Detected"},
    {510, "Not Extended"}, {511, "Network Authentication Required"},
};

template <std::size_t N>
std::string_view lookup(const Phrase (&table)[N], int status) {
  for (const auto& entry : table)
    if (entry.status == status) return entry.text;
  return {};
}

std::string title_of(int status, std::string_view text) {
  std::string title = std::to_string(status);
  if (!text.empty()) title += " " + std::string(text);
  return title;
}

// Headers every generated reply shares, in the captured order (Date goes after Server when written).
LocalReply make_reply(int status, std::string_view phrase, std::string_view content_type, std::string body,
                      LocalReplyReason reason) {
  LocalReply reply;
  reply.status = status;
  reply.reason_phrase = std::string(phrase);
  reply.reason = reason;
  reply.headers.push_back({"Server", std::string(kServer)});
  if (!content_type.empty()) reply.headers.push_back({"Content-Type", std::string(content_type)});
  if (status != 204) reply.headers.push_back({"Content-Length", std::to_string(body.size())});
  reply.headers.push_back({"Connection", "keep-alive"});
  if (status != 204) reply.body = std::move(body);
  return reply;
}

}  // namespace

std::string_view to_string(LocalReplyReason reason) { return info(reason).name; }

int status_for(LocalReplyReason reason) { return info(reason).status; }

std::string_view alb_reason_phrase(int status) { return lookup(kAlbPhrases, status); }

std::string_view standard_reason_phrase(int status) { return lookup(kStandardPhrases, status); }

std::string error_page_body(std::string_view title) {
  std::string body;
  body.reserve(92 + 2 * title.size());
  body.append("<html>\r\n<head><title>").append(title).append("</title></head>\r\n<body>\r\n<center><h1>");
  body.append(title).append("</h1></center>\r\n</body>\r\n</html>\r\n");
  return body;
}

LocalReply error_reply(LocalReplyReason reason) {
  const int status = status_for(reason) != 0 ? status_for(reason) : 500;
  const std::string_view phrase = alb_reason_phrase(status);
  LocalReply reply = make_reply(status, phrase, "text/html", error_page_body(title_of(status, phrase)), reason);
  if (status == 400) mark_close(reply);  // a malformed request leaves the connection in an unknown state
  return reply;
}

LocalReply fixed_response_reply(const Action& action) {
  return make_reply(action.status_code, standard_reason_phrase(action.status_code), action.content_type,
                    action.body, LocalReplyReason::FixedResponse);
}

LocalReply redirect_reply(const RedirectTarget& redirect) {
  const bool permanent = redirect.status != 302;
  const int status = permanent ? 301 : 302;
  // Captured: the status line says "302 Moved Temporarily" but the page title says "302 Found".
  const std::string title = permanent ? "301 Moved Permanently" : "302 Found";
  LocalReply reply = make_reply(status, alb_reason_phrase(status), "text/html", error_page_body(title),
                                LocalReplyReason::Redirect);
  reply.headers.push_back({"Location", redirect.location});
  return reply;
}

void mark_close(LocalReply& reply) {
  reply.close_connection = true;
  for (auto& header : reply.headers)
    if (header.name == "Connection") header.value = "close";
}

std::string serialize_http1(const LocalReply& reply, std::string_view date) {
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reply.reason_phrase + "\r\n";
  for (const auto& header : reply.headers) {
    out += header.name + ": " + header.value + "\r\n";
    if (header.name == "Server" && !date.empty()) out += "Date: " + std::string(date) + "\r\n";
  }
  out += "\r\n";
  out += reply.body;
  return out;
}

}  // namespace albatross::routing
