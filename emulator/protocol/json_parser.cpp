// JSON 1.1 protocol: request body -> input JSON, driven by the input shape.
//
// Errors (code SerializationException, 400):
//   "Unable to parse the request body as JSON"           malformed JSON / invalid UTF-8
//   "The request body is nested too deeply"              more than kMaxDepth levels of [ / {
//   "The request body must be a JSON object"             e.g. a bare array or string
//   "Value at '<path>' has the wrong type: expected <Type>, got <json type>"   (path as in validator.hpp)
#include <climits>
#include <cmath>

#include <nlohmann/json.hpp>

#include "emulator/protocol/protocol.hpp"
#include "emulator/protocol/service_model.hpp"
#include "emulator/protocol/timestamp.hpp"
#include "emulator/protocol/validator.hpp"

namespace albatross::protocol {
namespace {

using nlohmann::json;

// nlohmann's parser recurses per nesting level; deeper bodies are rejected before parsing.
constexpr int kMaxDepth = 64;

AwsError serialization_error(std::string message) {
  return AwsError{"SerializationException", std::move(message), 400};
}

bool nested_too_deeply(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

std::string_view json_type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::null: return "null";
    default: return "number";
  }
}

class JsonReader {
 public:
  // Returns a discarded json for "absent" (null values are treated as absent).
  json value(const Shape& shape, const json& v) {
    if (v.is_null()) return json(json::value_t::discarded);
    switch (shape.type) {
      case ShapeType::Structure: {
        if (shape.document) return v;
        expect(v.is_object(), shape, v);
        json out = json::object();
        for (const MemberRef& m : shape.members) {
          auto it = v.find(m.input_name);
          if (it == v.end()) continue;
          path_.push_member(m);
          PathGuard guard(path_);
          json parsed = value(*m.shape, *it);
          if (!parsed.is_discarded()) out[m.name] = std::move(parsed);
        }
        return out;
      }
      case ShapeType::List: {
        expect(v.is_array(), shape, v);
        json out = json::array();
        for (std::size_t i = 0; i < v.size(); ++i) {
          path_.push_index(i + 1);
          PathGuard guard(path_);
          json parsed = value(*shape.member.shape, v[i]);
          if (!parsed.is_discarded()) out.push_back(std::move(parsed));
        }
        return out;
      }
      case ShapeType::Map: {
        expect(v.is_object(), shape, v);
        json out = json::object();
        for (const auto& [k, item] : v.items()) {
          path_.push_key(k);
          PathGuard guard(path_);
          json parsed = value(*shape.value.shape, item);
          if (!parsed.is_discarded()) out[k] = std::move(parsed);
        }
        return out;
      }
      case ShapeType::String:
      case ShapeType::Blob:
        expect(v.is_string(), shape, v);
        return v;
      case ShapeType::Boolean:
        expect(v.is_boolean(), shape, v);
        return v;
      case ShapeType::Integer:
      case ShapeType::Long: {
        std::int64_t n = 0;
        if (v.is_number_integer()) {
          n = v.get<std::int64_t>();
        } else if (v.is_number_float() && v.get<double>() == std::trunc(v.get<double>()) &&
                   std::fabs(v.get<double>()) < 9.2e18) {
          n = static_cast<std::int64_t>(v.get<double>());
        } else {
          expect(false, shape, v);
        }
        if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
          expect(false, shape, v);
        if (shape.type == ShapeType::Integer && (n < INT32_MIN || n > INT32_MAX)) expect(false, shape, v);
        return n;
      }
      case ShapeType::Float:
      case ShapeType::Double:
        expect(v.is_number(), shape, v);
        return v;
      case ShapeType::Timestamp: {
        if (v.is_number()) return v;
        expect(v.is_string(), shape, v);
        const auto epoch = parse_timestamp(v.get_ref<const std::string&>());
        expect(epoch.has_value(), shape, v);
        if (*epoch == std::trunc(*epoch) && std::fabs(*epoch) < 1e15) return static_cast<std::int64_t>(*epoch);
        return *epoch;
      }
    }
    return json(json::value_t::discarded);
  }

 private:
  void expect(bool ok, const Shape& shape, const json& v) {
    if (ok) return;
    std::string message = "Value at '" + path_.coral() + "' has the wrong type: expected ";
    message += shape_type_name(shape.type);
    message += ", got ";
    message += json_type_name(v);
    throw serialization_error(std::move(message));
  }

  InputPath path_;
};

}  // namespace

json parse_json_input(const ServiceModel& model, const OperationModel& operation, std::string_view body) {
  const auto first = body.find_first_not_of(" \t\r\n");
  json doc;
  if (first == std::string_view::npos) {
    doc = json::object();
  } else {
    if (nested_too_deeply(body)) throw serialization_error("The request body is nested too deeply");
    try {
      doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
    } catch (const json::exception&) {
      doc = json(json::value_t::discarded);
    }
    if (doc.is_discarded()) throw serialization_error("Unable to parse the request body as JSON");
    if (!doc.is_object()) throw serialization_error("The request body must be a JSON object");
  }
  if (!operation.input()) return json::object();
  json input = JsonReader().value(*operation.input(), doc);
  validate_input(model, *operation.input(), input);
  return input;
}

}  // namespace albatross::protocol
