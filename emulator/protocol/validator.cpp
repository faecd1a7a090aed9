#include "emulator/protocol/validator.hpp"

#include <nlohmann/json.hpp>

#include "emulator/protocol/text_util.hpp"

namespace albatross::protocol {
namespace {

using nlohmann::json;

std::string bound_text(const Bound& bound) {
  return bound.integral ? std::to_string(bound.i) : format_double(bound.d);
}

// -1 below, 0 equal, 1 above.
int compare(const json& value, const Bound& bound) {
  if (bound.integral && value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    return v < bound.i ? -1 : (v > bound.i ? 1 : 0);
  }
  if (bound.integral && value.is_number_unsigned()) return 1;  // beyond int64 range (bounds are int64)
  const double v = value.get<double>();
  return v < bound.d ? -1 : (v > bound.d ? 1 : 0);
}

std::size_t base64_decoded_length(std::string_view b64) {
  std::size_t n = 0, pad = 0;
  for (char c : b64) {
    if (c == '=') ++pad;
    else if (c != '\n' && c != '\r' && c != ' ') ++n;
  }
  const std::size_t total = n + pad;
  std::size_t bytes = total / 4 * 3;
  if (total % 4 == 2) bytes += 1;
  else if (total % 4 == 3) bytes += 2;
  return bytes >= pad ? bytes - pad : 0;
}

class Validator {
 public:
  explicit Validator(std::vector<Violation>& out) : out_(out) {}

  void value(const Shape& shape, const json& v) {
    if (v.is_null()) return;
    switch (shape.type) {
      case ShapeType::Structure:
        if (shape.document || !v.is_object()) return;
        for (const MemberRef& m : shape.members) {
          path_.push_member(m);
          PathGuard guard(path_);
          auto it = v.find(m.name);
          if (it == v.end() || it->is_null()) {
            if (m.required) add_null("Member must not be null");
          } else {
            value(*m.shape, *it);
          }
        }
        return;
      case ShapeType::List:
        if (!v.is_array()) return;
        length(shape, v.size(), v);
        for (std::size_t i = 0; i < v.size(); ++i) {
          path_.push_index(i + 1);
          PathGuard guard(path_);
          value(*shape.member.shape, v[i]);
        }
        return;
      case ShapeType::Map:
        if (!v.is_object()) return;
        length(shape, v.size(), v);
        for (const auto& [k, item] : v.items()) {
          value(*shape.key.shape, json(k));
          path_.push_key(k);
          PathGuard guard(path_);
          value(*shape.value.shape, item);
        }
        return;
      case ShapeType::String:
        if (!v.is_string()) return;
        string(shape, v);
        return;
      case ShapeType::Blob:
        if (v.is_string()) length(shape, base64_decoded_length(v.get_ref<const std::string&>()), v);
        return;
      case ShapeType::Integer:
      case ShapeType::Long:
      case ShapeType::Float:
      case ShapeType::Double:
        if (!v.is_number()) return;
        if (shape.min.set && compare(v, shape.min) < 0)
          add(v, "Member must have value greater than or equal to " + bound_text(shape.min));
        if (shape.max.set && compare(v, shape.max) > 0)
          add(v, "Member must have value less than or equal to " + bound_text(shape.max));
        return;
      case ShapeType::Boolean:
      case ShapeType::Timestamp:
        return;
    }
  }

 private:
  void length(const Shape& shape, std::size_t size, const json& v) {
    if (shape.min.set && compare(json(static_cast<std::int64_t>(size)), shape.min) < 0)
      add(v, "Member must have length greater than or equal to " + bound_text(shape.min));
    if (shape.max.set && compare(json(static_cast<std::int64_t>(size)), shape.max) > 0)
      add(v, "Member must have length less than or equal to " + bound_text(shape.max));
  }

  void string(const Shape& shape, const json& v) {
    const std::string& s = v.get_ref<const std::string&>();
    if (shape.min.set || shape.max.set) length(shape, utf16_length(s), v);
    if (!shape.pattern.empty() && shape.matches_pattern(s) == false)
      add(v, "Member must satisfy regular expression pattern: " + shape.pattern);
    if (!shape.enum_values.empty()) {
      bool found = false;
      for (const auto& e : shape.enum_values) found = found || e == s;
      if (!found) {
        std::string list;
        for (const auto& e : shape.enum_values) list += (list.empty() ? "" : ", ") + e;
        add(v, "Member must satisfy enum value set: [" + list + "]");
      }
    }
  }

  void add(const json& v, std::string constraint) {
    out_.push_back({path_.coral(), path_.ec2(), render_value(v), false, std::move(constraint)});
  }
  void add_null(std::string constraint) {
    out_.push_back({path_.coral(), path_.ec2(), {}, true, std::move(constraint)});
  }

  std::vector<Violation>& out_;
  InputPath path_;
};

void render_into(const json& v, std::string& out) {
  switch (v.type()) {
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ", ";
        first = false;
        render_into(item, out);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, item] : v.items()) {
        if (!first) out += ", ";
        first = false;
        out += k;
        out += '=';
        render_into(item, out);
      }
      out += '}';
      return;
    }
    case json::value_t::null: out += "null"; return;
    default: out += scalar_text(v); return;
  }
}

}  // namespace

std::string InputPath::coral() const {
  std::string out;
  for (const auto& seg : segments_) {
    if (!out.empty()) out += '.';
    if (seg.member) {
      const std::string& name = seg.member->name;
      if (!name.empty()) {
        out += static_cast<char>(name[0] >= 'A' && name[0] <= 'Z' ? name[0] - 'A' + 'a' : name[0]);
        out.append(name, 1);
      }
    } else if (seg.index) {
      out += std::to_string(seg.index);
      out += ".member";
    } else {
      out += seg.key;
    }
  }
  return out;
}

std::string InputPath::ec2() const {
  std::string out;
  for (const auto& seg : segments_) {
    if (!out.empty()) out += '.';
    if (seg.member) {
      out += seg.member->input_name;
    } else if (seg.index) {
      out += std::to_string(seg.index);
    } else {
      out += seg.key;
    }
  }
  return out;
}

std::string violation_text(const Violation& violation) {
  std::string out = "Value ";
  if (violation.is_null) {
    out += "null";
  } else {
    out += '\'';
    out += violation.value;
    out += '\'';
  }
  out += " at '";
  out += violation.path;
  out += "' failed to satisfy constraint: ";
  out += violation.constraint;
  return out;
}

namespace {

// ECR words its model constraints in its own way: "must satisfy regular expression '<pattern>'",
// "must have length greater than or equal to 2"; other constraints keep the Coral text.
std::string ecr_constraint(const std::string& constraint) {
  static const std::string regex = "Member must satisfy regular expression pattern: ";
  static const std::string length = "Member must have length ";
  if (constraint.rfind(regex, 0) == 0) return "must satisfy regular expression '" + constraint.substr(regex.size()) + "'";
  if (constraint.rfind(length, 0) == 0) return constraint.substr(std::string("Member ").size());
  return constraint;
}

}  // namespace

AwsError violations_error(const ServiceModel& model, const std::vector<Violation>& violations) {
  if (model.service_id() == "ECR") {
    // ECR reports the first violation only: Invalid parameter at '<path>' failed to satisfy constraint: '<c>'
    const Violation& first = violations.front();
    return AwsError{model.validation_error_code(),
                    "Invalid parameter at '" + first.path + "' failed to satisfy constraint: '" +
                        ecr_constraint(first.constraint) + "'",
                    400};
  }
  if (model.wire() == Wire::Ec2) {
    for (const auto& v : violations)
      if (v.is_null) return AwsError{"MissingParameter", "The request must contain the parameter " + v.wire_name, 400};
  }
  std::string message = std::to_string(violations.size());
  message += violations.size() == 1 ? " validation error detected: " : " validation errors detected: ";
  for (std::size_t i = 0; i < violations.size(); ++i) {
    if (i) message += "; ";
    message += violation_text(violations[i]);
  }
  return AwsError{model.validation_error_code(), std::move(message), 400};
}

std::string render_value(const json& value) {
  std::string out;
  render_into(value, out);
  return out;
}

void validate_input(const ServiceModel& model, const Shape& shape, const json& input) {
  std::vector<Violation> violations;
  Validator(violations).value(shape, input);
  if (!violations.empty()) throw violations_error(model, violations);
}

}  // namespace albatross::protocol
