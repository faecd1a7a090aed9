// JSON 1.1 success responses and the serialize_output dispatcher.
// The handler's output is walked through the output shape: members not in the shape are dropped,
// timestamps become epoch seconds (from epoch numbers or ISO-8601 strings), non-string scalars given
// for string members become strings, integral doubles given for integer members become integers.
#include <cmath>

#include <nlohmann/json.hpp>

#include "emulator/protocol/serializers.hpp"
#include "emulator/protocol/text_util.hpp"
#include "emulator/protocol/timestamp.hpp"

namespace albatross::protocol {
namespace {

using nlohmann::json;

// A discarded json = leave the member out.
json shaped(const Shape& shape, const json& v) {
  if (v.is_null()) return json(json::value_t::discarded);
  switch (shape.type) {
    case ShapeType::Structure: {
      if (shape.document) return v;
      if (!v.is_object()) return json(json::value_t::discarded);
      json out = json::object();
      for (const MemberRef& m : shape.members) {
        auto it = v.find(m.name);
        if (it == v.end()) continue;
        json item = shaped(*m.shape, *it);
        if (!item.is_discarded()) out[m.input_name] = std::move(item);
      }
      return out;
    }
    case ShapeType::List: {
      if (!v.is_array()) return json(json::value_t::discarded);
      json out = json::array();
      for (const auto& element : v) {
        json item = shaped(*shape.member.shape, element);
        if (!item.is_discarded()) out.push_back(std::move(item));
      }
      return out;
    }
    case ShapeType::Map: {
      if (!v.is_object()) return json(json::value_t::discarded);
      json out = json::object();
      for (const auto& [k, element] : v.items()) {
        json item = shaped(*shape.value.shape, element);
        if (!item.is_discarded()) out[k] = std::move(item);
      }
      return out;
    }
    case ShapeType::Timestamp:
      if (v.is_string()) {
        if (auto epoch = parse_timestamp(v.get_ref<const std::string&>())) {
          if (*epoch == std::trunc(*epoch) && std::fabs(*epoch) < 1e15) return static_cast<std::int64_t>(*epoch);
          return *epoch;
        }
      }
      return v;
    case ShapeType::String:
      if (!v.is_string() && !v.is_structured()) return scalar_text(v);
      return v;
    case ShapeType::Integer:
    case ShapeType::Long:
      if (v.is_number_float() && v.get<double>() == std::trunc(v.get<double>()) && std::fabs(v.get<double>()) < 9e18)
        return static_cast<std::int64_t>(v.get<double>());
      return v;
    default:
      return v;
  }
}

}  // namespace

WireResponse serialize_json_output(const ServiceModel& model, const OperationModel& operation, const json& output) {
  const std::string content_type = "application/x-amz-json-" + model.json_version();
  if (!operation.output()) return WireResponse{200, content_type, "{}"};
  json body = shaped(*operation.output(), output);
  if (body.is_discarded() || !body.is_object()) body = json::object();
  return WireResponse{200, content_type, body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

WireResponse serialize_output(const ServiceModel& model, const OperationModel& operation, const json& output,
                              std::string_view request_id) {
  if (model.wire() == Wire::Json) return serialize_json_output(model, operation, output);
  return serialize_xml_output(model, operation, output, request_id);
}

}  // namespace albatross::protocol
