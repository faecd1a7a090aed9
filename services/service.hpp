#pragma once
// The contract between the gateway and the AWS service implementations.
// A handler takes the validated input JSON of one operation and returns its output JSON,
// or throws an AwsError value. It runs on the control thread.

#include <functional>
#include <string>
#include <unordered_map>

#include <nlohmann/json_fwd.hpp>

namespace albatross {

// An AWS error as a value. `code` is the model's error shape name (e.g. "ResourceNotFoundException",
// "LoadBalancerNotFoundException") or a plain wire code (e.g. "ValidationError"); the protocol layer maps
// shape names to the wire code and HTTP status their model declares. http_status 0 = take it from the model,
// else 400.
struct AwsError {
  std::string code;
  std::string message;
  int http_status = 0;
};

// Who is calling and where: everything a handler needs besides its input.
struct RequestContext {
  std::string account_id;  // 12 digits
  std::string region;      // e.g. us-east-1
  std::string request_id;  // uuid, echoed in the response
  std::string service;     // model name, e.g. "acm"
  std::string operation;   // e.g. "RequestCertificate"
  std::string access_key_id;  // the caller's, from its signature (empty when unsigned)
};

using Handler = std::function<nlohmann::json(RequestContext&, const nlohmann::json&)>;

// One AWS service: its model name and its operations. Operations missing from the table answer
// the protocol's "not implemented" error.
struct ServiceDefinition {
  std::string model_name;
  std::unordered_map<std::string, Handler> handlers;
  std::function<void()> on_reset;  // drops in-memory state (timers, caches) when /_albatross/reset runs
};

}  // namespace albatross
