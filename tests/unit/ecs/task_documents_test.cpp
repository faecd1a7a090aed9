#include "services/ecs/task_documents.hpp"

#include <doctest/doctest.h>

#include "services/ecs/ecs_names.hpp"

using albatross::ecs::NewTask;
using Json = nlohmann::json;

namespace {

Json definition(const char* network_mode) {
  return {{"taskDefinitionArn", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1"},
          {"networkMode", network_mode},
          {"containerDefinitions", Json::array({{{"name", "app"}, {"image", "app:1"}}})}};
}

NewTask task_of(const Json& task_definition, Json network) {
  NewTask task;
  task.region = "us-east-1";
  task.account_id = "123456789012";
  task.cluster_arn = "arn:aws:ecs:us-east-1:123456789012:cluster/default";
  task.cluster_name = "default";
  task.task_id = std::string(32, 'a');
  task.task_definition = &task_definition;
  task.launch_type = "FARGATE";
  task.network_configuration = std::move(network);
  return task;
}

}  // namespace

TEST_SUITE("ecs.task_documents") {
  TEST_CASE("an awsvpc task keeps its ENI's security groups and subnets privately, for security-group filtering") {
    const Json awsvpc = definition("awsvpc");
    const Json network = {{"awsvpcConfiguration", {{"subnets", {"subnet-1"}}, {"securityGroups", {"sg-1"}}}}};
    const Json doc = albatross::ecs::new_task_document(task_of(awsvpc, network));
    CHECK(doc["_awsvpcConfiguration"]["securityGroups"] == Json::array({"sg-1"}));
    CHECK(doc["_awsvpcConfiguration"]["subnets"] == Json::array({"subnet-1"}));
    CHECK_FALSE(albatross::ecs::public_view(doc).contains("_awsvpcConfiguration"));  // not in DescribeTasks
  }

  TEST_CASE("other network modes keep no awsvpc configuration") {
    const Json bridge = definition("bridge");
    CHECK_FALSE(albatross::ecs::new_task_document(task_of(bridge, nullptr)).contains("_awsvpcConfiguration"));
  }
}
