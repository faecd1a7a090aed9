// Trust stores (mTLS CA bundles) and GetResourcePolicy. A trust store is created from a CA bundle in S3,
// and Albatross has no S3: no bundle can be found, so CreateTrustStore answers CaCertificatesBundleNotFound
// and every call naming a trust store answers TrustStoreNotFound, as AWS does for ones that do not exist.

#include "services/elbv2/elbv2_service.hpp"

namespace albatross::elbv2 {
namespace {

using Json = nlohmann::json;

AwsError trust_store_not_found() { return AwsError{"TrustStoreNotFoundException", "One or more trust stores not found"}; }

}  // namespace

Json Elbv2Service::create_trust_store(RequestContext&, const Json& in) {
  const std::string bucket = in.at("CaCertificatesBundleS3Bucket");
  const std::string key = in.at("CaCertificatesBundleS3Key");
  throw AwsError{"CaCertificatesBundleNotFoundException",
                 "The CA certificates bundle was not found in S3 bucket '" + bucket + "' with key '" + key + "'"};
}

Json Elbv2Service::describe_trust_stores(RequestContext&, const Json& in) {
  if (!in.value("TrustStoreArns", Json::array()).empty() || !in.value("Names", Json::array()).empty())
    throw trust_store_not_found();
  return {{"TrustStores", Json::array()}};
}

// Every other trust store operation names one, which cannot exist.
Json Elbv2Service::require_trust_store(RequestContext&, const Json&) { throw trust_store_not_found(); }

Json Elbv2Service::get_resource_policy(RequestContext&, const Json& in) {
  // Resource policies exist only for shared trust stores.
  throw AwsError{"ResourceNotFoundException",
                 "The specified resource '" + in.at("ResourceArn").get<std::string>() + "' does not exist"};
}

}  // namespace albatross::elbv2
