#include "services/ec2/ec2_service.hpp"

#include "storage/database.hpp"

namespace albatross::ec2 {

// Placeholder until the EC2 networking subset lands: no operations yet.
Ec2Service::Ec2Service(storage::Database& db) : db_(db), store_(db) {}

std::optional<nlohmann::json> Ec2Service::subnet(const storage::Scope&, const std::string&) { return std::nullopt; }
std::optional<nlohmann::json> Ec2Service::security_group(const storage::Scope&, const std::string&) {
  return std::nullopt;
}
std::optional<nlohmann::json> Ec2Service::vpc(const storage::Scope&, const std::string&) { return std::nullopt; }
nlohmann::json Ec2Service::default_vpc(const storage::Scope&) { return nlohmann::json::object(); }
nlohmann::json Ec2Service::default_security_group(const storage::Scope&, const std::string&) {
  return nlohmann::json::object();
}

ServiceDefinition Ec2Service::definition() {
  ServiceDefinition definition;
  definition.model_name = "ec2";
  return definition;
}

}  // namespace albatross::ec2
