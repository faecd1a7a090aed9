// The --registry-listen flag (emulator/config) that places the ECR registry's listener.
#include "emulator/config.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace albatross;

TEST_CASE("--registry-listen defaults to 127.0.0.1:4510 and takes HOST:PORT, :PORT or PORT") {
  ::unsetenv("ALBATROSS_REGISTRY_LISTEN");
  const Config defaults = parse_config({});
  CHECK(defaults.registry_host == "127.0.0.1");
  CHECK(defaults.registry_port == 4510);
  const Config both = parse_config({"--registry-listen", "127.0.0.2:0"});
  CHECK(both.registry_host == "127.0.0.2");
  CHECK(both.registry_port == 0);
  CHECK(parse_config({"--registry-listen=:5000"}).registry_port == 5000);
  CHECK(parse_config({"--registry-listen", "5001"}).registry_host == "127.0.0.1");
  CHECK(parse_config({"--registry-listen", "5001"}).listen_port == 4566);  // the API address is unaffected
  CHECK_THROWS_AS(parse_config({"--registry-listen", "host:99999"}), ConfigError);
  ::setenv("ALBATROSS_REGISTRY_LISTEN", "127.0.0.1:4999", 1);
  CHECK(parse_config({}).registry_port == 4999);
  CHECK(parse_config({"--registry-listen", "4998"}).registry_port == 4998);  // a flag wins
  ::unsetenv("ALBATROSS_REGISTRY_LISTEN");
}
