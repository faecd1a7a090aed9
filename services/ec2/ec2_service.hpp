#pragma once
// EC2, the networking subset load-balancer and ECS tutorials touch: a default VPC per account and region,
// subnets, security groups and their rules, availability zones, tags. Handlers run on the control thread
// inside the gateway's transaction.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross::storage {
class Database;
}

namespace albatross::ec2 {

class Ec2Service {
 public:
  explicit Ec2Service(storage::Database& db);

  // Look-ups for other services (ELBv2, ECS). Each first makes sure the scope's default network exists.
  // Documents are in the EC2 model's output shapes (Subnet, SecurityGroup, Vpc).
  std::optional<nlohmann::json> subnet(const storage::Scope& scope, const std::string& subnet_id);
  std::optional<nlohmann::json> security_group(const storage::Scope& scope, const std::string& group_id);
  std::optional<nlohmann::json> vpc(const storage::Scope& scope, const std::string& vpc_id);
  nlohmann::json default_vpc(const storage::Scope& scope);
  // The "default" security group of a VPC.
  nlohmann::json default_security_group(const storage::Scope& scope, const std::string& vpc_id);

  ServiceDefinition definition();

 private:
  storage::Database& db_;
  storage::ResourceStore store_;
};

}  // namespace albatross::ec2
