#include "services/ec2/filters.hpp"

#include "services/service.hpp"

namespace albatross::ec2 {
namespace {

using nlohmann::json;

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return v.dump();
  return {};
}

void collect(const json& node, std::string_view path, std::vector<std::string>& out) {
  if (node.is_array()) {
    for (const auto& item : node) collect(item, path, out);
    return;
  }
  if (path.empty()) {
    if (!node.is_null() && !node.is_object()) out.push_back(scalar_text(node));
    return;
  }
  if (!node.is_object()) return;
  const auto dot = path.find('.');
  const std::string key(path.substr(0, dot));
  const auto it = node.find(key);
  if (it == node.end()) return;
  collect(*it, dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1), out);
}

bool is_tag_filter(std::string_view name) {
  return name == "tag-key" || name == "tag-value" || (name.starts_with("tag:") && name.size() > 4);
}

std::vector<std::string> tag_values(const json& document, std::string_view name) {
  std::vector<std::string> out;
  const auto tags = document.find("Tags");
  if (tags == document.end() || !tags->is_array()) return out;
  for (const auto& tag : *tags) {
    const std::string key = tag.value("Key", "");
    const std::string value = tag.value("Value", "");
    if (name == "tag-key")
      out.push_back(key);
    else if (name == "tag-value")
      out.push_back(value);
    else if (key == name.substr(4))
      out.push_back(value);
  }
  return out;
}

bool any_match(const std::vector<std::string>& patterns, const std::vector<std::string>& values) {
  for (const auto& pattern : patterns)
    for (const auto& value : values)
      if (wildcard_match(pattern, value)) return true;
  return false;
}

}  // namespace

std::vector<Filter> parse_filters(const json& filters) {
  std::vector<Filter> out;
  if (!filters.is_array()) return out;
  for (const auto& f : filters) {
    Filter filter;
    filter.name = f.value("Name", "");
    if (const auto values = f.find("Values"); values != f.end() && values->is_array())
      for (const auto& v : *values) filter.values.push_back(v.is_string() ? v.get<std::string>() : scalar_text(v));
    out.push_back(std::move(filter));
  }
  return out;
}

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Iterative glob with one backtrack point (the last '*'), escapes honoured.
  std::size_t p = 0, t = 0;
  std::size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      const char c = pattern[p];
      if (c == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (c == '?') {
        ++p;
        ++t;
        continue;
      }
      const bool escaped = c == '\\' && p + 1 < pattern.size();
      const char literal = escaped ? pattern[p + 1] : c;
      if (literal == text[t]) {
        p += escaped ? 2 : 1;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> values_at(const json& document, std::string_view path) {
  std::vector<std::string> out;
  collect(document, path, out);
  return out;
}

void check_filter_names(const std::vector<Filter>& filters, const FilterFields& fields, bool taggable) {
  for (const auto& filter : filters) {
    if (fields.contains(filter.name) || (taggable && is_tag_filter(filter.name))) continue;
    throw AwsError{"InvalidParameterValue", "The filter '" + filter.name + "' is invalid"};
  }
}

bool matches(const json& document, const std::vector<Filter>& filters, const FilterFields& fields) {
  for (const auto& filter : filters) {
    std::vector<std::string> values;
    if (const auto field = fields.find(filter.name); field != fields.end())
      values = values_at(document, field->second);
    else if (is_tag_filter(filter.name))
      values = tag_values(document, filter.name);
    if (!any_match(filter.values, values)) return false;
  }
  return true;
}

json filter_documents(const json& documents, const json& filters, const FilterFields& fields, bool taggable) {
  const auto parsed = parse_filters(filters);
  check_filter_names(parsed, fields, taggable);
  json out = json::array();
  for (const auto& document : documents)
    if (matches(document, parsed, fields)) out.push_back(document);
  return out;
}

}  // namespace albatross::ec2
