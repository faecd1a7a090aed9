#include <doctest/doctest.h>

#include "emulator/protocol/timestamp.hpp"

using namespace albatross::protocol;

TEST_CASE("timestamps: ISO-8601 parsing") {
  CHECK(parse_timestamp("2016-03-25T21:26:12Z") == 1458941172.0);
  CHECK(*parse_timestamp("2016-03-25T21:26:12.920Z") == doctest::Approx(1458941172.92));
  CHECK(*parse_timestamp("2016-03-25T21:26:12.123456Z") == doctest::Approx(1458941172.123456));
  CHECK(parse_timestamp("2016-03-25T22:26:12+01:00") == 1458941172.0);
  CHECK(parse_timestamp("2016-03-25T20:26:12-0100") == 1458941172.0);
  CHECK(parse_timestamp("2016-03-25T21:26:12") == 1458941172.0);
  CHECK(parse_timestamp("2016-03-25 21:26:12") == 1458941172.0);
  CHECK(parse_timestamp("2016-03-25T21:26Z") == 1458941160.0);
  CHECK(parse_timestamp("2016-03-25") == 1458864000.0);
  CHECK(parse_timestamp("1970-01-01T00:00:00Z") == 0.0);
  CHECK(parse_timestamp("2000-02-29T00:00:00Z") == 951782400.0);
  CHECK(parse_timestamp("1458941172") == 1458941172.0);
  CHECK(*parse_timestamp("1458941172.5") == 1458941172.5);
  CHECK_FALSE(parse_timestamp(""));
  CHECK_FALSE(parse_timestamp("soon"));
  CHECK_FALSE(parse_timestamp("2016-13-01"));
  CHECK_FALSE(parse_timestamp("2015-02-29"));
  CHECK_FALSE(parse_timestamp("2016-03-25T25:00:00Z"));
  CHECK_FALSE(parse_timestamp("2016-03-25T21:26:12Zjunk"));
  CHECK_FALSE(parse_timestamp("nan"));
}

TEST_CASE("timestamps: formatting") {
  CHECK(format_iso8601(1458941172.92) == "2016-03-25T21:26:12.920Z");
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso8601(951782400) == "2000-02-29T00:00:00.000Z");
  CHECK(format_iso8601(1510811361.128) == "2017-11-16T05:49:21.128Z");
  CHECK(format_iso8601(-1.5) == "1969-12-31T23:59:58.500Z");
  CHECK(format_iso8601(253402300799.999) == "9999-12-31T23:59:59.999Z");
}
