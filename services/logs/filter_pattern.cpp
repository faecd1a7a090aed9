#include "services/logs/filter_pattern.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>

namespace albatross::logs {

// A condition: a comparison on a selector ($.a.b[0] for JSON, a field name for space-delimited) or && / ||.
struct FilterPattern::Node {
  enum class Op { And, Or, Eq, Ne, Lt, Le, Gt, Ge, IsTrue, IsFalse, IsNull, NotExists };
  Op op = Op::Eq;
  std::string selector;
  std::string value;  // as written, quotes removed
  bool numeric = false;
  std::shared_ptr<const Node> left, right;
};

namespace {

using Node = FilterPattern::Node;
using Op = Node::Op;

[[noreturn]] void invalid(const std::string& why) { throw std::invalid_argument("Invalid filter pattern: " + why); }

// Glob with '*' as the only wildcard.
bool glob(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (std::size_t i = 0; i <= text.size(); ++i)
      if (glob(pattern.substr(1), text.substr(i))) return true;
    return false;
  }
  return !text.empty() && pattern.front() == text.front() && glob(pattern.substr(1), text.substr(1));
}

std::optional<double> to_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

// Recursive descent over a condition expression: or := and ('||' and)*; and := unary ('&&' unary)*;
// unary := '(' or ')' | selector op value.
class ConditionParser {
 public:
  ConditionParser(std::string_view text, bool json) : text_(text), json_(json) {}

  std::shared_ptr<const Node> parse_all() {
    auto node = parse_or();
    skip_space();
    if (pos_ != text_.size()) invalid("unexpected '" + std::string(text_.substr(pos_, 10)) + "'");
    return node;
  }
  std::shared_ptr<const Node> parse_or() {
    auto left = parse_and();
    while (take("||")) left = combine(Op::Or, left, parse_and());
    return left;
  }

 private:
  std::shared_ptr<const Node> parse_and() {
    auto left = parse_unary();
    while (take("&&")) left = combine(Op::And, left, parse_unary());
    return left;
  }
  std::shared_ptr<const Node> parse_unary() {
    if (take("(")) {
      auto inner = parse_or();
      if (!take(")")) invalid("missing ')'");
      return inner;
    }
    auto node = std::make_shared<Node>();
    node->selector = selector();
    if (take_word("IS")) {
      if (take_word("TRUE")) node->op = Op::IsTrue;
      else if (take_word("FALSE")) node->op = Op::IsFalse;
      else if (take_word("NULL")) node->op = Op::IsNull;
      else invalid("expected TRUE, FALSE or NULL after IS");
      return node;
    }
    if (take_word("NOT")) {
      if (!take_word("EXISTS")) invalid("expected EXISTS after NOT");
      node->op = Op::NotExists;
      return node;
    }
    static const std::pair<const char*, Op> kOps[] = {{"!=", Op::Ne}, {"<=", Op::Le}, {">=", Op::Ge},
                                                      {"=", Op::Eq},  {"<", Op::Lt},  {">", Op::Gt}};
    bool found = false;
    for (const auto& [text, op] : kOps)
      if (take(text)) {
        node->op = op;
        found = true;
        break;
      }
    if (!found) invalid("expected a comparison after " + node->selector);
    node->value = value(node->numeric);
    if (node->op != Op::Eq && node->op != Op::Ne && !node->numeric) invalid(node->selector + " must be compared to a number");
    return node;
  }
  static std::shared_ptr<const Node> combine(Op op, std::shared_ptr<const Node> left, std::shared_ptr<const Node> right) {
    auto node = std::make_shared<Node>();
    node->op = op;
    node->left = std::move(left);
    node->right = std::move(right);
    return node;
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool take(std::string_view token) {
    skip_space();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  bool take_word(std::string_view word) {
    skip_space();
    const auto end = pos_ + word.size();
    if (text_.substr(pos_, word.size()) != word || (end < text_.size() && std::isalnum(static_cast<unsigned char>(text_[end]))))
      return false;
    pos_ = end;
    return true;
  }
  std::string selector() {
    skip_space();
    const auto start = pos_;
    if (json_ && !text_.substr(pos_).starts_with("$")) invalid("a JSON selector must start with $");
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                   std::string_view("$._-[]").find(text_[pos_]) != std::string_view::npos))
      ++pos_;
    if (pos_ == start) invalid("expected a selector");
    return std::string(text_.substr(start, pos_ - start));
  }
  std::string value(bool& numeric) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const auto close = text_.find('"', pos_ + 1);
      if (close == std::string_view::npos) invalid("unterminated string");
      std::string out(text_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
      return out;
    }
    const auto start = pos_;
    while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_])) && text_[pos_] != ')' &&
           text_[pos_] != '&' && text_[pos_] != '|' && text_[pos_] != ',' && text_[pos_] != ']' && text_[pos_] != '}')
      ++pos_;
    if (pos_ == start) invalid("expected a value");
    std::string out(text_.substr(start, pos_ - start));
    numeric = to_number(out).has_value();
    return out;
  }

  std::string_view text_;
  bool json_;
  std::size_t pos_ = 0;
};

// $.a.b[0].c → the JSON value, or nullptr when absent.
const nlohmann::json* select(const nlohmann::json& root, std::string_view selector) {
  const nlohmann::json* at = &root;
  std::size_t pos = 1;  // after '$'
  while (pos < selector.size()) {
    if (selector[pos] == '.') {
      const auto end = selector.find_first_of(".[", pos + 1);
      const std::string key(selector.substr(pos + 1, end == std::string_view::npos ? std::string_view::npos : end - pos - 1));
      if (!at->is_object() || !at->contains(key)) return nullptr;
      at = &(*at)[key];
      pos = end == std::string_view::npos ? selector.size() : end;
    } else if (selector[pos] == '[') {
      const auto close = selector.find(']', pos);
      if (close == std::string_view::npos) return nullptr;
      const auto index = to_number(selector.substr(pos + 1, close - pos - 1));
      if (!index || !at->is_array() || *index < 0 || *index >= static_cast<double>(at->size())) return nullptr;
      at = &(*at)[static_cast<std::size_t>(*index)];
      pos = close + 1;
    } else {
      return nullptr;
    }
  }
  return at;
}

bool compare(const Node& node, const std::optional<std::string>& text, std::optional<double> number) {
  if (node.numeric && number) {
    const double want = *to_number(node.value);
    switch (node.op) {
      case Op::Eq: return *number == want;
      case Op::Ne: return *number != want;
      case Op::Lt: return *number < want;
      case Op::Le: return *number <= want;
      case Op::Gt: return *number > want;
      case Op::Ge: return *number >= want;
      default: return false;
    }
  }
  if (!text) return node.op == Op::Ne;
  if (node.op == Op::Eq) return glob(node.value, *text);
  if (node.op == Op::Ne) return !glob(node.value, *text);
  return false;
}

bool eval_json(const Node& node, const nlohmann::json& root) {
  if (node.op == Op::And) return eval_json(*node.left, root) && eval_json(*node.right, root);
  if (node.op == Op::Or) return eval_json(*node.left, root) || eval_json(*node.right, root);
  const nlohmann::json* value = select(root, node.selector);
  switch (node.op) {
    case Op::NotExists: return value == nullptr;
    case Op::IsNull: return value && value->is_null();
    case Op::IsTrue: return value && value->is_boolean() && value->get<bool>();
    case Op::IsFalse: return value && value->is_boolean() && !value->get<bool>();
    default: break;
  }
  if (!value) return false;
  std::optional<std::string> text;
  std::optional<double> number;
  if (value->is_string()) text = value->get<std::string>();
  else if (value->is_number()) number = value->get<double>(), text = value->dump();
  else if (value->is_boolean() || value->is_null()) text = value->dump();
  if (text && !number) number = to_number(*text);
  return compare(node, text, number);
}

bool eval_fields(const Node& node, const std::map<std::string, std::string>& fields) {
  if (node.op == Op::And) return eval_fields(*node.left, fields) && eval_fields(*node.right, fields);
  if (node.op == Op::Or) return eval_fields(*node.left, fields) || eval_fields(*node.right, fields);
  const auto it = fields.find(node.selector);
  if (it == fields.end()) return false;
  return compare(node, it->second, to_number(it->second));
}

// Splits a message into space-separated fields; "quoted" and [bracketed] runs are one field (delimiters removed).
std::vector<std::string> split_fields(std::string_view message) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < message.size()) {
    while (pos < message.size() && message[pos] == ' ') ++pos;
    if (pos >= message.size()) break;
    const char open = message[pos];
    const char close = open == '"' ? '"' : open == '[' ? ']' : '\0';
    if (close) {
      const auto end = message.find(close, pos + 1);
      if (end != std::string_view::npos) {
        out.emplace_back(message.substr(pos + 1, end - pos - 1));
        pos = end + 1;
        continue;
      }
    }
    const auto end = message.find(' ', pos);
    out.emplace_back(message.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    pos = end == std::string_view::npos ? message.size() : end;
  }
  return out;
}

}  // namespace

FilterPattern FilterPattern::parse(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  FilterPattern pattern;
  if (text.empty() || text == "\"\"") return pattern;
  if (text.front() == '{') {
    if (text.back() != '}') invalid("missing '}'");
    pattern.kind_ = Kind::Json;
    pattern.condition_ = ConditionParser(text.substr(1, text.size() - 2), true).parse_all();
    return pattern;
  }
  if (text.front() == '[') {
    if (text.back() != ']') invalid("missing ']'");
    pattern.kind_ = Kind::Delimited;
    // Items separated by commas: a name, "...", or a condition on a name (name op value, && and || allowed).
    std::shared_ptr<const Node> condition;
    std::string_view items = text.substr(1, text.size() - 2);
    while (!items.empty()) {
      const auto comma = items.find(',');
      std::string_view item = items.substr(0, comma);
      items = comma == std::string_view::npos ? std::string_view() : items.substr(comma + 1);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (item.empty()) invalid("empty field in [...]");
      if (item == "...") {
        pattern.fields_.push_back("...");
        continue;
      }
      const auto end = item.find_first_of(" =!<>");
      pattern.fields_.emplace_back(item.substr(0, end));
      if (end == std::string_view::npos) continue;
      auto node = ConditionParser(item, false).parse_all();
      if (!condition) {
        condition = node;
      } else {
        auto both = std::make_shared<Node>();
        both->op = Op::And;
        both->left = condition;
        both->right = node;
        condition = both;
      }
    }
    pattern.condition_ = condition;
    return pattern;
  }
  pattern.kind_ = Kind::Terms;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos >= text.size()) break;
    char mode = '+';
    if (text[pos] == '?' || text[pos] == '-') mode = text[pos++];
    std::string term;
    if (pos < text.size() && text[pos] == '"') {
      const auto close = text.find('"', pos + 1);
      if (close == std::string_view::npos) invalid("unterminated quoted term");
      term = std::string(text.substr(pos + 1, close - pos - 1));
      pos = close + 1;
    } else {
      const auto end = text.find(' ', pos);
      term = std::string(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
      pos = end == std::string_view::npos ? text.size() : end;
    }
    if (term.empty()) continue;
    (mode == '?' ? pattern.any_of_ : mode == '-' ? pattern.none_of_ : pattern.all_of_).push_back(term);
  }
  return pattern;
}

bool FilterPattern::matches(std::string_view message) const {
  switch (kind_) {
    case Kind::All: return true;
    case Kind::Terms: {
      for (const auto& term : all_of_)
        if (message.find(term) == std::string_view::npos) return false;
      for (const auto& term : none_of_)
        if (message.find(term) != std::string_view::npos) return false;
      if (any_of_.empty()) return true;
      for (const auto& term : any_of_)
        if (message.find(term) != std::string_view::npos) return true;
      return false;
    }
    case Kind::Json: {
      const auto root = nlohmann::json::parse(message, nullptr, false);
      return !root.is_discarded() && root.is_object() && eval_json(*condition_, root);
    }
    case Kind::Delimited: {
      const auto values = split_fields(message);
      std::map<std::string, std::string> named;
      std::size_t at = 0;
      bool ellipsis = false;
      for (std::size_t i = 0; i < fields_.size(); ++i) {
        if (fields_[i] == "...") {
          // Fields after an ellipsis are aligned to the end of the message.
          ellipsis = true;
          const std::size_t remaining = fields_.size() - i - 1;
          if (values.size() < at + remaining) return false;
          at = values.size() - remaining;
          continue;
        }
        if (at >= values.size()) return false;
        named[fields_[i]] = values[at++];
      }
      if (!ellipsis && at != values.size()) return false;
      return !condition_ || eval_fields(*condition_, named);
    }
  }
  return false;
}

}  // namespace albatross::logs
