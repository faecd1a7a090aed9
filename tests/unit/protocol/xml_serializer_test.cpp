#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "emulator/protocol/service_model.hpp"
#include "emulator/protocol/xml_writer.hpp"

using namespace albatross::protocol;
using nlohmann::json;

namespace {

WireResponse output(const char* service, const char* operation, const char* output_json) {
  const ServiceModel& model = *service_model(service);
  return serialize_output(model, *model.operation(operation), json::parse(output_json), "req-1");
}

constexpr const char* kElbNs = R"(xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/")";

}  // namespace

TEST_CASE("xml writer escapes text") {
  XmlWriter xml;
  xml.open("A", "urn:x&y");
  xml.element("B", "<a & 'b' \"c\">\r\n\t\x01z");
  xml.empty("C");
  xml.close("A");
  CHECK(xml.str() == "<A xmlns=\"urn:x&amp;y\"><B>&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;&#13;\n\tz</B><C/></A>");
}

TEST_CASE("query output: DescribeLoadBalancers with nested structures, lists, timestamps") {
  const WireResponse r = output("elbv2", "DescribeLoadBalancers", R"({
    "LoadBalancers": [{
      "LoadBalancerArn": "arn:lb", "DNSName": "a-1.us-east-1.elb.amazonaws.com",
      "CreatedTime": 1458940772.92, "LoadBalancerName": "a", "Scheme": "internet-facing",
      "State": {"Code": "active"}, "Type": "application",
      "AvailabilityZones": [{"ZoneName": "us-east-1a", "SubnetId": "subnet-1", "LoadBalancerAddresses": []}],
      "SecurityGroups": ["sg-1", "sg-2"], "IpAddressType": "ipv4",
      "NotInShape": "dropped"
    }],
    "NextMarker": "m<&>"
  })");
  CHECK(r.status == 200);
  CHECK(r.content_type == "text/xml");
  CHECK(r.body == std::string("<DescribeLoadBalancersResponse ") + kElbNs +
                      "><DescribeLoadBalancersResult><LoadBalancers><member>"
                      "<LoadBalancerArn>arn:lb</LoadBalancerArn><DNSName>a-1.us-east-1.elb.amazonaws.com</DNSName>"
                      "<CreatedTime>2016-03-25T21:19:32.920Z</CreatedTime><LoadBalancerName>a</LoadBalancerName>"
                      "<Scheme>internet-facing</Scheme><State><Code>active</Code></State><Type>application</Type>"
                      "<AvailabilityZones><member><ZoneName>us-east-1a</ZoneName><SubnetId>subnet-1</SubnetId>"
                      "<LoadBalancerAddresses/></member></AvailabilityZones>"
                      "<SecurityGroups><member>sg-1</member><member>sg-2</member></SecurityGroups>"
                      "<IpAddressType>ipv4</IpAddressType></member></LoadBalancers>"
                      "<NextMarker>m&lt;&amp;&gt;</NextMarker></DescribeLoadBalancersResult>"
                      "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
                      "</DescribeLoadBalancersResponse>");
}

TEST_CASE("query output: timestamps given as ISO strings, empty lists, booleans, numbers") {
  const WireResponse r = output("elbv2", "DescribeLoadBalancers",
                                R"({"LoadBalancers": [{"CreatedTime": "2016-03-25T21:26:12Z"}]})");
  CHECK(r.body.find("<CreatedTime>2016-03-25T21:26:12.000Z</CreatedTime>") != std::string::npos);
  CHECK(output("elbv2", "DescribeLoadBalancers", R"({"LoadBalancers": []})").body ==
        std::string("<DescribeLoadBalancersResponse ") + kElbNs +
            "><DescribeLoadBalancersResult><LoadBalancers/></DescribeLoadBalancersResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeLoadBalancersResponse>");
  const WireResponse listeners = output("elbv2", "DescribeListeners", R"({"Listeners": [
      {"ListenerArn": "arn:l", "Port": 443.0, "Protocol": "HTTPS",
       "Certificates": [{"CertificateArn": "arn:c", "IsDefault": true}]}]})");
  CHECK(listeners.body.find("<Port>443</Port>") != std::string::npos);
  CHECK(listeners.body.find("<Certificates><member><CertificateArn>arn:c</CertificateArn><IsDefault>true</IsDefault>"
                            "</member></Certificates>") != std::string::npos);
}

TEST_CASE("query output: DescribeTargetHealth") {
  const WireResponse r = output("elbv2", "DescribeTargetHealth", R"({"TargetHealthDescriptions": [
    {"Target": {"Id": "10.0.0.1", "Port": 8080}, "HealthCheckPort": "8080",
     "TargetHealth": {"State": "unhealthy", "Reason": "Target.ResponseCodeMismatch",
                      "Description": "Health checks failed with these codes: [502]"}}]})");
  CHECK(r.body == std::string("<DescribeTargetHealthResponse ") + kElbNs +
                      "><DescribeTargetHealthResult><TargetHealthDescriptions><member>"
                      "<Target><Id>10.0.0.1</Id><Port>8080</Port></Target><HealthCheckPort>8080</HealthCheckPort>"
                      "<TargetHealth><State>unhealthy</State><Reason>Target.ResponseCodeMismatch</Reason>"
                      "<Description>Health checks failed with these codes: [502]</Description></TargetHealth>"
                      "</member></TargetHealthDescriptions></DescribeTargetHealthResult>"
                      "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
                      "</DescribeTargetHealthResponse>");
}

TEST_CASE("query output: operations without members still carry an empty Result") {
  CHECK(output("elbv2", "DeleteLoadBalancer", "{}").body ==
        std::string("<DeleteLoadBalancerResponse ") + kElbNs +
            "><DeleteLoadBalancerResult/><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
            "</DeleteLoadBalancerResponse>");
  CHECK(output("elbv2", "DeleteLoadBalancer", "null").body.find("<DeleteLoadBalancerResult/>") != std::string::npos);
}

TEST_CASE("query output: maps (iam GetAccountSummary)") {
  const WireResponse r = output("iam", "GetAccountSummary", R"({"SummaryMap": {"Users": 3, "Groups": 0}})");
  CHECK(r.body ==
        "<GetAccountSummaryResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetAccountSummaryResult>"
        "<SummaryMap><entry><key>Groups</key><value>0</value></entry><entry><key>Users</key><value>3</value></entry>"
        "</SummaryMap></GetAccountSummaryResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
        "</GetAccountSummaryResponse>");
}

TEST_CASE("ec2 output: DescribeSubnets with <item> lists and locationNames") {
  const WireResponse r = output("ec2", "DescribeSubnets", R"({"Subnets": [
    {"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24", "AvailableIpAddressCount": 251,
     "DefaultForAz": false, "MapPublicIpOnLaunch": true, "State": "available",
     "Tags": [{"Key": "Name", "Value": "a & b"}]}]})");
  CHECK(r.status == 200);
  CHECK(r.content_type == "text/xml;charset=UTF-8");
  CHECK(r.body ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<DescribeSubnetsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>req-1</requestId>"
        "<subnetSet><item><tagSet><item><key>Name</key><value>a &amp; b</value></item></tagSet>"
        "<subnetId>subnet-1</subnetId><state>available</state><vpcId>vpc-1</vpcId><cidrBlock>10.0.0.0/24</cidrBlock>"
        "<availableIpAddressCount>251</availableIpAddressCount><defaultForAz>false</defaultForAz>"
        "<mapPublicIpOnLaunch>true</mapPublicIpOnLaunch></item></subnetSet></DescribeSubnetsResponse>");
  CHECK(output("ec2", "DescribeSubnets", R"({"Subnets": []})").body.find("<subnetSet/>") != std::string::npos);
}
