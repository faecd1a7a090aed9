#pragma once
// All of ECR's SQL for images, tags and blobs (repositories are documents in storage::ResourceStore).
// Control thread only, inside a transaction of storage::Database.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace albatross::storage {
class Database;
}

namespace albatross::ecr {

struct RepoKey {
  std::string account_id;
  std::string region;
  std::string repository;
};

struct ImageRecord {
  std::string digest;
  std::string manifest;
  std::string media_type;
  std::string artifact_media_type;
  std::int64_t size_bytes = 0;
  double pushed_at = 0;
  std::optional<double> last_pull_at;
  std::optional<double> scanned_at;
  std::vector<std::string> tags;  // sorted
};

class EcrStore {
 public:
  explicit EcrStore(storage::Database& db) : db_(db) {}

  std::optional<ImageRecord> image(const RepoKey& repo, const std::string& digest) const;
  std::vector<ImageRecord> images(const RepoKey& repo) const;  // oldest push first
  std::optional<std::string> digest_for_tag(const RepoKey& repo, const std::string& tag) const;
  std::vector<std::string> tags(const RepoKey& repo) const;  // sorted
  std::size_t image_count(const RepoKey& repo) const;

  // Inserts the image (not its tags) and what it references (blobs, child manifests).
  void insert_image(const RepoKey& repo, const ImageRecord& image, const std::vector<std::string>& references);
  void set_tag(const RepoKey& repo, const std::string& tag, const std::string& digest);
  void remove_tag(const RepoKey& repo, const std::string& tag);
  // Removes the image, its tags and its references; then the repository's links to blobs that no other image
  // in the repository references any more.
  void remove_image(const RepoKey& repo, const std::string& digest);
  void set_pulled(const RepoKey& repo, const std::string& digest, double at);
  void set_scanned(const RepoKey& repo, const std::string& digest, double at);
  // Digests of images in the repository that reference `digest` (an index referencing a child).
  std::vector<std::string> referencing_images(const RepoKey& repo, const std::string& digest) const;
  // Removes every image, tag and blob link of the repository.
  void remove_repository(const RepoKey& repo);

  // Blobs.
  std::optional<std::int64_t> blob_size(const std::string& digest) const;
  // The blob's size when the repository may use it.
  std::optional<std::int64_t> repository_blob_size(const RepoKey& repo, const std::string& digest) const;
  void add_blob(const std::string& digest, std::int64_t size);
  void link_blob(const RepoKey& repo, const std::string& digest);
  // Deletes the rows of blobs no repository links; returns their digests (whose files can go).
  std::vector<std::string> collect_garbage();
  std::vector<std::string> blob_digests() const;

 private:
  storage::Database& db_;
};

}  // namespace albatross::ecr
