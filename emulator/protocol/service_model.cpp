#include "emulator/protocol/service_model.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>


namespace albatross::protocol {
namespace {

using json = nlohmann::ordered_json;

// The error code each service answers input validation failures with. The one table of it.
std::string validation_code_for(std::string_view service, Wire wire) {
  static constexpr std::pair<std::string_view, std::string_view> kCodes[] = {
      {"elbv2", "ValidationError"},
      {"iam", "ValidationError"},
      {"sts", "ValidationError"},
      {"ec2", "InvalidParameterValue"},  // a missing required member answers MissingParameter instead
      {"acm", "ValidationException"},
      {"application-autoscaling", "ValidationException"},
      {"ecs", "InvalidParameterException"},
      {"ecr", "InvalidParameterException"},
      {"logs", "InvalidParameterException"},
  };
  for (const auto& [name, code] : kCodes)
    if (name == service) return std::string(code);
  switch (wire) {
    case Wire::Query: return "ValidationError";
    case Wire::Ec2: return "InvalidParameterValue";
    case Wire::Json: return "ValidationException";
  }
  return "ValidationError";
}

ShapeType parse_type(const std::string& type) {
  static const std::pair<std::string_view, ShapeType> kTypes[] = {
      {"structure", ShapeType::Structure}, {"list", ShapeType::List},       {"map", ShapeType::Map},
      {"string", ShapeType::String},       {"integer", ShapeType::Integer}, {"long", ShapeType::Long},
      {"float", ShapeType::Float},         {"double", ShapeType::Double},   {"boolean", ShapeType::Boolean},
      {"timestamp", ShapeType::Timestamp}, {"blob", ShapeType::Blob},       {"character", ShapeType::String},
      {"byte", ShapeType::Integer},        {"short", ShapeType::Integer},   {"bigdecimal", ShapeType::Double},
      {"biginteger", ShapeType::Long},
  };
  for (const auto& [name, value] : kTypes)
    if (name == type) return value;
  throw std::runtime_error("unsupported shape type: " + type);
}

Bound parse_bound(const json& value) {
  Bound bound;
  if (value.is_number_integer()) {
    bound.set = true;
    bound.i = value.get<std::int64_t>();
    bound.d = static_cast<double>(bound.i);
  } else if (value.is_number()) {
    bound.set = true;
    bound.integral = false;
    bound.d = value.get<double>();
  }
  return bound;
}

std::string string_field(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool bool_field(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

std::string namespace_uri(const json& object) {
  auto it = object.find("xmlNamespace");
  if (it == object.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) return string_field(*it, "uri");
  return {};
}

std::string input_name_for(const MemberRef& m, Wire wire) {
  if (wire == Wire::Ec2) {
    if (!m.query_name.empty()) return m.query_name;
    if (!m.location_name.empty()) {
      std::string name = m.location_name;
      if (name[0] >= 'a' && name[0] <= 'z') name[0] = static_cast<char>(name[0] - 'a' + 'A');
      return name;
    }
    return m.name;
  }
  if (wire == Wire::Query && m.shape->type == ShapeType::List && m.flattened &&
      !m.shape->member.location_name.empty())
    return m.shape->member.location_name;
  return m.location_name.empty() ? m.name : m.location_name;
}

}  // namespace

std::string_view shape_type_name(ShapeType type) {
  switch (type) {
    case ShapeType::Structure: return "Structure";
    case ShapeType::List: return "List";
    case ShapeType::Map: return "Map";
    case ShapeType::String: return "String";
    case ShapeType::Integer: return "Integer";
    case ShapeType::Long: return "Long";
    case ShapeType::Float: return "Float";
    case ShapeType::Double: return "Double";
    case ShapeType::Boolean: return "Boolean";
    case ShapeType::Timestamp: return "Timestamp";
    case ShapeType::Blob: return "Blob";
  }
  return "Unknown";
}

const MemberRef* Shape::find_member(std::string_view member_name) const {
  for (const auto& m : members)
    if (m.name == member_name) return &m;
  return nullptr;
}

ServiceModel::ServiceModel(std::string name, std::string_view model_json) : name_(std::move(name)) {
  const json doc = json::parse(model_json);
  const json& meta = doc.at("metadata");
  const std::string protocol = string_field(meta, "protocol");
  if (protocol == "query") wire_ = Wire::Query;
  else if (protocol == "ec2") wire_ = Wire::Ec2;
  else if (protocol == "json") wire_ = Wire::Json;
  else throw std::runtime_error("unsupported protocol: " + protocol);
  api_version_ = string_field(meta, "apiVersion");
  target_prefix_ = string_field(meta, "targetPrefix");
  endpoint_prefix_ = string_field(meta, "endpointPrefix");
  signing_name_ = string_field(meta, "signingName");
  if (signing_name_.empty()) signing_name_ = endpoint_prefix_;
  service_id_ = string_field(meta, "serviceId");
  json_version_ = string_field(meta, "jsonVersion");
  if (json_version_.empty()) json_version_ = "1.1";
  xml_namespace_ = string_field(meta, "xmlNamespace");
  if (wire_ == Wire::Ec2 && !xml_namespace_.empty() && xml_namespace_.back() != '/') xml_namespace_ += '/';
  validation_error_code_ = validation_code_for(name_, wire_);

  // Pass 1: create every shape so references can be resolved in any order.
  const json& shapes = doc.at("shapes");
  shapes_.reserve(shapes.size());
  for (const auto& [shape_name, def] : shapes.items()) {
    auto shape = std::make_unique<Shape>();
    shape->name = shape_name;
    shape->type = parse_type(def.at("type").get<std::string>());
    shapes_.push_back(std::move(shape));
  }
  for (const auto& s : shapes_) shapes_by_name_.emplace(s->name, s.get());

  auto resolve = [&](const json& ref, std::string member_name) {
    MemberRef out;
    out.name = std::move(member_name);
    const std::string target = ref.at("shape").get<std::string>();
    out.shape = shape(target);
    if (!out.shape) throw std::runtime_error("unknown shape: " + target);
    out.location_name = string_field(ref, "locationName");
    out.query_name = string_field(ref, "queryName");
    out.xml_namespace = namespace_uri(ref);
    out.timestamp_format = string_field(ref, "timestampFormat");
    out.flattened = bool_field(ref, "flattened");
    return out;
  };

  // Pass 2: fill in the details.
  std::size_t index = 0;
  for (const auto& [shape_name, def] : shapes.items()) {
    Shape& shape_ref = *shapes_[index++];
    if (auto it = def.find("members"); it != def.end() && it->is_object()) {
      for (const auto& [member_name, ref] : it->items()) shape_ref.members.push_back(resolve(ref, member_name));
    }
    if (auto it = def.find("required"); it != def.end() && it->is_array()) {
      for (const auto& req : *it)
        for (auto& m : shape_ref.members)
          if (req.is_string() && m.name == req.get<std::string>()) m.required = true;
    }
    if (auto it = def.find("member"); it != def.end()) shape_ref.member = resolve(*it, "");
    if (auto it = def.find("key"); it != def.end()) shape_ref.key = resolve(*it, "");
    if (auto it = def.find("value"); it != def.end()) shape_ref.value = resolve(*it, "");
    if (auto it = def.find("min"); it != def.end()) shape_ref.min = parse_bound(*it);
    if (auto it = def.find("max"); it != def.end()) shape_ref.max = parse_bound(*it);
    shape_ref.pattern = string_field(def, "pattern");
    if (auto it = def.find("enum"); it != def.end() && it->is_array())
      for (const auto& v : *it)
        if (v.is_string()) shape_ref.enum_values.push_back(v.get<std::string>());
    shape_ref.timestamp_format = string_field(def, "timestampFormat");
    shape_ref.location_name = string_field(def, "locationName");
    shape_ref.flattened = bool_field(def, "flattened");
    shape_ref.document = bool_field(def, "document");
    shape_ref.exception = bool_field(def, "exception");
    if (auto it = def.find("error"); it != def.end() && it->is_object()) {
      shape_ref.error_code = string_field(*it, "code");
      if (auto st = it->find("httpStatusCode"); st != it->end() && st->is_number_integer())
        shape_ref.http_status = st->get<int>();
      if (auto sf = it->find("senderFault"); sf != it->end() && sf->is_boolean())
        shape_ref.sender_fault = sf->get<bool>();
    }
    if (bool_field(def, "fault")) shape_ref.sender_fault = false;
    if (shape_ref.exception && !shape_ref.error_code.empty())
      errors_by_wire_code_.emplace(shape_ref.error_code, &shape_ref);
  }

  // Botocore merges reference traits with the target shape's own: fall back to the shape's.
  for (const auto& s : shapes_) {
    auto merge = [](MemberRef& ref) {
      if (!ref.shape) return;
      if (ref.location_name.empty()) ref.location_name = ref.shape->location_name;
      if (ref.timestamp_format.empty()) ref.timestamp_format = ref.shape->timestamp_format;
      ref.flattened = ref.flattened || ref.shape->flattened;
    };
    for (auto& m : s->members) merge(m);
    merge(s->member);
    merge(s->key);
    merge(s->value);
  }
  for (const auto& s : shapes_)
    for (auto& m : s->members) m.input_name = input_name_for(m, wire_);

  for (const auto& [op_name, def] : doc.at("operations").items()) {
    OperationModel op;
    op.name_ = op_name;
    if (auto it = def.find("input"); it != def.end() && it->contains("shape"))
      op.input_ = shape(it->at("shape").get<std::string>());
    if (auto it = def.find("output"); it != def.end() && it->contains("shape")) {
      op.output_ = shape(it->at("shape").get<std::string>());
      op.result_wrapper_ = string_field(*it, "resultWrapper");
    }
    if (auto it = def.find("errors"); it != def.end() && it->is_array())
      for (const auto& e : *it) op.errors_.push_back(string_field(e, "shape"));
    operations_.emplace(op_name, std::move(op));
  }
}

const OperationModel* ServiceModel::operation(std::string_view op_name) const {
  auto it = operations_.find(op_name);
  return it == operations_.end() ? nullptr : &it->second;
}

const Shape* ServiceModel::shape(std::string_view shape_name) const {
  auto it = shapes_by_name_.find(shape_name);
  return it == shapes_by_name_.end() ? nullptr : it->second;
}

const Shape* ServiceModel::error_shape(std::string_view code) const {
  if (const Shape* s = shape(code); s && s->exception) return s;
  auto it = errors_by_wire_code_.find(code);
  return it == errors_by_wire_code_.end() ? nullptr : it->second;
}

const ServiceModel* service_model(std::string_view name) {
  // Parsed lazily, once per name; a model that is not embedded is remembered as nullptr.
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<ServiceModel>, std::less<>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(name); it != cache.end()) return it->second.get();
  std::unique_ptr<ServiceModel> model;
  if (std::string_view text = embedded_model_json(name); !text.empty())
    model = std::make_unique<ServiceModel>(std::string(name), text);
  const ServiceModel* result = model.get();
  cache.emplace(std::string(name), std::move(model));
  return result;
}

}  // namespace albatross::protocol
