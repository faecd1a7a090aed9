#include "services/ecr/ecr_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "storage/database.hpp"

namespace albatross::ecr {
namespace {

constexpr char kImageColumns[] =
    "digest, manifest, media_type, artifact_media_type, size_bytes, pushed_at, last_pull_at, scanned_at";
constexpr char kRepoWhere[] = " WHERE account_id = ? AND region = ? AND repository = ?";

void bind_repo(SQLite::Statement& statement, const RepoKey& repo) {
  statement.bind(1, repo.account_id);
  statement.bind(2, repo.region);
  statement.bind(3, repo.repository);
}

ImageRecord read_image(SQLite::Statement& row) {
  ImageRecord image;
  image.digest = row.getColumn(0).getString();
  image.manifest = row.getColumn(1).getString();
  image.media_type = row.getColumn(2).getString();
  image.artifact_media_type = row.getColumn(3).getString();
  image.size_bytes = row.getColumn(4).getInt64();
  image.pushed_at = row.getColumn(5).getDouble();
  if (!row.getColumn(6).isNull()) image.last_pull_at = row.getColumn(6).getDouble();
  if (!row.getColumn(7).isNull()) image.scanned_at = row.getColumn(7).getDouble();
  return image;
}

std::vector<std::string> tags_of(SQLite::Database& db, const RepoKey& repo, const std::string& digest) {
  SQLite::Statement query(db, std::string("SELECT tag FROM ecr_image_tags") + kRepoWhere + " AND digest = ? ORDER BY tag");
  bind_repo(query, repo);
  query.bind(4, digest);
  std::vector<std::string> tags;
  while (query.executeStep()) tags.push_back(query.getColumn(0).getString());
  return tags;
}

void execute_for_repo(SQLite::Database& db, const std::string& sql, const RepoKey& repo) {
  SQLite::Statement statement(db, sql);
  bind_repo(statement, repo);
  statement.exec();
}

}  // namespace

std::optional<ImageRecord> EcrStore::image(const RepoKey& repo, const std::string& digest) const {
  SQLite::Statement query(db_.sql(), std::string("SELECT ") + kImageColumns + " FROM ecr_images" + kRepoWhere +
                                         " AND digest = ?");
  bind_repo(query, repo);
  query.bind(4, digest);
  if (!query.executeStep()) return std::nullopt;
  ImageRecord image = read_image(query);
  image.tags = tags_of(db_.sql(), repo, digest);
  return image;
}

std::vector<ImageRecord> EcrStore::images(const RepoKey& repo) const {
  SQLite::Statement query(db_.sql(), std::string("SELECT ") + kImageColumns + " FROM ecr_images" + kRepoWhere +
                                         " ORDER BY pushed_at, digest");
  bind_repo(query, repo);
  std::vector<ImageRecord> images;
  while (query.executeStep()) images.push_back(read_image(query));
  for (auto& image : images) image.tags = tags_of(db_.sql(), repo, image.digest);
  return images;
}

std::optional<std::string> EcrStore::digest_for_tag(const RepoKey& repo, const std::string& tag) const {
  SQLite::Statement query(db_.sql(), std::string("SELECT digest FROM ecr_image_tags") + kRepoWhere + " AND tag = ?");
  bind_repo(query, repo);
  query.bind(4, tag);
  if (!query.executeStep()) return std::nullopt;
  return query.getColumn(0).getString();
}

std::vector<std::string> EcrStore::tags(const RepoKey& repo) const {
  SQLite::Statement query(db_.sql(), std::string("SELECT tag FROM ecr_image_tags") + kRepoWhere + " ORDER BY tag");
  bind_repo(query, repo);
  std::vector<std::string> tags;
  while (query.executeStep()) tags.push_back(query.getColumn(0).getString());
  return tags;
}

std::size_t EcrStore::image_count(const RepoKey& repo) const {
  SQLite::Statement query(db_.sql(), std::string("SELECT COUNT(*) FROM ecr_images") + kRepoWhere);
  bind_repo(query, repo);
  query.executeStep();
  return static_cast<std::size_t>(query.getColumn(0).getInt64());
}

void EcrStore::insert_image(const RepoKey& repo, const ImageRecord& image, const std::vector<std::string>& references) {
  SQLite::Statement insert(db_.sql(),
                           "INSERT INTO ecr_images (account_id, region, repository, digest, manifest, media_type, "
                           "artifact_media_type, size_bytes, pushed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  bind_repo(insert, repo);
  insert.bind(4, image.digest);
  insert.bind(5, image.manifest);
  insert.bind(6, image.media_type);
  insert.bind(7, image.artifact_media_type);
  insert.bind(8, static_cast<int64_t>(image.size_bytes));
  insert.bind(9, image.pushed_at);
  insert.exec();
  for (const auto& reference : references) {
    SQLite::Statement link(db_.sql(),
                           "INSERT OR IGNORE INTO ecr_image_references (account_id, region, repository, image_digest, "
                           "referenced_digest) VALUES (?, ?, ?, ?, ?)");
    bind_repo(link, repo);
    link.bind(4, image.digest);
    link.bind(5, reference);
    link.exec();
  }
}

void EcrStore::set_tag(const RepoKey& repo, const std::string& tag, const std::string& digest) {
  SQLite::Statement upsert(db_.sql(),
                           "INSERT INTO ecr_image_tags (account_id, region, repository, tag, digest) VALUES (?, ?, ?, ?, ?) "
                           "ON CONFLICT (account_id, region, repository, tag) DO UPDATE SET digest = excluded.digest");
  bind_repo(upsert, repo);
  upsert.bind(4, tag);
  upsert.bind(5, digest);
  upsert.exec();
}

void EcrStore::remove_tag(const RepoKey& repo, const std::string& tag) {
  SQLite::Statement remove(db_.sql(), std::string("DELETE FROM ecr_image_tags") + kRepoWhere + " AND tag = ?");
  bind_repo(remove, repo);
  remove.bind(4, tag);
  remove.exec();
}

void EcrStore::remove_image(const RepoKey& repo, const std::string& digest) {
  std::vector<std::string> referenced;
  {
    SQLite::Statement query(db_.sql(), std::string("SELECT referenced_digest FROM ecr_image_references") + kRepoWhere +
                                           " AND image_digest = ? ORDER BY referenced_digest");
    bind_repo(query, repo);
    query.bind(4, digest);
    while (query.executeStep()) referenced.push_back(query.getColumn(0).getString());
  }
  for (const char* sql : {"DELETE FROM ecr_images WHERE account_id = ? AND region = ? AND repository = ? AND digest = ?",
                          "DELETE FROM ecr_image_tags WHERE account_id = ? AND region = ? AND repository = ? AND digest = ?",
                          "DELETE FROM ecr_image_references WHERE account_id = ? AND region = ? AND repository = ? AND "
                          "image_digest = ?"}) {
    SQLite::Statement remove(db_.sql(), sql);
    bind_repo(remove, repo);
    remove.bind(4, digest);
    remove.exec();
  }
  for (const auto& blob : referenced) {
    SQLite::Statement unlink(db_.sql(),
                             "DELETE FROM ecr_repository_blobs WHERE account_id = ?1 AND region = ?2 AND repository = ?3 "
                             "AND digest = ?4 AND NOT EXISTS (SELECT 1 FROM ecr_image_references r WHERE "
                             "r.account_id = ?1 AND r.region = ?2 AND r.repository = ?3 AND r.referenced_digest = ?4)");
    bind_repo(unlink, repo);
    unlink.bind(4, blob);
    unlink.exec();
  }
}

void EcrStore::set_pulled(const RepoKey& repo, const std::string& digest, double at) {
  SQLite::Statement update(db_.sql(), std::string("UPDATE ecr_images SET last_pull_at = ?4") +
                                          " WHERE account_id = ?1 AND region = ?2 AND repository = ?3 AND digest = ?5");
  bind_repo(update, repo);
  update.bind(4, at);
  update.bind(5, digest);
  update.exec();
}

void EcrStore::set_scanned(const RepoKey& repo, const std::string& digest, double at) {
  SQLite::Statement update(db_.sql(), std::string("UPDATE ecr_images SET scanned_at = ?4") +
                                          " WHERE account_id = ?1 AND region = ?2 AND repository = ?3 AND digest = ?5");
  bind_repo(update, repo);
  update.bind(4, at);
  update.bind(5, digest);
  update.exec();
}

std::vector<std::string> EcrStore::referencing_images(const RepoKey& repo, const std::string& digest) const {
  SQLite::Statement query(db_.sql(), std::string("SELECT image_digest FROM ecr_image_references") + kRepoWhere +
                                         " AND referenced_digest = ? ORDER BY image_digest");
  bind_repo(query, repo);
  query.bind(4, digest);
  std::vector<std::string> out;
  while (query.executeStep()) out.push_back(query.getColumn(0).getString());
  return out;
}

void EcrStore::remove_repository(const RepoKey& repo) {
  for (const char* table : {"ecr_images", "ecr_image_tags", "ecr_image_references", "ecr_repository_blobs"})
    execute_for_repo(db_.sql(), std::string("DELETE FROM ") + table + kRepoWhere, repo);
}

std::optional<std::int64_t> EcrStore::blob_size(const std::string& digest) const {
  SQLite::Statement query(db_.sql(), "SELECT size_bytes FROM ecr_blobs WHERE digest = ?");
  query.bind(1, digest);
  if (!query.executeStep()) return std::nullopt;
  return query.getColumn(0).getInt64();
}

std::optional<std::int64_t> EcrStore::repository_blob_size(const RepoKey& repo, const std::string& digest) const {
  SQLite::Statement query(db_.sql(),
                          "SELECT b.size_bytes FROM ecr_repository_blobs l JOIN ecr_blobs b ON b.digest = l.digest "
                          "WHERE l.account_id = ? AND l.region = ? AND l.repository = ? AND l.digest = ?");
  bind_repo(query, repo);
  query.bind(4, digest);
  if (!query.executeStep()) return std::nullopt;
  return query.getColumn(0).getInt64();
}

void EcrStore::add_blob(const std::string& digest, std::int64_t size) {
  SQLite::Statement insert(db_.sql(), "INSERT OR IGNORE INTO ecr_blobs (digest, size_bytes) VALUES (?, ?)");
  insert.bind(1, digest);
  insert.bind(2, static_cast<int64_t>(size));
  insert.exec();
}

void EcrStore::link_blob(const RepoKey& repo, const std::string& digest) {
  SQLite::Statement insert(db_.sql(),
                           "INSERT OR IGNORE INTO ecr_repository_blobs (account_id, region, repository, digest) "
                           "VALUES (?, ?, ?, ?)");
  bind_repo(insert, repo);
  insert.bind(4, digest);
  insert.exec();
}

std::vector<std::string> EcrStore::collect_garbage() {
  std::vector<std::string> unreferenced;
  {
    SQLite::Statement query(db_.sql(),
                            "SELECT digest FROM ecr_blobs b WHERE NOT EXISTS (SELECT 1 FROM ecr_repository_blobs l "
                            "WHERE l.digest = b.digest) ORDER BY digest");
    while (query.executeStep()) unreferenced.push_back(query.getColumn(0).getString());
  }
  for (const auto& digest : unreferenced) {
    SQLite::Statement remove(db_.sql(), "DELETE FROM ecr_blobs WHERE digest = ?");
    remove.bind(1, digest);
    remove.exec();
  }
  return unreferenced;
}

std::vector<std::string> EcrStore::blob_digests() const {
  SQLite::Statement query(db_.sql(), "SELECT digest FROM ecr_blobs ORDER BY digest");
  std::vector<std::string> out;
  while (query.executeStep()) out.push_back(query.getColumn(0).getString());
  return out;
}

}  // namespace albatross::ecr
