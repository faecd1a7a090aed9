#pragma once
// Each load balancer's own loopback address (127.x.y.z), derived from its ARN so it is stable across
// restarts; only that load balancer listens there.

#include <string>
#include <string_view>

namespace albatross::routing {

std::string loopback_address_for(std::string_view load_balancer_arn);

}  // namespace albatross::routing
