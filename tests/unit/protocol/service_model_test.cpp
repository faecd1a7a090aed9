#include <doctest/doctest.h>

#include "emulator/protocol/service_model.hpp"

using namespace albatross::protocol;

TEST_CASE("service_model: metadata of the embedded models") {
  const ServiceModel* elbv2 = service_model("elbv2");
  REQUIRE(elbv2 != nullptr);
  CHECK(elbv2->name() == "elbv2");
  CHECK(elbv2->wire() == Wire::Query);
  CHECK(elbv2->api_version() == "2015-12-01");
  CHECK(elbv2->signing_name() == "elasticloadbalancing");
  CHECK(elbv2->xml_namespace() == "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/");
  CHECK(elbv2->validation_error_code() == "ValidationError");

  const ServiceModel* acm = service_model("acm");
  REQUIRE(acm != nullptr);
  CHECK(acm->wire() == Wire::Json);
  CHECK(acm->target_prefix() == "CertificateManager");
  CHECK(acm->signing_name() == "acm");
  CHECK(acm->validation_error_code() == "ValidationException");

  const ServiceModel* ec2 = service_model("ec2");
  REQUIRE(ec2 != nullptr);
  CHECK(ec2->wire() == Wire::Ec2);
  CHECK(ec2->xml_namespace() == "http://ec2.amazonaws.com/doc/2016-11-15/");
  CHECK(ec2->validation_error_code() == "InvalidParameterValue");

  CHECK(service_model("ecr")->signing_name() == "ecr");
  CHECK(service_model("ecr")->target_prefix() == "AmazonEC2ContainerRegistry_V20150921");
  CHECK(service_model("ecs")->validation_error_code() == "InvalidParameterException");
  CHECK(service_model("logs")->validation_error_code() == "InvalidParameterException");
  CHECK(service_model("iam")->wire() == Wire::Query);
  CHECK(service_model("sts")->validation_error_code() == "ValidationError");
  CHECK(service_model("application-autoscaling")->validation_error_code() == "ValidationException");
  CHECK(service_model("nope") == nullptr);
  CHECK(service_model("elbv2") == elbv2);  // cached
}

TEST_CASE("service_model: operations, shapes and error traits") {
  const ServiceModel& m = *service_model("elbv2");
  const OperationModel* op = m.operation("DescribeLoadBalancers");
  REQUIRE(op != nullptr);
  CHECK(op->name() == "DescribeLoadBalancers");
  CHECK(op->result_wrapper() == "DescribeLoadBalancersResult");
  REQUIRE(op->input() != nullptr);
  CHECK(op->input()->name == "DescribeLoadBalancersInput");
  CHECK(m.operation("NoSuchOperation") == nullptr);

  const Shape* nf = m.error_shape("LoadBalancerNotFoundException");
  REQUIRE(nf != nullptr);
  CHECK(nf->error_code == "LoadBalancerNotFound");
  CHECK(nf->http_status == 400);
  CHECK(m.error_shape("LoadBalancerNotFound") == nf);  // by wire code too
  CHECK(m.error_shape("PriorRequestNotCompleteException")->http_status == 429);
  CHECK(m.error_shape("DescribeLoadBalancersInput") == nullptr);  // not an exception shape

  const Shape* action = m.shape("Action");
  REQUIRE(action != nullptr);
  CHECK(action->type == ShapeType::Structure);
  const MemberRef* type = action->find_member("Type");
  REQUIRE(type != nullptr);
  CHECK(type->required);
  CHECK(type->shape->enum_values.size() >= 5);

  const ServiceModel& ec2 = *service_model("ec2");
  const Shape* req = ec2.operation("DescribeSubnets")->input();
  CHECK(req->find_member("Filters")->input_name == "Filter");
  CHECK(req->find_member("DryRun")->input_name == "DryRun");  // locationName dryRun, capitalized
  CHECK(req->find_member("NextToken")->input_name == "NextToken");
}
