#pragma once
// The EC2 operations Albatross serves. Each takes the scope's Network (default network already ensured,
// DryRun already answered) and the validated input, and returns the output shape as JSON.

#include <nlohmann/json.hpp>

#include "services/ec2/network.hpp"

namespace albatross::ec2::handlers {

using Json = nlohmann::json;

// vpc_handlers.cpp
Json describe_vpcs(Network& net, const Json& in);
Json create_vpc(Network& net, const Json& in);
Json delete_vpc(Network& net, const Json& in);
Json modify_vpc_attribute(Network& net, const Json& in);
Json describe_vpc_attribute(Network& net, const Json& in);

// subnet_handlers.cpp
Json describe_subnets(Network& net, const Json& in);
Json create_subnet(Network& net, const Json& in);
Json delete_subnet(Network& net, const Json& in);
Json modify_subnet_attribute(Network& net, const Json& in);

// security_group_handlers.cpp
Json describe_security_groups(Network& net, const Json& in);
Json create_security_group(Network& net, const Json& in);
Json delete_security_group(Network& net, const Json& in);

// rule_handlers.cpp
Json authorize_ingress(Network& net, const Json& in);
Json authorize_egress(Network& net, const Json& in);
Json revoke_ingress(Network& net, const Json& in);
Json revoke_egress(Network& net, const Json& in);
Json describe_security_group_rules(Network& net, const Json& in);

// tag_handlers.cpp
Json create_tags(Network& net, const Json& in);
Json delete_tags(Network& net, const Json& in);
Json describe_tags(Network& net, const Json& in);

// gateway_handlers.cpp
Json describe_internet_gateways(Network& net, const Json& in);
Json create_internet_gateway(Network& net, const Json& in);
Json attach_internet_gateway(Network& net, const Json& in);
Json detach_internet_gateway(Network& net, const Json& in);
Json delete_internet_gateway(Network& net, const Json& in);

// route_table_handlers.cpp
Json describe_route_tables(Network& net, const Json& in);
Json create_route_table(Network& net, const Json& in);
Json delete_route_table(Network& net, const Json& in);
Json create_route(Network& net, const Json& in);
Json replace_route(Network& net, const Json& in);
Json delete_route(Network& net, const Json& in);
Json associate_route_table(Network& net, const Json& in);
Json disassociate_route_table(Network& net, const Json& in);

// account_handlers.cpp
Json describe_availability_zones(Network& net, const Json& in);
Json describe_regions(Network& net, const Json& in);
Json describe_account_attributes(Network& net, const Json& in);

// address_handlers.cpp
Json allocate_address(Network& net, const Json& in);
Json describe_addresses(Network& net, const Json& in);
Json release_address(Network& net, const Json& in);
Json associate_address(Network& net, const Json& in);
Json disassociate_address(Network& net, const Json& in);

// nat_gateway_handlers.cpp
Json create_nat_gateway(Network& net, const Json& in);
Json describe_nat_gateways(Network& net, const Json& in);
Json delete_nat_gateway(Network& net, const Json& in);

// launch_template_handlers.cpp
Json create_launch_template(Network& net, const Json& in);
Json create_launch_template_version(Network& net, const Json& in);
Json describe_launch_templates(Network& net, const Json& in);
Json describe_launch_template_versions(Network& net, const Json& in);
Json modify_launch_template(Network& net, const Json& in);
Json delete_launch_template(Network& net, const Json& in);

// network_interface_handlers.cpp
Json describe_network_interfaces(Network& net, const Json& in);

// instance_handlers.cpp
Json describe_instances(Network& net, const Json& in);
Json describe_images(Network& net, const Json& in);
Json describe_key_pairs(Network& net, const Json& in);

}  // namespace albatross::ec2::handlers
