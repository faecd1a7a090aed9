#include "routing/redirect.hpp"


namespace albatross::routing {
namespace {

std::string incoming_scheme(const RequestView& request) {
  return ascii_iequals(request.listener_protocol, "HTTPS") ? "https" : "http";
}

// Sets `out` to what keyword `name` stands for; false when `name` is not a keyword.
bool keyword_value(std::string_view name, const RequestView& request, std::string& out) {
  if (name == "protocol") {
    out = incoming_scheme(request);
  } else if (name == "host") {
    out = ascii_lower(request.host);
  } else if (name == "port") {
    out = std::to_string(request.listener_port);
  } else if (name == "path") {
    std::string_view path = request.path;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);  // "/#{path}" must not double the slash
    out = std::string(path);
  } else if (name == "query") {
    out = request.query;
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::string expand_redirect_template(std::string_view text, const RequestView& request) {
  std::string out;
  out.reserve(text.size() + request.path.size() + request.query.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find("#{", i);
    if (open == std::string_view::npos) break;
    const auto close = text.find('}', open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(i, open - i));
    std::string value;
    if (keyword_value(text.substr(open + 2, close - open - 2), request, value))
      out += value;
    else
      out.append(text.substr(open, close + 1 - open));
    i = close + 1;
  }
  out.append(text.substr(i));
  return out;
}

RedirectTarget render_redirect(const Action& action, const RequestView& request) {
  // Protocol, host, port and path may not be empty in AWS, so empty means "not configured": use the default.
  // The query may legitimately be empty (drop the query), so it has no such fallback.
  auto field = [&](const std::string& value, std::string_view fallback) {
    return expand_redirect_template(value.empty() ? fallback : std::string_view(value), request);
  };
  // The protocol field holds HTTP, HTTPS or #{protocol}; the URL scheme is always lower-case.
  const std::string protocol = ascii_lower(field(action.redirect_protocol, "#{protocol}"));
  const std::string host = field(action.redirect_host, "#{host}");
  const std::string port = field(action.redirect_port, "#{port}");
  const std::string path = field(action.redirect_path, "/#{path}");
  const std::string query = expand_redirect_template(action.redirect_query, request);
  RedirectTarget target;
  target.status = action.redirect_status == 302 ? 302 : 301;
  target.location = protocol + "://" + host + ":" + port + path;
  if (!query.empty()) target.location += "?" + query;
  return target;
}

}  // namespace albatross::routing
