#include "emulator/admin_api.hpp"

#include <nlohmann/json.hpp>

#include "emulator/clock.hpp"
#include "emulator/gateway.hpp"
#include "emulator/log.hpp"
#include "emulator/protocol/protocol.hpp"
#include "emulator/ui/ui_assets.hpp"

namespace albatross {
namespace {

HttpResponse json_response(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump(2) + "\n";
  response.set_header("Content-Type", "application/json");
  return response;
}

HttpResponse method_not_allowed(const char* allowed) {
  HttpResponse response = json_response(405, {{"message", std::string("use ") + allowed}});
  response.set_header("Allow", allowed);
  return response;
}

// The state with a content ETag, so a poller that sends If-None-Match gets a cheap 304 while nothing changes.
HttpResponse state_response(const HttpRequest& request, const nlohmann::json& state) {
  HttpResponse response = json_response(200, state);
  const std::string etag = "\"" + std::to_string(std::hash<std::string>{}(response.body)) + "\"";
  response.set_header("ETag", etag);
  response.set_header("Cache-Control", "no-cache");
  if (request.header("If-None-Match") == etag) {
    response.status = 304;
    response.body.clear();
  }
  return response;
}

}  // namespace

AdminApi::AdminApi(const Gateway& gateway, AdminHooks hooks)
    : gateway_(gateway), hooks_(std::move(hooks)), started_at_(Clock::now()) {}

HttpResponse AdminApi::handle(HttpRequest& request) {
  const std::string_view path = request.path();
  if (path == "/_albatross/health") {
    if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET");
    nlohmann::json services = nlohmann::json::array();
    for (const auto& [name, service] : gateway_.services()) services.push_back(name);
    return json_response(200, {{"status", "running"},
                               {"version", ALBATROSS_VERSION},
                               {"services", services},
                               {"uptime_seconds", Clock::now() - started_at_}});
  }
  // moto's server-mode test suites reset the server with POST /moto-api/reset before each test.
  if (path == "/_albatross/reset" || path == "/moto-api/reset") {
    if (request.method != "POST") return method_not_allowed("POST");
    hooks_.reset();
    log::info("state reset");
    return json_response(200, {{"status", "reset"}});
  }
  if (path == "/_albatross/ca.pem") {
    if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET");
    HttpResponse response;
    response.body = hooks_.ca_certificate();
    response.set_header("Content-Type", "application/x-pem-file");
    return response;
  }
  if (path == "/_albatross/metrics") {
    if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET");
    HttpResponse response;
    response.body = hooks_.metrics();
    response.set_header("Content-Type", "text/plain; version=0.0.4");
    return response;
  }
  if (path == "/_albatross/registry/resolve" && hooks_.resolve_image) {
    if (request.method != "GET") return method_not_allowed("GET");
    std::string image, account, region;
    try {
      for (const auto& [key, value] : protocol::parse_form_urlencoded(request.query())) {
        if (key == "image") image = value;
        else if (key == "account") account = value;
        else if (key == "region") region = value;
      }
    } catch (const AwsError&) {
      return json_response(400, {{"message", "malformed query string"}});
    }
    if (image.empty()) return json_response(400, {{"message", "give ?image=<image>[&account=<id>&region=<region>]"}});
    const auto resolved = hooks_.resolve_image(image, account, region);
    if (resolved.is_null()) return json_response(404, {{"message", "not an ECR image: " + image}});
    return json_response(200, resolved);
  }
  if (path == "/_albatross/registry" && hooks_.registry) {
    if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET");
    return json_response(200, hooks_.registry());
  }
  if (path == "/_albatross/load-balancers") {
    if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET");
    return json_response(200, hooks_.load_balancers());
  }
  if (path == "/_albatross/state") {
    if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET");
    if (!hooks_.state) return json_response(404, {{"message", "state is not available"}});
    return state_response(request, hooks_.state());
  }
  if (const auto asset = ui::ui_asset(path)) {
    if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET");
    HttpResponse response;
    response.body = std::string(asset->content);
    response.set_header("Content-Type", asset->content_type);
    response.set_header("Cache-Control", "no-cache");
    // The page loads nothing from anywhere else (no CDN) and runs no inline script.
    response.set_header("Content-Security-Policy", "default-src 'self'");
    return response;
  }
  return json_response(404, {{"message", "no such admin endpoint: " + std::string(path)}});
}

}  // namespace albatross
