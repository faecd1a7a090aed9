#include "services/acm/domain_names.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <regex>

using namespace albatross::acm;

TEST_CASE("DomainName comes first and repeated names are dropped case-insensitively") {
  const auto names = certificate_names("example.com", {"www.example.com", "EXAMPLE.com", "*.example.com", "www.example.com"});
  CHECK(names == std::vector<std::string>{"example.com", "www.example.com", "*.example.com"});
}

TEST_CASE("a wildcard is only the whole leftmost label") {
  CHECK(name_problem("*.example.com").empty());
  CHECK(name_problem("www.example.com").empty());
  CHECK_FALSE(name_problem("foo.*.example.com").empty());
  CHECK_FALSE(name_problem("*foo.example.com").empty());
  CHECK_FALSE(name_problem("*.*.example.com").empty());
  CHECK_FALSE(name_problem("*").empty());
}

TEST_CASE("validation records have ACM's shape and a wildcard shares its base domain's record") {
  const auto record = dns_validation_record("123456789012", "example.com");
  CHECK(record["Type"] == "CNAME");
  CHECK(std::regex_match(record["Name"].get<std::string>(), std::regex("_[0-9a-f]{32}\\.example\\.com\\.")));
  CHECK(std::regex_match(record["Value"].get<std::string>(),
                         std::regex("_[0-9a-f]{32}\\.[a-z]{10}\\.acm-validations\\.aws\\.")));
  CHECK(dns_validation_record("123456789012", "*.example.com") == record);
  CHECK(dns_validation_record("123456789012", "example.com") == record);  // stable, as ACM's are
  CHECK(dns_validation_record("210987654321", "example.com") != record);  // per account
}

TEST_CASE("email validation goes to the five administrative addresses of the base domain") {
  const auto emails = validation_emails("*.shop.example.com");
  REQUIRE(emails.size() == 5);
  CHECK(emails.front() == "admin@shop.example.com");
  CHECK(emails.back() == "webmaster@shop.example.com");
}
