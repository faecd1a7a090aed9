#include "routing/forwarded_headers.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace albatross::routing {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Comma-separated list elements, trimmed, empty ones skipped (RFC 9110 §5.6.1).
std::vector<std::string_view> list_elements(std::string_view value) {
  std::vector<std::string_view> out;
  while (true) {
    const auto comma = value.find(',');
    const auto element = trim(value.substr(0, comma));
    if (!element.empty()) out.push_back(element);
    if (comma == std::string_view::npos) return out;
    value.remove_prefix(comma + 1);
  }
}

bool list_has(std::string_view value, std::string_view token) {
  const auto elements = list_elements(value);
  return std::any_of(elements.begin(), elements.end(), [&](auto e) { return ascii_iequals(e, token); });
}

bool is_one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [&](auto n) { return ascii_iequals(name, n); });
}

// Headers the load balancer writes itself: a client cannot strip them by naming them in Connection.
bool is_managed(std::string_view name) {
  return is_one_of(name, {"Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Amzn-Trace-Id"});
}

// Always hop-by-hop (RFC 9110 §7.6.1). Upgrade is decided separately; Transfer-Encoding belongs to the relay.
bool is_hop_by_hop(std::string_view name) {
  return is_one_of(name, {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer"});
}

struct ConnectionInfo {
  std::vector<std::string> nominated;  // header names listed in Connection
  bool websocket = false;
};

ConnectionInfo connection_info(const HeaderList& headers) {
  ConnectionInfo info;
  bool upgrade_token = false, websocket_upgrade = false;
  for (const auto& header : headers) {
    if (ascii_iequals(header.name, "Connection")) {
      for (auto token : list_elements(header.value)) {
        if (ascii_iequals(token, "upgrade")) upgrade_token = true;
        info.nominated.emplace_back(token);
      }
    } else if (ascii_iequals(header.name, "Upgrade") && list_has(header.value, "websocket")) {
      websocket_upgrade = true;
    }
  }
  info.websocket = upgrade_token && websocket_upgrade;
  return info;
}

bool nominated(const ConnectionInfo& info, std::string_view name) {
  return std::any_of(info.nominated.begin(), info.nominated.end(),
                     [&](const std::string& token) { return ascii_iequals(token, name); });
}

std::string_view without_mapped_prefix(std::string_view ip) {
  constexpr std::string_view kMapped = "::ffff:";
  if (ip.size() > kMapped.size() && ascii_iequals(ip.substr(0, kMapped.size()), kMapped) &&
      ip.find('.') != std::string_view::npos)
    return ip.substr(kMapped.size());
  return ip;
}

// What the client sent that the rewrite needs, and the headers that pass through unchanged.
struct Sorted {
  HeaderList rest;
  std::vector<std::string_view> forwarded_for;
  std::optional<std::string_view> host;
  std::optional<std::string_view> trace;
  bool expect_continue = false;
};

// Decides, header by header, whether it passes through, is rewritten later, or is dropped.
Sorted sort_headers(const HeaderList& headers, const ConnectionInfo& connection, const ForwardingOptions& options) {
  Sorted out;
  for (const auto& header : headers) {
    const std::string_view name = header.name;
    const bool keep_xff = options.xff_mode == XffMode::Preserve && ascii_iequals(name, "X-Forwarded-For");
    const bool keep_host = options.preserve_host_header && ascii_iequals(name, "Host");
    if (ascii_iequals(name, "X-Forwarded-For")) out.forwarded_for.push_back(trim(header.value));
    if (ascii_iequals(name, "Host") && !out.host) out.host = header.value;
    if (ascii_iequals(name, "X-Amzn-Trace-Id") && !out.trace) out.trace = header.value;
    if (keep_xff || keep_host) {
      out.rest.push_back(header);
      continue;
    }
    if (is_managed(name) || is_hop_by_hop(name)) continue;  // managed ones are re-written below
    if (ascii_iequals(name, "Expect") && ascii_iequals(trim(header.value), "100-continue")) {
      out.expect_continue = true;  // the load balancer answers 100 Continue itself (§4.3)
      continue;
    }
    if (ascii_iequals(name, "Upgrade")) {
      if (connection.websocket) out.rest.push_back(header);
      continue;
    }
    if (nominated(connection, name)) continue;
    out.rest.push_back(header);
  }
  return out;
}

std::string joined_forwarded_for(const std::vector<std::string_view>& values) {
  std::string out;
  for (auto value : values) {
    if (value.empty()) continue;
    if (!out.empty()) out += ", ";
    out += value;
  }
  return out;
}

std::string to_hex(std::uint64_t value, int digits) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%0*llx", digits, static_cast<unsigned long long>(value));
  return std::string(buffer, static_cast<std::size_t>(digits));
}

bool attribute_true(const std::map<std::string, std::string>& attributes, const std::string& key) {
  const auto it = attributes.find(key);
  return it != attributes.end() && it->second == "true";
}

}  // namespace

ForwardingOptions forwarding_options(const std::map<std::string, std::string>& attributes) {
  ForwardingOptions options;
  if (const auto it = attributes.find("routing.http.xff_header_processing.mode"); it != attributes.end()) {
    if (it->second == "preserve") options.xff_mode = XffMode::Preserve;
    if (it->second == "remove") options.xff_mode = XffMode::Remove;
  }
  options.xff_client_port = attribute_true(attributes, "routing.http.xff_client_port.enabled");
  options.preserve_host_header = attribute_true(attributes, "routing.http.preserve_host_header.enabled");
  options.drop_invalid_header_fields = attribute_true(attributes, "routing.http.drop_invalid_header_fields.enabled");
  return options;
}

std::string make_trace_id(const TraceSeed& seed) {
  return "1-" + to_hex(seed.epoch_seconds, 8) + "-" + to_hex(seed.random_high, 16) + to_hex(seed.random_low, 8);
}

std::string extend_trace_header(std::optional<std::string_view> incoming, const TraceSeed& seed) {
  const std::string id = make_trace_id(seed);
  if (!incoming || trim(*incoming).empty() || incoming->size() > kMaxTraceHeaderBytes) return "Root=" + id;
  const std::string_view value = trim(*incoming);
  std::string out;
  bool has_root = false, replaced_self = false;
  for (std::string_view rest = value; !rest.empty();) {
    const auto semicolon = rest.find(';');
    const std::string_view field = rest.substr(0, semicolon);
    rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
    const std::string_view name = trim(field.substr(0, field.find('=')));
    if (!out.empty()) out += ';';
    if (name == "Self") {
      out += "Self=" + id;
      replaced_self = true;
    } else {
      out += field;
    }
    if (name == "Root") has_root = true;
  }
  if (replaced_self) return out;
  // A client Root is kept and our hop becomes Self; without a Root, ours starts the trace (unverified).
  return (has_root ? "Self=" : "Root=") + id + ";" + out;
}

bool is_valid_header_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

std::size_t count_forwarded_addresses(std::string_view xff_value) { return list_elements(xff_value).size(); }

std::string rewrite_host(std::string_view host, int listener_port) {
  host = trim(host);
  std::string_view name = host, port;
  const auto close = host.find(']');  // IPv6 literal: the port colon comes after the bracket
  const auto colon = host.rfind(':');
  if (colon != std::string_view::npos && (close == std::string_view::npos || colon > close)) {
    name = host.substr(0, colon);
    port = host.substr(colon + 1);
  }
  std::string out = ascii_lower(name);
  if (listener_port == 80 || listener_port == 443) return out;
  out += ":";
  out += port.empty() ? std::to_string(listener_port) : std::string(port);
  return out;
}

std::string forwarded_for_entry(std::string_view peer_ip, int peer_port, bool with_port) {
  const std::string_view ip = without_mapped_prefix(peer_ip);
  if (!with_port) return std::string(ip);
  const bool ipv6 = ip.find(':') != std::string_view::npos;
  return (ipv6 ? "[" + std::string(ip) + "]" : std::string(ip)) + ":" + std::to_string(peer_port);
}

ForwardedRequest rewrite_request_headers(const HeaderList& incoming, const ForwardingContext& context,
                                         const ForwardingOptions& options) {
  ForwardedRequest out;
  HeaderList valid;
  if (options.drop_invalid_header_fields)
    std::copy_if(incoming.begin(), incoming.end(), std::back_inserter(valid),
                 [](const Header& h) { return is_valid_header_name(h.name); });
  const HeaderList& headers = options.drop_invalid_header_fields ? valid : incoming;

  const ConnectionInfo connection = connection_info(headers);
  Sorted sorted = sort_headers(headers, connection, options);
  std::size_t addresses = 0;
  for (auto value : sorted.forwarded_for) addresses += count_forwarded_addresses(value);
  if (addresses > kMaxForwardedForAddresses) {
    out.too_many_forwarded_for = true;
    return out;
  }
  out.expect_continue = sorted.expect_continue;
  out.websocket_upgrade = connection.websocket;

  HeaderList& front = out.headers;
  if (options.xff_mode == XffMode::Append) {
    std::string xff = joined_forwarded_for(sorted.forwarded_for);
    if (!xff.empty()) xff += ", ";
    front.push_back({"X-Forwarded-For", xff + forwarded_for_entry(context.peer_ip, context.peer_port,
                                                                   options.xff_client_port)});
  }
  front.push_back({"X-Forwarded-Proto", ascii_iequals(context.listener_protocol, "HTTPS") ? "https" : "http"});
  front.push_back({"X-Forwarded-Port", std::to_string(context.listener_port)});
  if (!options.preserve_host_header) {
    const std::string_view source = !context.absolute_form_authority.empty() ? context.absolute_form_authority
                                    : sorted.host                            ? *sorted.host
                                                                             : context.load_balancer_dns_name;
    front.push_back({"Host", rewrite_host(source, context.listener_port)});
  } else if (!sorted.host) {
    front.push_back({"Host", context.load_balancer_dns_name});  // HTTP/1.0 without Host
  }
  out.trace_id = extend_trace_header(sorted.trace, context.trace);
  front.push_back({"X-Amzn-Trace-Id", out.trace_id});
  front.insert(front.end(), sorted.rest.begin(), sorted.rest.end());
  if (connection.websocket) front.push_back({"Connection", "Upgrade"});
  return out;
}

}  // namespace albatross::routing
