#include "emulator/gateway.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <exception>

#include "emulator/change_feed.hpp"
#include "emulator/log.hpp"
#include "emulator/protocol/protocol.hpp"
#include "emulator/protocol/service_model.hpp"
#include "emulator/request_identity.hpp"
#include "services/common/ids.hpp"
#include "storage/database.hpp"

namespace albatross {
namespace {

using protocol::Wire;

std::string_view form_value(const protocol::FormParams& params, std::string_view name) {
  for (const auto& [key, value] : params)
    if (key == name) return value;
  return {};
}

bool is_form_content(std::string_view content_type) {
  return content_type.find("application/x-www-form-urlencoded") != std::string_view::npos;
}

bool is_json_content(std::string_view content_type) {
  return content_type.empty() || content_type.find("json") != std::string_view::npos;
}

HttpResponse to_http(const protocol::WireResponse& wire, const std::string& request_id) {
  HttpResponse response;
  response.status = wire.status;
  response.body = wire.body;
  response.set_header("Content-Type", wire.content_type);
  response.set_header("x-amzn-RequestId", request_id);
  return response;
}

struct Failure {
  AwsError error;
  Wire wire;
};

}  // namespace

Gateway::Gateway(storage::Database& db, ChangeFeed& changes, std::string default_account, std::string default_region)
    : db_(db), changes_(changes), default_account_(std::move(default_account)), default_region_(std::move(default_region)) {}

void Gateway::add_service(ServiceDefinition service) {
  const std::string name = service.model_name;
  services_[name] = std::move(service);
}

void Gateway::add_path_handler(std::string prefix, PathHandler handler) {
  path_handlers_[std::move(prefix)] = std::move(handler);
}

HttpResponse Gateway::handle(HttpRequest& request) {
  const std::string_view path = request.path();
  for (const auto& [prefix, handler] : path_handlers_)
    if (path.starts_with(prefix)) return handler(request);
  return handle_aws(request, ids::uuid4());
}

HttpResponse Gateway::reject(HttpRequest& request, int status, std::string message) {
  const Wire wire = request.header("X-Amz-Target").empty() ? Wire::Query : Wire::Json;
  const char* code = status == 413 ? "RequestEntityTooLargeException" : "BadRequestException";
  const std::string request_id = ids::uuid4();
  log::info("- - " + std::to_string(status) + " refused: " + message);
  return to_http(protocol::serialize_error(wire, AwsError{code, std::move(message), status}, request_id),
                 request_id);
}

HttpResponse Gateway::handle_aws(HttpRequest& request, const std::string& request_id) {
  const auto started = std::chrono::steady_clock::now();
  RequestIdentity identity{"", "", default_account_, default_region_, false};
  int status = 500;
  HttpResponse response;
  try {
    const bool json_target = !request.header("X-Amz-Target").empty();
    protocol::FormParams form;
    try {
      form = protocol::parse_form_urlencoded(request.query());
      if (!json_target && request.method == "POST" && is_form_content(request.header("Content-Type"))) {
        auto body_params = protocol::parse_form_urlencoded(request.body);
        form.insert(form.end(), body_params.begin(), body_params.end());
      }
    } catch (const AwsError& error) {
      throw Failure{error, json_target ? Wire::Json : Wire::Query};
    }
    identity = identify_request(
        request, FormFields{form_value(form, "Action"), form_value(form, "Version"), form_value(form, "X-Amz-Credential")},
        default_account_, default_region_);
    const Wire guessed_wire = identity.json_protocol ? Wire::Json : Wire::Query;
    if (identity.model_name.empty()) {
      if (json_target)
        throw Failure{{"UnknownOperationException",
                       "No AWS service served here has the target '" + std::string(request.header("X-Amz-Target")) +
                           "'"},
                      Wire::Json};
      if (form_value(form, "Action").empty())
        throw Failure{{"MissingAction", "Could not tell which AWS service and operation this request is for: "
                                        "no X-Amz-Target header and no Action parameter"},
                      Wire::Query};
      throw Failure{{"InvalidAction", "The action " + std::string(form_value(form, "Action")) +
                                          " is not valid for API version '" +
                                          std::string(form_value(form, "Version")) + "'"},
                    Wire::Query};
    }
    const protocol::ServiceModel* model = protocol::service_model(identity.model_name);
    if (!model) throw Failure{{"InternalFailure", "service model missing: " + identity.model_name, 500}, guessed_wire};
    RequestContext context{identity.account_id, identity.region,    request_id,
                           identity.model_name, identity.operation, identity.access_key_id};
    try {
      const protocol::OperationModel* operation = model->operation(identity.operation);
      if (!operation) {
        if (model->wire() == Wire::Json)
          throw AwsError{"UnknownOperationException",
                         "Operation '" + identity.operation + "' is not part of " + model->name()};
        throw AwsError{identity.operation.empty() ? "MissingAction" : "InvalidAction",
                       "The action " + identity.operation + " is not valid for this web service."};
      }
      const auto service = services_.find(identity.model_name);
      const Handler* handler = nullptr;
      if (service != services_.end()) {
        const auto found = service->second.handlers.find(operation->name());
        if (found != service->second.handlers.end()) handler = &found->second;
      }
      if (!handler)
        throw AwsError{model->wire() == Wire::Json ? "UnknownOperationException" : "InvalidAction",
                       "Albatross does not implement " + model->name() + " " + operation->name() + " yet"};
      nlohmann::json input;
      if (model->wire() == Wire::Json) {
        if (!is_json_content(request.header("Content-Type")))
          throw AwsError{"SerializationException", "Content-Type '" + std::string(request.header("Content-Type")) +
                                                       "' is not supported; send application/x-amz-json-1.1"};
        input = protocol::parse_json_input(*model, *operation, request.body);
      } else {
        input = protocol::parse_form_input(*model, *operation, form);
      }
      nlohmann::json output;
      try {
        db_.in_transaction([&] { output = (*handler)(context, input); });
      } catch (...) {
        changes_.discard();
        throw;
      }
      changes_.publish();
      const auto wire = protocol::serialize_output(*model, *operation, output, request_id);
      status = wire.status;
      response = to_http(wire, request_id);
    } catch (const AwsError& error) {
      const auto wire = protocol::serialize_error(*model, error, request_id);
      status = wire.status;
      response = to_http(wire, request_id);
    }
  } catch (const Failure& failure) {
    const auto wire = protocol::serialize_error(failure.wire, failure.error, request_id);
    status = wire.status;
    response = to_http(wire, request_id);
  } catch (const std::exception& e) {
    log::error(std::string("internal failure in ") + identity.model_name + " " + identity.operation + ": " + e.what());
    const Wire wire = request.header("X-Amz-Target").empty() ? Wire::Query : Wire::Json;
    const auto serialized =
        protocol::serialize_error(wire, AwsError{"InternalFailure", "Internal failure: " + std::string(e.what()), 500},
                                  request_id);
    status = serialized.status;
    response = to_http(serialized, request_id);
  }
  if (log::enabled(LogLevel::Info)) {
    const double millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.2fms", millis);
    log::info((identity.model_name.empty() ? std::string("-") : identity.model_name) + " " +
              (identity.operation.empty() ? std::string("-") : identity.operation) + " " + std::to_string(status) +
              " " + duration + " " + identity.account_id + " " + identity.region);
  }
  return response;
}

}  // namespace albatross
