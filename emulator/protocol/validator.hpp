#pragma once
// Input validation against the model constraints, shared by the query/EC2 and JSON parsers.
//
// Message format (Coral, as AWS services print it):
//   "1 validation error detected: Value 'abc' at 'domainName' failed to satisfy constraint: <constraint>"
//   "2 validation errors detected: Value ... ; Value ..."   (violations joined by "; ")
//   "Value null at 'x' failed to satisfy constraint: Member must not be null"
// Member paths: the member name with its first letter lower-cased, nested with '.'; a list element is
// "<list>.<N>.member" (1-based), so a member of a list element is "tags.1.member.key"; a map value is
// "<map>.<key>" and a map key is reported at "<map>" itself.
// Values print like Java's toString: strings as is, lists "[a, b]", structures/maps "{k=v, k2=v2}".
//
// EC2 differs: a missing required member answers MissingParameter "The request must contain the
// parameter <Name>" (Name = the wire name, e.g. "Filter.1.Name"); other violations answer
// InvalidParameterValue with the Coral message.
//
// ECR differs too: only the first violation, as "Invalid parameter at 'repositoryName' failed to satisfy
// constraint: 'must satisfy regular expression '<pattern>''" (InvalidParameterException).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "emulator/protocol/service_model.hpp"

namespace albatross::protocol {

// The position of a value inside an input, as a stack of segments (cheap to push/pop; rendered only
// when a message needs it).
class InputPath {
 public:
  void push_member(const MemberRef& member) { segments_.push_back({&member, 0, {}}); }
  void push_index(std::size_t index_1based) { segments_.push_back({nullptr, index_1based, {}}); }
  void push_key(std::string_view key) { segments_.push_back({nullptr, 0, key}); }
  void pop() { segments_.pop_back(); }
  std::size_t depth() const { return segments_.size(); }

  std::string coral() const;  // "tags.1.member.key"
  std::string ec2() const;    // "Tag.1.Key" (EC2 input names)

 private:
  struct Segment {
    const MemberRef* member;
    std::size_t index;
    std::string_view key;
  };
  std::vector<Segment> segments_;
};

// Pops on scope exit.
class PathGuard {
 public:
  explicit PathGuard(InputPath& path) : path_(path) {}
  ~PathGuard() { path_.pop(); }
  PathGuard(const PathGuard&) = delete;
  PathGuard& operator=(const PathGuard&) = delete;

 private:
  InputPath& path_;
};

struct Violation {
  std::string path;        // Coral path
  std::string wire_name;   // EC2 wire path (for MissingParameter)
  std::string value;       // rendered value, unused when is_null
  bool is_null = false;
  std::string constraint;  // "Member must not be null", ...
};

// "Value 'v' at 'p' failed to satisfy constraint: c" / "Value null at 'p' ...".
std::string violation_text(const Violation& violation);
// The AwsError for a non-empty list of violations (service's validation code, status 400).
AwsError violations_error(const ServiceModel& model, const std::vector<Violation>& violations);
// Java-toString-like rendering of an input value for messages.
std::string render_value(const nlohmann::json& value);

// Walks `input` along `shape` and throws violations_error(...) if any constraint fails.
void validate_input(const ServiceModel& model, const Shape& shape, const nlohmann::json& input);

}  // namespace albatross::protocol
