#include "services/ecr/registry_token.hpp"

#include <doctest/doctest.h>

#include "services/common/base64.hpp"

using namespace albatross;
using namespace albatross::ecr;

TEST_CASE("the registry password carries account, region and expiry") {
  const RegistryCredentials credentials{"123456789012", "eu-west-1", 1800000000};
  const auto parsed = parse_registry_password(make_registry_password(credentials));
  REQUIRE(parsed);
  CHECK(parsed->account_id == "123456789012");
  CHECK(parsed->region == "eu-west-1");
  CHECK(parsed->expires_at == doctest::Approx(1800000000));
  CHECK(make_registry_password(credentials) != make_registry_password(credentials));  // a fresh nonce each time
}

TEST_CASE("the authorization token is base64 of AWS:<password> and parses back from a Basic header") {
  const RegistryCredentials credentials{"000000000000", "us-east-1", 1800000000};
  const std::string token = make_authorization_token(credentials);
  const auto decoded = base64::decode(token);
  REQUIRE(decoded);
  CHECK(decoded->starts_with("AWS:"));
  const auto parsed = parse_basic_authorization("Basic " + token);
  REQUIRE(parsed);
  CHECK(parsed->account_id == "000000000000");
  CHECK(parse_basic_authorization("basic  " + token + " "));
}

TEST_CASE("foreign or malformed credentials are refused") {
  CHECK_FALSE(parse_basic_authorization(""));
  CHECK_FALSE(parse_basic_authorization("Bearer abc"));
  CHECK_FALSE(parse_basic_authorization("Basic !!!"));
  CHECK_FALSE(parse_basic_authorization("Basic " + base64::encode("AWS:password")));
  const std::string password = make_registry_password({"000000000000", "us-east-1", 1});
  CHECK_FALSE(parse_basic_authorization("Basic " + base64::encode("admin:" + password)));
  CHECK_FALSE(parse_registry_password(base64::encode(R"({"type":"other","account":"1","region":"r","expiration":1})")));
}

TEST_CASE("the presigned-URL form of the password has no characters a query would change") {
  for (int i = 0; i < 20; ++i) {
    const std::string encoded = url_encoded_password({"000000000000", "us-east-1", 1800000000.0 + i});
    CHECK(encoded.find_first_of("+/=") == std::string::npos);
  }
}
