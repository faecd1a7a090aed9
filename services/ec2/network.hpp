#pragma once
// One account's EC2 networking in one region, over the generic ResourceStore: typed look-ups that throw
// EC2's errors, rendering of stored documents into the model's output shapes, and creation of VPCs with
// their implicit parts. Stored documents are the output shapes without Tags (tags live in the store's tag
// table); members starting with '_' are private and never rendered.

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "services/ec2/resource_types.hpp"
#include "services/ec2/security_group_rules.hpp"
#include "storage/resource_store.hpp"

namespace albatross::ec2 {

// True when another service uses the VPC, subnet or security group with this id (a load balancer, a target
// group): DeleteVpc / DeleteSubnet / DeleteSecurityGroup then answer DependencyViolation.
using DependencyCheck = std::function<bool(const storage::Scope&, const std::string& resource_id)>;

inline constexpr char kDefaultVpcCidr[] = "172.31.0.0/16";
inline constexpr char kDefaultGroupName[] = "default";

class Network {
 public:
  Network(storage::ResourceStore& store, storage::Scope scope, const std::vector<DependencyCheck>* checks = nullptr)
      : store_(store), scope_(std::move(scope)), checks_(checks) {}

  const storage::Scope& scope() const { return scope_; }
  const std::string& account() const { return scope_.account_id; }
  const std::string& region() const { return scope_.region; }
  storage::ResourceStore& store() { return store_; }

  // The default VPC (172.31.0.0/16), its subnets in <region>a/b/c, default security group, internet
  // gateway and main route table, created once per account and region (not again after DeleteVpc).
  void ensure_defaults();
  std::optional<storage::Resource> default_vpc() const;
  // The scope's DHCP options id (all VPCs share it).
  std::string dhcp_options_id() const;

  std::optional<storage::Resource> find(const ResourceType& type, const std::string& id) const;
  // Throws the type's Malformed / NotFound error.
  storage::Resource require(const ResourceType& type, const std::string& id) const;
  std::vector<storage::Resource> list(const ResourceType& type) const {
    return store_.list(scope_, std::string(type.kind));
  }
  std::vector<storage::Resource> children(const ResourceType& type, const std::string& parent) const {
    return store_.children(scope_, std::string(type.kind), parent);
  }
  storage::Resource save(storage::Resource resource) { return store_.put(scope_, std::move(resource)); }
  void remove(const ResourceType& type, const std::string& id) { store_.remove(scope_, std::string(type.kind), id); }

  // Security groups are unique by name within a VPC.
  std::optional<storage::Resource> group_by_name(const std::string& vpc_id, const std::string& name) const;
  // A group named in a request without its id: it lives in the default VPC.
  storage::Resource require_group_in_default_vpc(const std::string& name) const;
  // GroupId, else GroupName (default VPC); MissingParameter when neither.
  storage::Resource require_group_of(const nlohmann::json& in) const;
  std::vector<nlohmann::json> rules_of(const std::string& group_id, bool egress) const;

  // The stored document with its Tags, private members dropped.
  nlohmann::json render(const storage::Resource& resource) const;
  // A security group with IpPermissions and IpPermissionsEgress from its rules.
  nlohmann::json render_group(const storage::Resource& group) const;

  // A VPC with its default security group and main route table (state "available").
  storage::Resource create_vpc(const std::string& cidr, bool is_default);
  storage::Resource create_subnet(const storage::Resource& vpc, const std::string& cidr, int zone_index,
                                  bool default_for_az);
  // A group with EC2's default egress rule (all traffic to 0.0.0.0/0).
  storage::Resource create_group(const std::string& vpc_id, const std::string& name, const std::string& description);
  // Stores one rule of `group_id` and returns its SecurityGroupRule document.
  nlohmann::json add_rule(const std::string& group_id, const RuleSpec& rule);
  // Removes a security group with its rules (and their tags).
  void delete_group(const std::string& group_id);

  // Another service uses it (DependencyViolation when deleting).
  bool in_use_elsewhere(const std::string& resource_id) const;

 private:
  storage::ResourceStore& store_;
  storage::Scope scope_;
  const std::vector<DependencyCheck>* checks_;
};

}  // namespace albatross::ec2
