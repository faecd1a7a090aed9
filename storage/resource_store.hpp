#pragma once
// A generic store for AWS resources kept as JSON documents: one row per resource, keyed by account,
// region, kind ("elbv2:load-balancer", "ec2:vpc", ...) and id, with an optional parent and name for
// lookups, listed in creation order. Plus tags per resource. Used from the control thread, inside the
// gateway's transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace albatross::storage {

class Database;

struct Scope {
  std::string account_id;
  std::string region;
};

struct Resource {
  std::string kind;
  std::string id;      // unique per (account, region, kind): an ARN or an AWS id like vpc-0123…
  std::string parent;  // e.g. a listener's load balancer ARN; empty when none
  std::string name;    // for lookups by name; empty when none
  nlohmann::json document;
  std::int64_t sequence = 0;  // creation order, assigned by put() on insert
};

// A stored document without its private members (names starting with '_': the emulator's own bookkeeping).
nlohmann::json public_view(const nlohmann::json& document);

class ResourceStore {
 public:
  explicit ResourceStore(Database& db) : db_(db) {}

  // Inserts or replaces; a replaced resource keeps its creation order. Returns the stored resource.
  Resource put(const Scope& scope, Resource resource);
  std::optional<Resource> get(const Scope& scope, const std::string& kind, const std::string& id) const;
  std::optional<Resource> find_by_name(const Scope& scope, const std::string& kind, const std::string& name) const;
  std::vector<Resource> list(const Scope& scope, const std::string& kind) const;
  std::vector<Resource> children(const Scope& scope, const std::string& kind, const std::string& parent) const;
  // Resources of `kind` in every account and region (for start-up work such as resuming timers).
  std::vector<std::pair<Scope, Resource>> list_everywhere(const std::string& kind) const;
  bool remove(const Scope& scope, const std::string& kind, const std::string& id);  // also drops its tags

  // Tags as [{Key, Value}] sorted by key.
  nlohmann::json tags(const Scope& scope, const std::string& resource_id) const;
  // Adds or overwrites the given [{Key, Value}] tags.
  void add_tags(const Scope& scope, const std::string& resource_id, const nlohmann::json& tags);
  void remove_tags(const Scope& scope, const std::string& resource_id, const std::vector<std::string>& keys);
  std::size_t tag_count(const Scope& scope, const std::string& resource_id) const;

 private:
  Database& db_;
};

}  // namespace albatross::storage
