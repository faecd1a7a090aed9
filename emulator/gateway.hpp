#pragma once
// The single entry point of the API port: identifies service and operation, parses and validates the
// input through the protocol layer, runs the handler in one durable transaction, serializes the answer
// and logs one line. Lives on the control thread.

#include <functional>
#include <map>
#include <string>

#include "emulator/http_message.hpp"
#include "services/service.hpp"

namespace albatross {

class ChangeFeed;
namespace storage {
class Database;
}

class Gateway {
 public:
  using PathHandler = std::function<HttpResponse(HttpRequest&)>;

  Gateway(storage::Database& db, ChangeFeed& changes, std::string default_account, std::string default_region);

  void add_service(ServiceDefinition service);
  // Requests whose path starts with `prefix` go to `handler` instead of the AWS protocols.
  void add_path_handler(std::string prefix, PathHandler handler);
  const std::map<std::string, ServiceDefinition>& services() const { return services_; }

  HttpResponse handle(HttpRequest& request);
  // The error answer for a request refused before it was read completely.
  HttpResponse reject(HttpRequest& request, int status, std::string message);

 private:
  HttpResponse handle_aws(HttpRequest& request, const std::string& request_id);

  storage::Database& db_;
  ChangeFeed& changes_;
  std::string default_account_;
  std::string default_region_;
  std::map<std::string, ServiceDefinition> services_;
  std::map<std::string, PathHandler> path_handlers_;
};

}  // namespace albatross
