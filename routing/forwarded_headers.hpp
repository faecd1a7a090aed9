#pragma once
// Rewrites a client request's headers into the ones sent to the target (AWS §4.3): X-Forwarded-For/-Proto/
// -Port, X-Amzn-Trace-Id, Host, hop-by-hop removal, invalid-name dropping. Pure: the clock and random parts of
// the trace id come in as parameters. Body framing (Content-Length, Transfer-Encoding) is left to the relay.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "routing/request_view.hpp"

namespace albatross::routing {

enum class XffMode { Append, Preserve, Remove };

// The load balancer attributes that shape forwarding (routing.http.*), read once per snapshot.
struct ForwardingOptions {
  XffMode xff_mode = XffMode::Append;
  bool xff_client_port = false;
  bool preserve_host_header = false;
  bool drop_invalid_header_fields = false;
};
ForwardingOptions forwarding_options(const std::map<std::string, std::string>& load_balancer_attributes);

// The variable parts of a trace id "1-<8 hex epoch seconds>-<24 hex random>".
struct TraceSeed {
  std::uint32_t epoch_seconds = 0;
  std::uint64_t random_high = 0;  // first 16 hex digits
  std::uint32_t random_low = 0;   // last 8 hex digits
};
std::string make_trace_id(const TraceSeed& seed);
// The X-Amzn-Trace-Id value to send: a fresh Root when absent (or over 7 KiB), a Self field prepended when the
// client sent a Root, the Self field replaced when the client sent one.
std::string extend_trace_header(std::optional<std::string_view> incoming, const TraceSeed& seed);

struct ForwardingContext {
  std::string peer_ip;  // TCP peer (IPv4-mapped IPv6 is reported as IPv4)
  int peer_port = 0;
  std::string listener_protocol;       // HTTP or HTTPS
  int listener_port = 0;
  std::string absolute_form_authority;  // "Host:port" of an absolute-form request target, else ""
  std::string load_balancer_dns_name;   // the Host for requests that carry none (HTTP/1.0)
  TraceSeed trace;
};

struct ForwardedRequest {
  HeaderList headers;    // X-Forwarded-For, -Proto, -Port, Host, X-Amzn-Trace-Id first, then the rest in order
  std::string trace_id;  // the X-Amzn-Trace-Id value sent, for the access log
  bool too_many_forwarded_for = false;  // answer 463 instead of forwarding (headers left empty)
  bool expect_continue = false;         // Expect: 100-continue was stripped: answer "100 Continue" yourself
  bool websocket_upgrade = false;       // Upgrade/Connection kept for a WebSocket handshake
};

ForwardedRequest rewrite_request_headers(const HeaderList& incoming, const ForwardingContext& context,
                                         const ForwardingOptions& options);

// Pieces, public for tests and for the proxy's HTTP/1.0 and absolute-form handling.
inline constexpr std::size_t kMaxForwardedForAddresses = 30;
inline constexpr std::size_t kMaxTraceHeaderBytes = 7 * 1024;
bool is_valid_header_name(std::string_view name);  // [-A-Za-z0-9]+
std::size_t count_forwarded_addresses(std::string_view xff_value);
// The Host sent upstream when not preserved: lower-cased; port dropped on listener 80/443, else the listener
// port appended when the Host has none.
std::string rewrite_host(std::string_view host, int listener_port);
// "10.0.0.1" / "10.0.0.1:4711" / "[2001:db8::1]:4711": the address X-Forwarded-For gets for the client.
std::string forwarded_for_entry(std::string_view peer_ip, int peer_port, bool with_port);

}  // namespace albatross::routing
