#include "services/common/base64.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace albatross;

TEST_CASE("base64 round-trips every padding length") {
  for (const std::string& text : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\x10", 3)})
    CHECK(base64::decode(base64::encode(text)) == text);
  CHECK(base64::encode("foobar") == "Zm9vYmFy");
  CHECK(base64::encode("fo") == "Zm8=");
}

TEST_CASE("base64 decoding refuses garbage and tolerates line breaks") {
  CHECK_FALSE(base64::decode("Zm9v!"));
  CHECK_FALSE(base64::decode("Zm=9v"));
  CHECK(base64::decode("Zm9v\nYmFy") == "foobar");
}
