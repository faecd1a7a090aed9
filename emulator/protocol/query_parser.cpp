// Query and EC2 protocols: form parameters -> input JSON, driven by the input shape.
//
// Query (botocore QuerySerializer): structures "A.B", lists "A.member.N" (or the list member's
// locationName instead of "member"; flattened lists "A.N"), maps "A.entry.N.key"/"A.entry.N.value"
// (flattened: "A.N.key"), an empty list is sent as "A=". Names are the member's locationName, else its name.
// EC2 (botocore EC2Serializer): names are queryName, else the capitalized locationName, else the member
// name; every list is "A.N"; empty lists are not sent at all.
#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "emulator/protocol/protocol.hpp"
#include "emulator/protocol/service_model.hpp"
#include "emulator/protocol/timestamp.hpp"
#include "emulator/protocol/validator.hpp"

namespace albatross::protocol {
namespace {

using nlohmann::json;

// Parameter names with more segments than this are ignored (no model nests that deep).
constexpr std::size_t kMaxSegments = 40;

struct FormNode {
  const std::string* value = nullptr;
  std::map<std::string_view, FormNode, std::less<>> children;

  const FormNode* child(std::string_view name) const {
    auto it = children.find(name);
    return it == children.end() ? nullptr : &it->second;
  }
};

void build_tree(const FormParams& params, FormNode& root) {
  for (const auto& [key, value] : params) {
    if (key.empty() || std::count(key.begin(), key.end(), '.') >= static_cast<long>(kMaxSegments)) continue;
    FormNode* node = &root;
    std::string_view rest = key;
    while (true) {
      const std::size_t dot = rest.find('.');
      node = &node->children[rest.substr(0, dot)];
      if (dot == std::string_view::npos) break;
      rest.remove_prefix(dot + 1);
    }
    node->value = &value;  // a repeated name: the last one wins
  }
}

// Children named 1, 2, 3, ... in index order.
std::vector<const FormNode*> indexed_children(const FormNode& node) {
  std::vector<std::pair<long, const FormNode*>> items;
  for (const auto& [name, child] : node.children) {
    if (name.empty() || name.size() > 9 || name[0] == '0') continue;
    long index = 0;
    auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), index);
    if (ec != std::errc() || ptr != name.data() + name.size()) continue;
    items.emplace_back(index, &child);
  }
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const FormNode*> out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(item.second);
  return out;
}

class FormReader {
 public:
  FormReader(const ServiceModel& model, std::vector<Violation>& errors)
      : ec2_(model.wire() == Wire::Ec2), errors_(errors) {}

  json structure(const Shape& shape, const FormNode& node) {
    json out = json::object();
    for (const MemberRef& m : shape.members) {
      const FormNode* child = node.child(m.input_name);
      if (!child) continue;
      path_.push_member(m);
      PathGuard guard(path_);
      json v = value(*m.shape, *child);
      if (!v.is_discarded()) out[m.name] = std::move(v);
    }
    return out;
  }

 private:
  // A discarded json = absent.
  json value(const Shape& shape, const FormNode& node) {
    switch (shape.type) {
      case ShapeType::Structure:
        return structure(shape, node);
      case ShapeType::List: {
        const FormNode* items_node = &node;
        if (!ec2_ && !shape.flattened) {
          const std::string& item_name = shape.member.location_name;
          items_node = node.child(item_name.empty() ? std::string_view("member") : std::string_view(item_name));
        }
        json out = json::array();
        if (!items_node) return node.value ? out : json(json::value_t::discarded);
        std::size_t i = 0;
        for (const FormNode* item : indexed_children(*items_node)) {
          path_.push_index(++i);
          PathGuard guard(path_);
          json v = value(*shape.member.shape, *item);
          if (!v.is_discarded()) out.push_back(std::move(v));
        }
        return out;
      }
      case ShapeType::Map: {
        const FormNode* entries = shape.flattened ? &node : node.child("entry");
        json out = json::object();
        if (!entries) return node.value ? out : json(json::value_t::discarded);
        const std::string& key_name = shape.key.location_name.empty() ? "key" : shape.key.location_name;
        const std::string& value_name = shape.value.location_name.empty() ? "value" : shape.value.location_name;
        for (const FormNode* entry : indexed_children(*entries)) {
          const FormNode* k = entry->child(key_name);
          const FormNode* v = entry->child(value_name);
          if (!k || !k->value || !v) continue;
          path_.push_key(*k->value);
          PathGuard guard(path_);
          json parsed = value(*shape.value.shape, *v);
          if (!parsed.is_discarded()) out[*k->value] = std::move(parsed);
        }
        return out;
      }
      default:
        if (!node.value) return json(json::value_t::discarded);
        return scalar(shape, *node.value);
    }
  }

  json scalar(const Shape& shape, const std::string& text) {
    switch (shape.type) {
      case ShapeType::String:
      case ShapeType::Blob:
        return text;
      case ShapeType::Integer:
      case ShapeType::Long: {
        if (text.empty()) return json(json::value_t::discarded);
        std::int64_t v = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        const bool fits = shape.type == ShapeType::Long || (v >= INT32_MIN && v <= INT32_MAX);
        if (ec != std::errc() || ptr != text.data() + text.size() || !fits)
          return type_error(text, "Member must be an integer");
        return v;
      }
      case ShapeType::Float:
      case ShapeType::Double: {
        if (text.empty()) return json(json::value_t::discarded);
        double v = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v))
          return type_error(text, "Member must be a number");
        return v;
      }
      case ShapeType::Boolean: {
        if (text.empty()) return json(json::value_t::discarded);
        auto lower = [](std::string_view s, std::string_view word) {
          return s.size() == word.size() &&
                 std::equal(s.begin(), s.end(), word.begin(), [](char a, char b) { return (a | 0x20) == b; });
        };
        if (lower(text, "true")) return true;
        if (lower(text, "false")) return false;
        return type_error(text, "Member must be a boolean (true or false)");
      }
      case ShapeType::Timestamp: {
        if (text.empty()) return json(json::value_t::discarded);
        const auto epoch = parse_timestamp(text);
        if (!epoch) return type_error(text, "Member must be a timestamp in ISO-8601 format");
        if (*epoch == std::trunc(*epoch) && std::fabs(*epoch) < 1e15) return static_cast<std::int64_t>(*epoch);
        return *epoch;
      }
      default:
        return json(json::value_t::discarded);
    }
  }

  json type_error(const std::string& text, std::string constraint) {
    errors_.push_back({path_.coral(), path_.ec2(), text, false, std::move(constraint)});
    return json(json::value_t::discarded);
  }

  bool ec2_;
  std::vector<Violation>& errors_;
  InputPath path_;
};

}  // namespace

json parse_form_input(const ServiceModel& model, const OperationModel& operation, const FormParams& params) {
  if (!operation.input()) return json::object();
  FormNode root;
  build_tree(params, root);
  std::vector<Violation> type_errors;
  json input = FormReader(model, type_errors).structure(*operation.input(), root);
  if (!type_errors.empty()) throw violations_error(model, type_errors);
  validate_input(model, *operation.input(), input);
  return input;
}

}  // namespace albatross::protocol
