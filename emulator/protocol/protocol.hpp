#pragma once
// The AWS wire protocols, driven by the botocore models: request bytes -> validated input JSON,
// output JSON -> response bytes, AwsError -> the protocol's error envelope.
//
// Internal JSON conventions (both directions): member names exactly as in the model; timestamps are
// epoch seconds (JSON number, fraction allowed); blobs are base64 strings; absent optional members are
// simply absent.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "services/service.hpp"

namespace albatross::protocol {

class ServiceModel;
class OperationModel;

enum class Wire { Query, Ec2, Json };

// The embedded model named `name` ("acm", "elbv2", "ec2", ...), parsed on first use (thread-safe);
// nullptr when no such model is embedded.
const ServiceModel* service_model(std::string_view name);
// Raw embedded JSON text of a model (empty when unknown). Defined in the generated embedded_models.cpp.
std::string_view embedded_model_json(std::string_view name);

// Decoded `application/x-www-form-urlencoded` pairs, in order.
using FormParams = std::vector<std::pair<std::string, std::string>>;
// Decodes a form body or query string ('+' is a space, %XX escapes). Malformed escapes throw AwsError.
FormParams parse_form_urlencoded(std::string_view text);

// Query and EC2 protocols: form parameters (Action and Version included, ignored here) -> validated input.
// Throws AwsError (validation) with the service's validation error code and AWS's message wording.
nlohmann::json parse_form_input(const ServiceModel& model, const OperationModel& operation,
                                const FormParams& params);
// JSON 1.1 protocol: request body -> validated input. Empty body counts as {}.
// Malformed JSON or wrong member types throw AwsError "SerializationException".
nlohmann::json parse_json_input(const ServiceModel& model, const OperationModel& operation,
                                std::string_view body);

struct WireResponse {
  int status = 200;
  std::string content_type;
  std::string body;
};

// A handler's output JSON -> the protocol's success response (XML with Result wrapper and RequestId for
// query; EC2 XML with requestId; JSON with epoch timestamps).
WireResponse serialize_output(const ServiceModel& model, const OperationModel& operation,
                              const nlohmann::json& output, std::string_view request_id);
// An error -> the protocol's envelope with the model's wire code and HTTP status.
WireResponse serialize_error(const ServiceModel& model, const AwsError& error, std::string_view request_id);
// The same for a request whose service could not be identified at all (plain JSON/XML by a guess).
WireResponse serialize_error(Wire wire, const AwsError& error, std::string_view request_id);

}  // namespace albatross::protocol
