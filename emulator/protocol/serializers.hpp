#pragma once
// Per-wire success serializers behind serialize_output (protocol.hpp).

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "emulator/protocol/protocol.hpp"
#include "emulator/protocol/service_model.hpp"

namespace albatross::protocol {

// Query and EC2 XML (query_serializer.cpp).
WireResponse serialize_xml_output(const ServiceModel& model, const OperationModel& operation,
                                  const nlohmann::json& output, std::string_view request_id);
// JSON 1.1 (json_serializer.cpp).
WireResponse serialize_json_output(const ServiceModel& model, const OperationModel& operation,
                                   const nlohmann::json& output);

}  // namespace albatross::protocol
