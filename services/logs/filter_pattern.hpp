#pragma once
// CloudWatch Logs filter patterns (pure): matches one event message.
//   terms        ERROR  "exact phrase"  ERROR Exception (all)  ?ERROR ?WARN (any)  ERROR -Timeout (exclude)
//   JSON         { $.level = "error" && ($.latency > 100 || $.user.id = "ab*") }   (=, !=, <, <=, >, >=,
//                IS TRUE/FALSE/NULL, NOT EXISTS)
//   space-delimited  [ip, user, ..., status = 5*, bytes > 1000]
// Terms are case-sensitive substrings. An empty pattern matches everything.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace albatross::logs {

class FilterPattern {
 public:
  // Throws std::invalid_argument (its message names the problem) when the pattern cannot be parsed.
  static FilterPattern parse(std::string_view text);

  bool matches(std::string_view message) const;

  struct Node;  // a parsed JSON or space-delimited condition tree

 private:
  enum class Kind { All, Terms, Json, Delimited };
  Kind kind_ = Kind::All;
  std::vector<std::string> all_of_;
  std::vector<std::string> any_of_;
  std::vector<std::string> none_of_;
  std::shared_ptr<const Node> condition_;
  std::vector<std::string> fields_;  // space-delimited: field names, "..." for any number of fields
};

}  // namespace albatross::logs
