#include "storage/resource_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "storage/database.hpp"

namespace albatross::storage {
namespace {

constexpr char kSelect[] = "SELECT kind, id, parent, name, document, sequence FROM resources ";
constexpr char kExistingSequenceSql[] =
    "SELECT sequence FROM resources WHERE account_id = ? AND region = ? AND kind = ? AND id = ?";
constexpr char kNextSequenceSql[] = "SELECT COALESCE(MAX(sequence), 0) + 1 FROM resources";
constexpr char kUpsertSql[] =
    "INSERT OR REPLACE INTO resources (account_id, region, kind, id, parent, name, document, sequence) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kDeleteSql[] = "DELETE FROM resources WHERE account_id = ? AND region = ? AND kind = ? AND id = ?";
constexpr char kDeleteTagsSql[] = "DELETE FROM resource_tags WHERE account_id = ? AND region = ? AND resource_id = ?";
constexpr char kTagsSql[] =
    "SELECT tag_key, tag_value FROM resource_tags WHERE account_id = ? AND region = ? AND resource_id = ? "
    "ORDER BY tag_key";
constexpr char kUpsertTagSql[] =
    "INSERT OR REPLACE INTO resource_tags (account_id, region, resource_id, tag_key, tag_value) VALUES (?, ?, ?, ?, ?)";
constexpr char kDeleteTagSql[] =
    "DELETE FROM resource_tags WHERE account_id = ? AND region = ? AND resource_id = ? AND tag_key = ?";
constexpr char kTagCountSql[] =
    "SELECT COUNT(*) FROM resource_tags WHERE account_id = ? AND region = ? AND resource_id = ?";

Resource read(SQLite::Statement& row) {
  Resource resource;
  resource.kind = row.getColumn(0).getString();
  resource.id = row.getColumn(1).getString();
  resource.parent = row.getColumn(2).getString();
  resource.name = row.getColumn(3).getString();
  resource.document = nlohmann::json::parse(row.getColumn(4).getString());
  resource.sequence = row.getColumn(5).getInt64();
  return resource;
}

void bind_scope(SQLite::Statement& statement, const Scope& scope) {
  statement.bind(1, scope.account_id);
  statement.bind(2, scope.region);
}

std::vector<Resource> read_all(SQLite::Statement& query) {
  std::vector<Resource> out;
  while (query.executeStep()) out.push_back(read(query));
  return out;
}

}  // namespace

Resource ResourceStore::put(const Scope& scope, Resource resource) {
  SQLite::Statement existing(db_.sql(), kExistingSequenceSql);
  bind_scope(existing, scope);
  existing.bind(3, resource.kind);
  existing.bind(4, resource.id);
  if (existing.executeStep()) resource.sequence = existing.getColumn(0).getInt64();
  else resource.sequence = db_.sql().execAndGet(kNextSequenceSql).getInt64();
  SQLite::Statement upsert(db_.sql(), kUpsertSql);
  bind_scope(upsert, scope);
  upsert.bind(3, resource.kind);
  upsert.bind(4, resource.id);
  upsert.bind(5, resource.parent);
  upsert.bind(6, resource.name);
  upsert.bind(7, resource.document.dump());
  upsert.bind(8, resource.sequence);
  upsert.exec();
  return resource;
}

std::optional<Resource> ResourceStore::get(const Scope& scope, const std::string& kind, const std::string& id) const {
  SQLite::Statement query(db_.sql(), std::string(kSelect) + "WHERE account_id = ? AND region = ? AND kind = ? AND id = ?");
  bind_scope(query, scope);
  query.bind(3, kind);
  query.bind(4, id);
  if (!query.executeStep()) return std::nullopt;
  return read(query);
}

std::optional<Resource> ResourceStore::find_by_name(const Scope& scope, const std::string& kind,
                                                    const std::string& name) const {
  SQLite::Statement query(db_.sql(), std::string(kSelect) +
                                         "WHERE account_id = ? AND region = ? AND kind = ? AND name = ? "
                                         "ORDER BY sequence LIMIT 1");
  bind_scope(query, scope);
  query.bind(3, kind);
  query.bind(4, name);
  if (!query.executeStep()) return std::nullopt;
  return read(query);
}

std::vector<Resource> ResourceStore::list(const Scope& scope, const std::string& kind) const {
  SQLite::Statement query(db_.sql(),
                          std::string(kSelect) + "WHERE account_id = ? AND region = ? AND kind = ? ORDER BY sequence");
  bind_scope(query, scope);
  query.bind(3, kind);
  return read_all(query);
}

std::vector<Resource> ResourceStore::children(const Scope& scope, const std::string& kind,
                                              const std::string& parent) const {
  SQLite::Statement query(db_.sql(), std::string(kSelect) +
                                         "WHERE account_id = ? AND region = ? AND kind = ? AND parent = ? "
                                         "ORDER BY sequence");
  bind_scope(query, scope);
  query.bind(3, kind);
  query.bind(4, parent);
  return read_all(query);
}

std::vector<std::pair<Scope, Resource>> ResourceStore::list_everywhere(const std::string& kind) const {
  SQLite::Statement query(db_.sql(),
                          "SELECT account_id, region, kind, id, parent, name, document, sequence FROM resources "
                          "WHERE kind = ? ORDER BY sequence");
  query.bind(1, kind);
  std::vector<std::pair<Scope, Resource>> out;
  while (query.executeStep()) {
    Resource resource;
    resource.kind = query.getColumn(2).getString();
    resource.id = query.getColumn(3).getString();
    resource.parent = query.getColumn(4).getString();
    resource.name = query.getColumn(5).getString();
    resource.document = nlohmann::json::parse(query.getColumn(6).getString());
    resource.sequence = query.getColumn(7).getInt64();
    out.emplace_back(Scope{query.getColumn(0).getString(), query.getColumn(1).getString()}, std::move(resource));
  }
  return out;
}

bool ResourceStore::remove(const Scope& scope, const std::string& kind, const std::string& id) {
  SQLite::Statement statement(db_.sql(), kDeleteSql);
  bind_scope(statement, scope);
  statement.bind(3, kind);
  statement.bind(4, id);
  const bool removed = statement.exec() > 0;
  SQLite::Statement tags(db_.sql(), kDeleteTagsSql);
  bind_scope(tags, scope);
  tags.bind(3, id);
  tags.exec();
  return removed;
}

nlohmann::json ResourceStore::tags(const Scope& scope, const std::string& resource_id) const {
  SQLite::Statement query(db_.sql(), kTagsSql);
  bind_scope(query, scope);
  query.bind(3, resource_id);
  nlohmann::json out = nlohmann::json::array();
  while (query.executeStep())
    out.push_back({{"Key", query.getColumn(0).getString()}, {"Value", query.getColumn(1).getString()}});
  return out;
}

void ResourceStore::add_tags(const Scope& scope, const std::string& resource_id, const nlohmann::json& tags) {
  for (const auto& tag : tags) {
    SQLite::Statement statement(db_.sql(), kUpsertTagSql);
    bind_scope(statement, scope);
    statement.bind(3, resource_id);
    statement.bind(4, tag.at("Key").get<std::string>());
    statement.bind(5, tag.value("Value", ""));
    statement.exec();
  }
}

void ResourceStore::remove_tags(const Scope& scope, const std::string& resource_id,
                                const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    SQLite::Statement statement(db_.sql(), kDeleteTagSql);
    bind_scope(statement, scope);
    statement.bind(3, resource_id);
    statement.bind(4, key);
    statement.exec();
  }
}

std::size_t ResourceStore::tag_count(const Scope& scope, const std::string& resource_id) const {
  SQLite::Statement query(db_.sql(), kTagCountSql);
  bind_scope(query, scope);
  query.bind(3, resource_id);
  query.executeStep();
  return static_cast<std::size_t>(query.getColumn(0).getInt64());
}

nlohmann::json public_view(const nlohmann::json& document) {
  if (!document.is_object()) return document;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : document.items())
    if (!key.starts_with('_')) out[key] = value;
  return out;
}

}  // namespace albatross::storage
