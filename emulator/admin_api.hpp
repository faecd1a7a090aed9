#pragma once
// The emulator's own endpoints under /_albatross/: health, reset, the local CA certificate, the state
// picture and the dashboard page.

#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "emulator/http_message.hpp"

namespace albatross {

class Gateway;

struct AdminHooks {
  std::function<void()> reset;                    // wipes all state
  std::function<std::string()> ca_certificate;    // PEM of the local CA
  std::function<nlohmann::json()> load_balancers;  // where the listeners listen
  std::function<std::string()> metrics;            // Prometheus text
  std::function<nlohmann::json()> registry;         // where the ECR registry listens
  // What ECS would pull for an image named in a task definition (reference + X-Registry-Auth), or null.
  std::function<nlohmann::json(const std::string& image, const std::string& account, const std::string& region)>
      resolve_image;
  std::function<nlohmann::json()> state;           // the dashboard's picture (admin_state.hpp)
};

class AdminApi {
 public:
  AdminApi(const Gateway& gateway, AdminHooks hooks);
  HttpResponse handle(HttpRequest& request);

 private:
  const Gateway& gateway_;
  AdminHooks hooks_;
  double started_at_;
};

}  // namespace albatross
