#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "services/service.hpp"

// Failed checks show an AwsError's code and message instead of "unknown exception".
REGISTER_EXCEPTION_TRANSLATOR(const albatross::AwsError& error) {
  return doctest::String((error.code + ": " + error.message).c_str());
}
