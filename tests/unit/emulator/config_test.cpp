#include "emulator/config.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using albatross::Config;
using albatross::ConfigError;
using albatross::parse_config;

REGISTER_EXCEPTION_TRANSLATOR(const ConfigError& error) { return doctest::String(error.message.c_str()); }

TEST_CASE("config defaults match the documented ones") {
  const Config config = parse_config({});
  CHECK(config.listen_host == "127.0.0.1");
  CHECK(config.listen_port == 4566);
  CHECK(config.account_id == "000000000000");
  CHECK(config.region == "us-east-1");
  CHECK(config.time_scale == 1.0);
}

TEST_CASE("flags accept both --flag value and --flag=value") {
  const Config config = parse_config({"--listen", "127.0.0.2:5000", "--account-id=123456789012", "--region",
                                      "eu-west-1", "--time-scale", "0.01", "--log-level=debug"});
  CHECK(config.listen_host == "127.0.0.2");
  CHECK(config.listen_port == 5000);
  CHECK(config.account_id == "123456789012");
  CHECK(config.region == "eu-west-1");
  CHECK(config.time_scale == doctest::Approx(0.01));
  CHECK(config.log_level == albatross::LogLevel::Debug);
}

TEST_CASE("a port alone or :port keeps the loopback host") {
  CHECK(parse_config({"--listen", "4600"}).listen_port == 4600);
  const Config config = parse_config({"--listen", ":4601"});
  CHECK(config.listen_host == "127.0.0.1");
  CHECK(config.listen_port == 4601);
}

TEST_CASE("environment variables apply and flags win over them") {
  setenv("ALBATROSS_REGION", "ap-south-1", 1);
  setenv("ALBATROSS_TIME_SCALE", "0.5", 1);
  const Config from_env = parse_config({});
  CHECK(from_env.region == "ap-south-1");
  CHECK(from_env.time_scale == doctest::Approx(0.5));
  CHECK(parse_config({"--region", "us-west-2"}).region == "us-west-2");
  unsetenv("ALBATROSS_REGION");
  unsetenv("ALBATROSS_TIME_SCALE");
}

TEST_CASE("bad values are refused with a message naming them") {
  CHECK_THROWS_WITH_AS(parse_config({"--account-id", "12"}), doctest::Contains("12 digits"), ConfigError);
  CHECK_THROWS_AS(parse_config({"--listen", "127.0.0.1:99999"}), ConfigError);
  CHECK_THROWS_AS(parse_config({"--time-scale", "0"}), ConfigError);
  CHECK_THROWS_AS(parse_config({"--time-scale", "fast"}), ConfigError);
  CHECK_THROWS_AS(parse_config({"--region", "Mars"}), ConfigError);
  CHECK_THROWS_AS(parse_config({"--log-level", "loud"}), ConfigError);
  CHECK_THROWS_AS(parse_config({"--bogus"}), ConfigError);
  CHECK_THROWS_AS(parse_config({"--region"}), ConfigError);
}

TEST_CASE("--help is reported as help, not as an error") {
  try {
    parse_config({"--help"});
    FAIL("expected ConfigError");
  } catch (const ConfigError& error) {
    CHECK(error.help);
    CHECK(error.message.find("--time-scale") != std::string::npos);
  }
}

TEST_CASE("security groups filter by default; --security-groups=off or the variable turns them off") {
  CHECK(parse_config({}).security_groups);
  CHECK_FALSE(parse_config({"--security-groups=off"}).security_groups);
  CHECK(parse_config({"--security-groups", "on"}).security_groups);
  CHECK_THROWS_AS(parse_config({"--security-groups", "maybe"}), ConfigError);
  ::setenv("ALBATROSS_SECURITY_GROUPS", "off", 1);
  const bool from_env = parse_config({}).security_groups;
  const bool flag_wins = parse_config({"--security-groups=on"}).security_groups;
  ::unsetenv("ALBATROSS_SECURITY_GROUPS");
  CHECK_FALSE(from_env);
  CHECK(flag_wins);
}
