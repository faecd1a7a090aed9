#pragma once
// EC2, the networking subset load-balancer and ECS tutorials touch: a default VPC per account and region,
// subnets, security groups and their rules, internet gateways and route tables, availability zones, tags.
// Handlers run on the control thread inside the gateway's transaction.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "services/ec2/network.hpp"
#include "services/service.hpp"
#include "storage/resource_store.hpp"

namespace albatross {
class ChangeFeed;
}
namespace albatross::storage {
class Database;
}

namespace albatross::ec2 {

class Ec2Service {
 public:
  // `changes` (optional) gets the "ec2" topic after every call that may change something (not Describe*), so
  // the load balancers' security-group filtering follows rule changes at once.
  explicit Ec2Service(storage::Database& db, ChangeFeed* changes = nullptr);

  // Look-ups for other services (ELBv2, ECS). Each first makes sure the scope's default network exists.
  // Documents are in the EC2 model's output shapes (Subnet, SecurityGroup, Vpc).
  std::optional<nlohmann::json> subnet(const storage::Scope& scope, const std::string& subnet_id);
  std::optional<nlohmann::json> security_group(const storage::Scope& scope, const std::string& group_id);
  std::optional<nlohmann::json> vpc(const storage::Scope& scope, const std::string& vpc_id);
  // The default VPC; an empty object when the account deleted it.
  nlohmann::json default_vpc(const storage::Scope& scope);
  // The "default" security group of a VPC; an empty object when the VPC does not exist.
  nlohmann::json default_security_group(const storage::Scope& scope, const std::string& vpc_id);

  // A launch template's stored document (with its private `_Versions`) by id, else by name.
  std::optional<nlohmann::json> launch_template(const storage::Scope& scope, const std::string& id,
                                                const std::string& name);

  // The Availability Zone of the VPC's subnet whose IPv4 CIDR block holds `address`; empty when none does.
  std::string zone_of_address(const storage::Scope& scope, const std::string& vpc_id, const std::string& address);

  // Lets another service veto DeleteVpc / DeleteSubnet / DeleteSecurityGroup (DependencyViolation) while it
  // uses that VPC, subnet or security group, e.g. a load balancer or target group. The check gets the id.
  void add_dependency_check(DependencyCheck check);

  ServiceDefinition definition();

 private:
  Network network(const storage::Scope& scope);

  storage::Database& db_;
  ChangeFeed* changes_;
  storage::ResourceStore store_;
  std::vector<DependencyCheck> dependency_checks_;
};

}  // namespace albatross::ec2
