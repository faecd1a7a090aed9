#pragma once
// Content-addressed blob files under <state-dir>/registry: blobs/sha256/<hex> and uploads/<id> in progress.
// An upload is hashed as it is written; it becomes a blob only when its SHA-256 matches the digest the
// client names, by an atomic rename, so a partial or corrupt blob is never visible. Thread-safe: uploads
// are written from the registry threads; commit() and remove() run on the control thread (serialized there
// with the SQLite rows that say which blobs exist).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace albatross::ecr {

// ECR's maximum layer size (52,000 MiB, a fixed quota).
inline constexpr std::uint64_t kMaxLayerBytes = 52000ull * 1024 * 1024;

class BlobStore {
 public:
  // Creates the directories and removes uploads an earlier run left unfinished.
  explicit BlobStore(std::filesystem::path root);
  ~BlobStore();
  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path blob_path(const std::string& digest) const;

  // Uploads. `owner` says who may continue it (account/region/repository).
  std::string begin_upload(std::string owner);
  struct UploadStatus {
    std::string owner;
    std::uint64_t size = 0;
  };
  std::optional<UploadStatus> upload_status(const std::string& id) const;
  enum class AppendResult { Ok, Unknown, Failed, TooLarge };
  // Appends bytes at the end. Failed = the write failed, TooLarge = beyond kMaxLayerBytes; either way the
  // upload was dropped.
  AppendResult append(const std::string& id, const char* data, std::size_t size);

  struct Verified {
    std::filesystem::path file;
    std::uint64_t size = 0;
  };
  enum class FinishError { Unknown, DigestMismatch, Failed };
  // Ends the upload (it is gone afterwards): the synced temp file when its hash equals `digest`, else an
  // error (and the temp file is deleted).
  std::variant<Verified, FinishError> finish(const std::string& id, const std::string& digest);
  // Moves a verified file into place as `digest` (control thread).
  void commit(const Verified& verified, const std::string& digest);
  void discard(const Verified& verified);
  void cancel(const std::string& id);

  void remove(const std::string& digest);  // control thread
  void clear();                            // every blob and upload (reset)
  std::size_t expire_uploads(double idle_seconds);
  std::vector<std::string> digests_on_disk() const;
  std::size_t upload_count() const;

 private:
  struct Upload;
  std::shared_ptr<Upload> find(const std::string& id) const;
  void drop(const std::string& id);

  std::filesystem::path root_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Upload>> uploads_;
};

}  // namespace albatross::ecr
