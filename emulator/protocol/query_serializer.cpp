// Query and EC2 success responses: output JSON -> XML, driven by the output shape.
//
// Query: <OpResponse xmlns="ns"><OpResult>members</OpResult>
//        <ResponseMetadata><RequestId>id</RequestId></ResponseMetadata></OpResponse>
// EC2:   <?xml ...?>\n<OpResponse xmlns="ns/"><requestId>id</requestId>members</OpResponse>
// Element names follow botocore's XML parser: the member's locationName, else its name; a flattened
// list is repeated under its member's locationName (else the member's name). List items are <member>
// (query) / <item> (EC2) unless the list member has a locationName. Timestamps ISO-8601 with millis.
#include <cmath>

#include <nlohmann/json.hpp>

#include "emulator/protocol/serializers.hpp"
#include "emulator/protocol/text_util.hpp"
#include "emulator/protocol/timestamp.hpp"
#include "emulator/protocol/xml_writer.hpp"

namespace albatross::protocol {
namespace {

using nlohmann::json;

std::string_view element_name(const MemberRef& m) {
  if (m.shape->type == ShapeType::List && m.flattened && !m.shape->member.location_name.empty())
    return m.shape->member.location_name;
  return m.location_name.empty() ? std::string_view(m.name) : std::string_view(m.location_name);
}

class XmlOutput {
 public:
  XmlOutput(XmlWriter& xml, bool ec2) : xml_(xml), ec2_(ec2) {}

  // The members of `shape` present in `v`, in model order.
  void members(const Shape& shape, const json& v) {
    if (!v.is_object()) return;
    for (const MemberRef& m : shape.members) {
      auto it = v.find(m.name);
      if (it != v.end()) value(*m.shape, m.flattened, element_name(m), *it);
    }
  }

  void value(const Shape& shape, bool flattened, std::string_view name, const json& v) {
    if (v.is_null()) return;
    switch (shape.type) {
      case ShapeType::Structure: {
        if (!v.is_object()) return;
        const std::size_t start = xml_.size();
        xml_.open(name);
        const std::size_t inner = xml_.size();
        members(shape, v);
        if (xml_.size() == inner) {
          xml_.truncate(start);
          xml_.empty(name);
        } else {
          xml_.close(name);
        }
        return;
      }
      case ShapeType::List: {
        if (!v.is_array()) return;
        const MemberRef& item = shape.member;
        if (flattened) {
          for (const auto& element : v) value(*item.shape, item.flattened, name, element);
          return;
        }
        if (v.empty()) {
          xml_.empty(name);
          return;
        }
        const std::string_view item_name =
            !item.location_name.empty() ? std::string_view(item.location_name)
                                        : std::string_view(ec2_ ? "item" : "member");
        xml_.open(name);
        for (const auto& element : v) value(*item.shape, item.flattened, item_name, element);
        xml_.close(name);
        return;
      }
      case ShapeType::Map: {
        if (!v.is_object()) return;
        const std::string_view key_name =
            shape.key.location_name.empty() ? std::string_view("key") : std::string_view(shape.key.location_name);
        const std::string_view value_name = shape.value.location_name.empty()
                                                ? std::string_view("value")
                                                : std::string_view(shape.value.location_name);
        if (!flattened && v.empty()) {
          xml_.empty(name);
          return;
        }
        if (!flattened) xml_.open(name);
        for (const auto& [k, item] : v.items()) {
          const std::string_view entry = flattened ? name : std::string_view("entry");
          xml_.open(entry);
          xml_.element(key_name, k);
          value(*shape.value.shape, shape.value.flattened, value_name, item);
          xml_.close(entry);
        }
        if (!flattened) xml_.close(name);
        return;
      }
      default:
        xml_.element(name, scalar(shape, v));
        return;
    }
  }

 private:
  static std::string scalar(const Shape& shape, const json& v) {
    switch (shape.type) {
      case ShapeType::Timestamp:
        if (v.is_number()) return format_iso8601(v.get<double>());
        if (v.is_string()) {
          if (auto epoch = parse_timestamp(v.get_ref<const std::string&>())) return format_iso8601(*epoch);
        }
        return scalar_text(v);
      case ShapeType::Integer:
      case ShapeType::Long:
        if (v.is_number_float() && v.get<double>() == std::trunc(v.get<double>()))
          return format_double(v.get<double>());
        return scalar_text(v);
      default:
        return scalar_text(v);
    }
  }

  XmlWriter& xml_;
  bool ec2_;
};

}  // namespace

WireResponse serialize_xml_output(const ServiceModel& model, const OperationModel& operation, const json& output,
                                  std::string_view request_id) {
  const bool ec2 = model.wire() == Wire::Ec2;
  XmlWriter xml;
  const std::string response_name = operation.name() + "Response";
  if (ec2) xml.declaration();
  xml.open(response_name, model.xml_namespace());
  XmlOutput writer(xml, ec2);
  if (ec2) {
    xml.element("requestId", request_id);
    if (operation.output()) writer.members(*operation.output(), output);
  } else if (operation.output() && !operation.result_wrapper().empty()) {
    static const json kEmpty = json::object();
    writer.value(*operation.output(), false, operation.result_wrapper(), output.is_object() ? output : kEmpty);
  } else if (operation.output()) {
    writer.members(*operation.output(), output);
  }
  if (!ec2) {
    xml.open("ResponseMetadata");
    xml.element("RequestId", request_id);
    xml.close("ResponseMetadata");
  }
  xml.close(response_name);
  return WireResponse{200, ec2 ? "text/xml;charset=UTF-8" : "text/xml", xml.take()};
}

}  // namespace albatross::protocol
