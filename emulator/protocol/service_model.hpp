#pragma once
// A botocore service model parsed once into C++ structures (shapes, members, operations, error traits).
// Obtain one with service_model(name) (protocol.hpp); models are parsed lazily on first use and live
// for the whole program. Everything here is immutable after parsing except each shape's compiled
// pattern, which is built on first use under its own once_flag.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "emulator/protocol/protocol.hpp"

namespace albatross::protocol {

enum class ShapeType { Structure, List, Map, String, Integer, Long, Float, Double, Boolean, Timestamp, Blob };

// A numeric `min`/`max` trait, exact for integers (long bounds do not fit a double).
struct Bound {
  bool set = false;
  bool integral = true;
  std::int64_t i = 0;
  double d = 0;
};

struct Shape;

// A reference to a shape from a structure member, a list member or a map key/value, with the
// serialization traits botocore merges from the reference and the target shape.
struct MemberRef {
  std::string name;            // member name in the model ("" for list members / map keys / values)
  const Shape* shape = nullptr;
  std::string location_name;   // locationName ("" if none)
  std::string query_name;      // queryName ("" if none; EC2 input only)
  std::string xml_namespace;   // xmlNamespace.uri ("" if none)
  std::string timestamp_format;
  bool flattened = false;
  bool required = false;       // structure members only
  // Structure members: the name the request carries this member under, per the service's wire
  // (query: locationName, else the name, a flattened list under its member's locationName; EC2:
  // queryName, else the capitalized locationName, else the name; JSON: locationName, else the name).
  std::string input_name;
};

struct Shape {
  std::string name;
  ShapeType type = ShapeType::String;
  std::vector<MemberRef> members;  // structures, in model order
  MemberRef member;                // lists
  MemberRef key, value;            // maps
  Bound min, max;
  std::string pattern;             // "" = none
  std::vector<std::string> enum_values;
  std::string timestamp_format;
  std::string location_name;
  bool flattened = false;
  bool document = false;           // a free-form JSON document: passed through as is
  // Error traits (exception shapes only).
  bool exception = false;
  std::string error_code;          // error.code ("" = the shape name)
  int http_status = 0;             // error.httpStatusCode (0 = none)
  bool sender_fault = true;

  Shape();
  ~Shape();
  Shape(const Shape&) = delete;
  Shape& operator=(const Shape&) = delete;

  const MemberRef* find_member(std::string_view member_name) const;
  // Whether `value` matches `pattern` (a Java regex, run as its ECMAScript translation); nullopt when
  // the pattern is not enforced: no pattern, Java-only syntax, or `value` too long to match safely.
  // Thread-safe; the pattern is compiled once, on first use (shape_pattern.cpp).
  std::optional<bool> matches_pattern(const std::string& value) const;
  bool pattern_enforced() const;  // a pattern that compiled

 private:
  struct CompiledPattern;
  const CompiledPattern* compiled() const;
  mutable std::once_flag pattern_once_;
  mutable std::unique_ptr<CompiledPattern> pattern_;
};

class OperationModel {
 public:
  const std::string& name() const { return name_; }
  const Shape* input() const { return input_; }    // nullptr when the operation takes no input
  const Shape* output() const { return output_; }  // nullptr when the operation has no output
  const std::string& result_wrapper() const { return result_wrapper_; }  // "" if none
  const std::vector<std::string>& errors() const { return errors_; }     // error shape names

 private:
  friend class ServiceModel;
  std::string name_;
  const Shape* input_ = nullptr;
  const Shape* output_ = nullptr;
  std::string result_wrapper_;
  std::vector<std::string> errors_;
};

class ServiceModel {
 public:
  // Parses a botocore model document. Throws std::runtime_error on a malformed model.
  ServiceModel(std::string name, std::string_view model_json);
  ServiceModel(const ServiceModel&) = delete;
  ServiceModel& operator=(const ServiceModel&) = delete;

  const std::string& name() const { return name_; }
  Wire wire() const { return wire_; }
  const std::string& api_version() const { return api_version_; }
  const std::string& target_prefix() const { return target_prefix_; }
  const std::string& signing_name() const { return signing_name_; }
  const std::string& endpoint_prefix() const { return endpoint_prefix_; }
  const std::string& service_id() const { return service_id_; }
  const std::string& json_version() const { return json_version_; }  // e.g. "1.1"
  // metadata.xmlNamespace, for EC2 with the trailing '/' real responses carry.
  const std::string& xml_namespace() const { return xml_namespace_; }

  const OperationModel* operation(std::string_view op_name) const;  // nullptr if unknown
  const std::map<std::string, OperationModel, std::less<>>& operations() const { return operations_; }
  const Shape* shape(std::string_view shape_name) const;            // nullptr if unknown
  const std::vector<std::unique_ptr<Shape>>& shapes() const { return shapes_; }
  // The exception shape named `code`, or whose error.code is `code`; nullptr if none.
  const Shape* error_shape(std::string_view code) const;

  // The error code this service answers input validation failures with (one table, see .cpp).
  const std::string& validation_error_code() const { return validation_error_code_; }

 private:
  std::string name_;
  Wire wire_ = Wire::Json;
  std::string api_version_, target_prefix_, signing_name_, endpoint_prefix_, service_id_, json_version_;
  std::string xml_namespace_;
  std::string validation_error_code_;
  std::vector<std::unique_ptr<Shape>> shapes_;
  std::unordered_map<std::string_view, const Shape*> shapes_by_name_;
  std::unordered_map<std::string_view, const Shape*> errors_by_wire_code_;
  std::map<std::string, OperationModel, std::less<>> operations_;
};

// The shape type's name as AWS spells it in messages ("Integer", "String", ...).
std::string_view shape_type_name(ShapeType type);

}  // namespace albatross::protocol
