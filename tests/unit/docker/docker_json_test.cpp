#include "services/docker/container_spec.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "services/common/base64.hpp"
#include "services/docker/docker_objects.hpp"
#include "services/docker/image_reference.hpp"

using namespace albatross;
using namespace albatross::docker;
using nlohmann::json;

TEST_CASE("container create body carries the full HostConfig") {
  ContainerSpec spec;
  spec.image = "albatross-test-app:1";
  spec.cmd = std::vector<std::string>{"--port", "8080"};
  spec.entrypoint = std::vector<std::string>{"/test_app"};
  spec.env = {"A=1"};
  spec.user = "1000:1000";
  spec.working_dir = "/tmp";
  spec.labels = {{"albatross.managed", "true"}};
  spec.ports = {{8080, "tcp", 0, "127.0.0.1"}, {53, "udp", 5353, "127.0.0.1"}};
  spec.network_mode = "container:abc123";
  spec.extra_hosts = {"db:10.0.0.5"};
  spec.binds = {"/srv/data:/data:ro"};
  spec.mounts = {{"volume", "", "/cache", false}};
  spec.ulimits = {{"nofile", 1024, 4096}};
  spec.memory_bytes = 512LL << 20;
  spec.nano_cpus = 500000000;
  spec.readonly_rootfs = true;
  spec.healthcheck = Healthcheck{{"CMD", "/test_app", "--check"}, 1000000000, 2000000000, 0, 3};
  spec.stop_timeout_seconds = 7;
  spec.stop_signal = "SIGTERM";
  spec.log_config = LogConfig{"json-file", {{"max-size", "10m"}}};
  const json body = container_create_body(spec);
  CHECK(body["Image"] == "albatross-test-app:1");
  CHECK(body["Entrypoint"] == json::array({"/test_app"}));
  CHECK(body["Cmd"] == json::array({"--port", "8080"}));
  CHECK(body["ExposedPorts"].contains("8080/tcp"));
  CHECK(body["ExposedPorts"].contains("53/udp"));
  const json& host = body["HostConfig"];
  CHECK(host["PortBindings"]["8080/tcp"][0] == json{{"HostIp", "127.0.0.1"}, {"HostPort", ""}});
  CHECK(host["PortBindings"]["53/udp"][0]["HostPort"] == "5353");
  CHECK(host["NetworkMode"] == "container:abc123");
  CHECK(host["ExtraHosts"] == json::array({"db:10.0.0.5"}));
  CHECK(host["Binds"] == json::array({"/srv/data:/data:ro"}));
  CHECK(host["Mounts"][0] == json{{"Type", "volume"}, {"Target", "/cache"}, {"ReadOnly", false}});
  CHECK(host["Ulimits"][0] == json{{"Name", "nofile"}, {"Soft", 1024}, {"Hard", 4096}});
  CHECK(host["Memory"] == 536870912);
  CHECK(host["NanoCpus"] == 500000000);
  CHECK(host["ReadonlyRootfs"] == true);
  CHECK(host["LogConfig"] == json{{"Type", "json-file"}, {"Config", {{"max-size", "10m"}}}});
  CHECK(body["Healthcheck"] == json{{"Test", {"CMD", "/test_app", "--check"}}, {"Interval", 1000000000},
                                    {"Timeout", 2000000000}, {"Retries", 3}});
  CHECK(body["StopTimeout"] == 7);
  CHECK(body["StopSignal"] == "SIGTERM");
  CHECK(body["User"] == "1000:1000");
  CHECK(body["WorkingDir"] == "/tmp");
  CHECK(body["Labels"]["albatross.managed"] == "true");
  CHECK_FALSE(body.contains("NetworkingConfig"));  // aliases are not allowed with container: networking
}

TEST_CASE("container create body: sharing, security and device options") {
  ContainerSpec spec;
  spec.image = "x";
  spec.links = {"db:database"};
  spec.volumes_from = {"data:ro"};
  spec.pid_mode = "container:abc";
  spec.ipc_mode = "shareable";
  spec.security_opt = {"no-new-privileges"};
  spec.devices = {{"/dev/fuse", "", "rwm"}};
  spec.dns_options = {"ndots:2"};
  spec.memory_swap_bytes = -1;
  spec.network_mode = "albatross-net";
  spec.network_aliases = {"web"};
  const json body = container_create_body(spec);
  const json& host = body["HostConfig"];
  CHECK(host["Links"] == json::array({"db:database"}));
  CHECK(host["VolumesFrom"] == json::array({"data:ro"}));
  CHECK(host["PidMode"] == "container:abc");
  CHECK(host["IpcMode"] == "shareable");
  CHECK(host["SecurityOpt"] == json::array({"no-new-privileges"}));
  CHECK(host["Devices"][0] == json{{"PathOnHost", "/dev/fuse"}, {"PathInContainer", "/dev/fuse"}, {"CgroupPermissions", "rwm"}});
  CHECK(host["DnsOptions"] == json::array({"ndots:2"}));
  CHECK(host["MemorySwap"] == -1);
  CHECK(body["NetworkingConfig"]["EndpointsConfig"]["albatross-net"]["Aliases"] == json::array({"web"}));
}

TEST_CASE("unset optional fields are left to the image's defaults") {
  ContainerSpec spec;
  spec.image = "x";
  const json body = container_create_body(spec);
  CHECK_FALSE(body.contains("Cmd"));
  CHECK_FALSE(body.contains("Entrypoint"));
  CHECK_FALSE(body.contains("ExposedPorts"));
  CHECK(body["HostConfig"] == json::object());
  spec.entrypoint = std::vector<std::string>{};  // explicitly empty: clears the image's entrypoint
  CHECK(container_create_body(spec)["Entrypoint"] == json::array());
}

TEST_CASE("container inspect parses state, health, addresses and published ports") {
  const json body = json::parse(R"({
    "Id": "abc", "Name": "/web", "Image": "sha256:1",
    "Config": {"Image": "app:1", "Labels": {"k": "v"}, "Tty": false},
    "HostConfig": {"NetworkMode": "bridge"},
    "State": {"Status": "exited", "Running": false, "OOMKilled": true, "ExitCode": 137, "Pid": 0, "Error": "",
              "StartedAt": "2026-11-24T19:00:00Z", "FinishedAt": "2026-11-24T19:01:00Z",
              "Health": {"Status": "unhealthy", "FailingStreak": 3, "Log": [{"Output": "first"}, {"Output": "last"}]}},
    "NetworkSettings": {"IPAddress": "", "Networks": {"bridge": {"IPAddress": "172.17.0.2"}},
                        "Ports": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "49153"}], "81/tcp": null}}
  })");
  const auto info = parse_container(body);
  CHECK(info.name == "web");
  CHECK(info.image == "app:1");
  CHECK(info.status == "exited");
  CHECK(info.oom_killed);
  CHECK(info.exit_code == 137);
  CHECK(info.health_status == "unhealthy");
  CHECK(info.health_output == "last");
  CHECK(info.health_failing_streak == 3);
  CHECK(info.ip_address == "172.17.0.2");
  REQUIRE(info.ports.size() == 1);
  CHECK(info.ports[0].container_port == 80);
  CHECK(info.ports[0].host_port == 49153);
  CHECK(info.ports[0].host_ip == "127.0.0.1");
  CHECK(info.labels.at("k") == "v");
  CHECK(parse_container(json::object()).status.empty());  // never throws on missing fields
}

TEST_CASE("events parse with their actor attributes") {
  const auto event = parse_event(json::parse(
      R"({"Type":"container","Action":"health_status: healthy","Actor":{"ID":"abc","Attributes":{"name":"web","exitCode":"0"}},"timeNano":1700000000123456789})"));
  CHECK(event.type == "container");
  CHECK(event.action == "health_status: healthy");
  CHECK(event.id == "abc");
  CHECK(event.attributes.at("name") == "web");
  CHECK(event.time_nano == 1700000000123456789);
}

TEST_CASE("label filters") {
  CHECK(json::parse(label_filters_json({{"a", "1"}, {"b", ""}})) == json{{"label", {"a=1", "b"}}});
  CHECK(json::parse(label_filters_json({}, {{"type", {"container"}}})) == json{{"type", {"container"}}});
}

TEST_CASE("image references: registry ports are not tags, digests win") {
  auto ref = parse_image_reference("localhost:5000/team/app:v2");
  CHECK(ref.repository == "localhost:5000/team/app");
  CHECK(ref.tag == "v2");
  ref = parse_image_reference("localhost:5000/team/app");
  CHECK(ref.repository == "localhost:5000/team/app");
  CHECK(ref.tag == "latest");
  ref = parse_image_reference("app:1@sha256:abcd");
  CHECK(ref.repository == "app");
  CHECK(ref.tag.empty());
  CHECK(ref.digest == "sha256:abcd");
}

TEST_CASE("registry auth header is URL-safe base64 JSON") {
  const auto header = registry_auth_header("AWS", "p?>?>", "localhost:4566");
  CHECK(header.find('+') == std::string::npos);
  CHECK(header.find('/') == std::string::npos);
  std::string standard = header;
  for (char& c : standard) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  const auto decoded = base64::decode(standard);
  REQUIRE(decoded);
  CHECK(json::parse(*decoded) == json{{"username", "AWS"}, {"password", "p?>?>"}, {"serveraddress", "localhost:4566"}});
}
