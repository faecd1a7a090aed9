#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "emulator/protocol/service_model.hpp"

using namespace albatross::protocol;
using albatross::AwsError;
using nlohmann::json;

TEST_CASE("query errors: shape name -> wire code and status") {
  const ServiceModel& elbv2 = *service_model("elbv2");
  WireResponse r = serialize_error(elbv2, {"LoadBalancerNotFoundException", "One or more load balancers not found"}, "r1");
  CHECK(r.status == 400);
  CHECK(r.content_type == "text/xml");
  CHECK(r.body ==
        "<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><Error><Type>Sender</Type>"
        "<Code>LoadBalancerNotFound</Code><Message>One or more load balancers not found</Message></Error>"
        "<RequestId>r1</RequestId></ErrorResponse>");
  r = serialize_error(elbv2, {"ALPNPolicyNotSupportedException", "x"}, "r1");
  CHECK(r.body.find("<Code>ALPNPolicyNotFound</Code>") != std::string::npos);
  r = serialize_error(elbv2, {"PriorRequestNotCompleteException", "slow down"}, "r1");
  CHECK(r.status == 429);
  CHECK(r.body.find("<Code>PriorRequestNotComplete</Code>") != std::string::npos);
  r = serialize_error(elbv2, {"LoadBalancerNotFound", "by wire code"}, "r1");  // the wire code works too
  CHECK(r.body.find("<Code>LoadBalancerNotFound</Code>") != std::string::npos);
  r = serialize_error(elbv2, {"ValidationError", "bad <input>"}, "r1");
  CHECK(r.status == 400);
  CHECK(r.body.find("<Code>ValidationError</Code><Message>bad &lt;input&gt;</Message>") != std::string::npos);
  r = serialize_error(elbv2, {"InternalFailure", "boom", 500}, "r1");
  CHECK(r.status == 500);
  CHECK(r.body.find("<Type>Receiver</Type>") != std::string::npos);
  r = serialize_error(elbv2, {"LoadBalancerNotFoundException", "explicit status wins", 404}, "r1");
  CHECK(r.status == 404);
}

TEST_CASE("ec2 errors") {
  const WireResponse r = serialize_error(*service_model("ec2"), {"InvalidSubnetID.NotFound", "The subnet ID 'x' does not exist"}, "r2");
  CHECK(r.status == 400);
  CHECK(r.content_type == "text/xml;charset=UTF-8");
  CHECK(r.body ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>InvalidSubnetID.NotFound</Code>"
        "<Message>The subnet ID &apos;x&apos; does not exist</Message></Error></Errors><RequestID>r2</RequestID>"
        "</Response>");
}

TEST_CASE("json errors: __type, message key, fault status") {
  const ServiceModel& ecs = *service_model("ecs");
  WireResponse r = serialize_error(ecs, {"ClusterNotFoundException", "Cluster not found."}, "r3");
  CHECK(r.status == 400);
  CHECK(r.content_type == "application/x-amz-json-1.1");
  CHECK(json::parse(r.body) == json::parse(R"({"__type": "ClusterNotFoundException", "message": "Cluster not found."})"));
  r = serialize_error(ecs, {"ServerException", "oops"}, "r3");
  CHECK(r.status == 500);
  r = serialize_error(*service_model("acm"), {"AccessDeniedException", "no"}, "r3");
  CHECK(json::parse(r.body) == json::parse(R"({"__type": "AccessDeniedException", "Message": "no"})"));
  r = serialize_error(*service_model("acm"), {"ResourceNotFoundException", "gone"}, "r3");
  CHECK(json::parse(r.body) == json::parse(R"({"__type": "ResourceNotFoundException", "message": "gone"})"));
  r = serialize_error(*service_model("acm"), {"SerializationException", "bad"}, "r3");
  CHECK(r.status == 400);
  CHECK(json::parse(r.body)["__type"] == "SerializationException");
}

TEST_CASE("errors without a model") {
  WireResponse r = serialize_error(Wire::Query, {"InvalidAction", "Could not find operation Foo"}, "r4");
  CHECK(r.status == 400);
  CHECK(r.body == "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>"
                  "<Message>Could not find operation Foo</Message></Error><RequestId>r4</RequestId></ErrorResponse>");
  r = serialize_error(Wire::Json, {"UnknownOperationException", "", 0}, "r4");
  CHECK(json::parse(r.body) == json::parse(R"({"__type": "UnknownOperationException", "message": ""})"));
  r = serialize_error(Wire::Ec2, {"InternalError", "x", 503}, "r4");
  CHECK(r.status == 503);
  CHECK(r.body.find("<Code>InternalError</Code>") != std::string::npos);
}
