#include "services/elbv2/snapshot_builder.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <unistd.h>

#include "emulator/clock.hpp"
#include "emulator/scheduler.hpp"
#include "services/acm/acm_service.hpp"
#include "services/elbv2/elbv2_service.hpp"
#include "storage/database.hpp"
#include "storage/resource_store.hpp"

using namespace albatross;

namespace {

struct Fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("albatross-snapshot-test-" + std::to_string(::getpid()));
  boost::asio::io_context io;
  Clock clock;
  Scheduler scheduler{io};
  std::optional<storage::Database> db;
  std::optional<acm::AcmService> acm;
  storage::Scope scope{"123456789012", "us-east-1"};

  Fixture() {
    std::filesystem::create_directories(dir);
    db.emplace(dir / "state.db");
    acm.emplace(acm::AcmDependencies{*db, clock, scheduler, nullptr});
    storage::ResourceStore store(*db);
    nlohmann::json group = {{"Protocol", "HTTP"}, {"Port", 80}, {"TargetType", "ip"}, {"HealthCheckPort", "8081"}};
    store.put(scope, {elbv2::kTargetGroup, "arn:tg", "", "tg", group, 0});
    store.put(scope, {elbv2::kTarget, "arn:tg|10.0.0.5|80", "arn:tg", "", {{"Id", "10.0.0.5"}, {"Port", 80}}, 0});
    store.put(scope, {elbv2::kTarget, "arn:tg|10.0.0.6|80", "arn:tg", "", {{"Id", "10.0.0.6"}, {"Port", 80}}, 0});
  }
  ~Fixture() {
    acm.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
};

}  // namespace

TEST_SUITE("elbv2.snapshot_builder") {
  TEST_CASE("without a resolver targets connect to Id:Port") {
    Fixture f;
    storage::ResourceStore store(*f.db);
    const auto snapshot = elbv2::build_snapshot(store, *f.acm, 1);
    const auto& targets = snapshot->target_groups.at("arn:tg").targets;
    REQUIRE(targets.size() == 2);
    CHECK(routing::connect_address_of(targets[0]) == "10.0.0.5");
    CHECK(routing::connect_port_of(targets[0]) == 80);
    CHECK(targets[0].health_check_port == 0);
  }

  TEST_CASE("the resolver maps traffic and health-check ports; no answer means identity") {
    Fixture f;
    storage::ResourceStore store(*f.db);
    const elbv2::TargetAddressResolver resolver = [](const std::string& id, int port)
        -> std::optional<std::pair<std::string, int>> {
      if (id != "10.0.0.5") return std::nullopt;
      return std::pair<std::string, int>{"127.0.0.1", port == 80 ? 32768 : 32769};
    };
    const auto snapshot = elbv2::build_snapshot(store, *f.acm, 1, resolver);
    const auto& targets = snapshot->target_groups.at("arn:tg").targets;
    REQUIRE(targets.size() == 2);
    CHECK(targets[0].id == "10.0.0.5");  // what AWS shows is unchanged
    CHECK(targets[0].port == 80);
    CHECK(routing::connect_address_of(targets[0]) == "127.0.0.1");
    CHECK(routing::connect_port_of(targets[0]) == 32768);
    CHECK(targets[0].health_check_address == "127.0.0.1");
    CHECK(targets[0].health_check_port == 32769);  // the resolver saw the configured health-check port 8081
    CHECK(routing::connect_address_of(targets[1]) == "10.0.0.6");
    CHECK(routing::connect_port_of(targets[1]) == 80);
  }
}
