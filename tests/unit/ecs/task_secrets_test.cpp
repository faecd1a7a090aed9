#include "services/ecs/task_secrets.hpp"

#include <doctest/doctest.h>

using nlohmann::json;
using namespace albatross::ecs;

namespace {

SecretSources sources() {
  SecretSources out;
  out.parameter = [](const albatross::storage::Scope&, const std::string& reference) -> std::optional<std::string> {
    if (reference == "/app/a" || reference == "arn:aws:ssm:us-east-1:1:parameter/app/a") return "from-ssm";
    return std::nullopt;
  };
  out.secret = [](const albatross::storage::Scope& scope, const std::string& id, const std::string& stage,
                  const std::string&) -> std::pair<std::optional<std::string>, std::string> {
    if (id.ends_with(":secret:db-AbCdEf") && scope.region == "eu-west-1")
      return {stage == "AWSPREVIOUS" ? R"({"password":"old"})" : R"({"password":"pw","port":5432})", ""};
    return {std::nullopt, "ResourceNotFoundException: Secrets Manager can't find the specified secret."};
  };
  return out;
}

json definition(json secrets, json extra = json::object()) {
  json container = {{"name", "main"}, {"secrets", secrets}};
  container.update(extra);
  return {{"containerDefinitions", json::array({container})}};
}

const albatross::storage::Scope kScope{"1", "us-east-1"};
const std::string kDb = "arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf";

}  // namespace

TEST_CASE("secrets become environment variables, json keys and stages selected") {
  const auto out = resolve_task_secrets(
      definition({{{"name", "A"}, {"valueFrom", "/app/a"}},
                  {{"name", "P"}, {"valueFrom", kDb + ":password::"}},
                  {{"name", "PORT"}, {"valueFrom", kDb + ":port::"}},
                  {{"name", "OLD"}, {"valueFrom", kDb + ":password:AWSPREVIOUS:"}},
                  {{"name", "WHOLE"}, {"valueFrom", kDb}}}),
      json::object(), kScope, sources());
  CHECK(out.error.empty());
  CHECK(out.environment.at("main") ==
        std::vector<std::string>{"A=from-ssm", "P=pw", "PORT=5432", "OLD=old", R"(WHOLE={"password":"pw","port":5432})"});
}

TEST_CASE("the agent's stoppedReason for what cannot be fetched") {
  const std::string prefix =
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";
  auto out = resolve_task_secrets(definition({{{"name", "A"}, {"valueFrom", "/x"}}, {{"name", "B"}, {"valueFrom", "/y"}}}),
                                  json::object(), kScope, sources());
  CHECK(out.error == prefix + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid "
                              "ssm parameters: /x,/y");
  out = resolve_task_secrets(definition({{{"name", "K"}, {"valueFrom", kDb + ":nokey::"}}}), json::object(), kScope,
                             sources());
  CHECK(out.error.starts_with(prefix + "unable to retrieve secret from asm: "));
  CHECK(out.error.ends_with("did not contain json key nokey"));
  out = resolve_task_secrets(definition(json::array(), {{"environmentFiles", {{{"value", "arn:aws:s3:::b/k"}}}}}),
                             json::object(), kScope, sources());
  CHECK(out.error.starts_with("ResourceInitializationError: failed to download env files:"));
  json task = {{"overrides", {{"containerOverrides", {{{"name", "main"}, {"environmentFiles", {{{"value", "x"}}}}}}}}}};
  out = resolve_task_secrets(definition(json::array()), task, kScope, sources());
  CHECK_FALSE(out.error.empty());
}
