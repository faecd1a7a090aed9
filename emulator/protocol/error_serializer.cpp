// Error envelopes of the three wires.
//
// The AwsError code may name an error shape of the model (or that shape's wire code). Then the wire
// code is the shape's error.code (else the shape name; JSON always uses the shape name as __type) and
// the status the shape's error.httpStatusCode (else 500 for `fault` shapes, else 400). A non-zero
// AwsError::http_status always wins.
//   Query: <ErrorResponse xmlns="ns"><Error><Type>Sender|Receiver</Type><Code>c</Code>
//          <Message>m</Message></Error><RequestId>id</RequestId></ErrorResponse>   (text/xml)
//   EC2:   <?xml ...?>\n<Response><Errors><Error><Code>c</Code><Message>m</Message></Error></Errors>
//          <RequestID>id</RequestID></Response>                                   (text/xml;charset=UTF-8)
//   JSON:  {"__type":"ShapeName","message":"m"}  ("Message" when the shape models only that)
#include <nlohmann/json.hpp>

#include "emulator/protocol/protocol.hpp"
#include "emulator/protocol/service_model.hpp"
#include "emulator/protocol/xml_writer.hpp"

namespace albatross::protocol {
namespace {

struct ErrorParts {
  std::string code;
  std::string message_key = "message";
  int status = 400;
};

WireResponse envelope(Wire wire, std::string_view xmlns, std::string_view json_version, const ErrorParts& parts,
                      const AwsError& error, std::string_view request_id) {
  if (wire == Wire::Json) {
    nlohmann::json body = {{"__type", parts.code}, {parts.message_key, error.message}};
    return WireResponse{parts.status, "application/x-amz-json-" + std::string(json_version),
                        body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }
  XmlWriter xml;
  if (wire == Wire::Ec2) {
    xml.declaration();
    xml.open("Response");
    xml.open("Errors");
    xml.open("Error");
    xml.element("Code", parts.code);
    xml.element("Message", error.message);
    xml.close("Error");
    xml.close("Errors");
    xml.element("RequestID", request_id);
    xml.close("Response");
    return WireResponse{parts.status, "text/xml;charset=UTF-8", xml.take()};
  }
  xml.open("ErrorResponse", xmlns);
  xml.open("Error");
  xml.element("Type", parts.status >= 500 ? "Receiver" : "Sender");
  xml.element("Code", parts.code);
  xml.element("Message", error.message);
  xml.close("Error");
  xml.element("RequestId", request_id);
  xml.close("ErrorResponse");
  return WireResponse{parts.status, "text/xml", xml.take()};
}

}  // namespace

WireResponse serialize_error(const ServiceModel& model, const AwsError& error, std::string_view request_id) {
  ErrorParts parts;
  parts.code = error.code;
  if (const Shape* shape = model.error_shape(error.code)) {
    if (model.wire() == Wire::Json) {
      parts.code = shape->name;
      if (shape->find_member("Message") && !shape->find_member("message")) parts.message_key = "Message";
    } else {
      parts.code = shape->error_code.empty() ? shape->name : shape->error_code;
    }
    if (shape->http_status != 0) parts.status = shape->http_status;
    else if (!shape->sender_fault) parts.status = 500;
  }
  if (error.http_status != 0) parts.status = error.http_status;
  return envelope(model.wire(), model.xml_namespace(), model.json_version(), parts, error, request_id);
}

WireResponse serialize_error(Wire wire, const AwsError& error, std::string_view request_id) {
  ErrorParts parts;
  parts.code = error.code;
  if (error.http_status != 0) parts.status = error.http_status;
  return envelope(wire, {}, "1.1", parts, error, request_id);
}

}  // namespace albatross::protocol
