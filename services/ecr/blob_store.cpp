#include "services/ecr/blob_store.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <chrono>

#include "services/common/ids.hpp"
#include "services/ecr/manifest.hpp"

namespace albatross::ecr {

namespace fs = std::filesystem;

struct BlobStore::Upload {
  std::mutex mutex;  // one writer at a time per upload
  std::string owner;
  fs::path file;
  int fd = -1;
  EVP_MD_CTX* hash = nullptr;
  std::uint64_t size = 0;
  std::chrono::steady_clock::time_point last_used = std::chrono::steady_clock::now();

  ~Upload() {
    if (fd >= 0) ::close(fd);
    if (hash) EVP_MD_CTX_free(hash);
  }
};

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string hex_digest(EVP_MD_CTX* hash) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(hash, out, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "sha256:";
  for (unsigned int i = 0; i < length; ++i) {
    text += kHex[out[i] >> 4];
    text += kHex[out[i] & 15];
  }
  return text;
}

}  // namespace

BlobStore::BlobStore(fs::path root) : root_(std::move(root)) {
  fs::create_directories(root_ / "blobs" / "sha256");
  std::error_code ec;
  fs::remove_all(root_ / "uploads", ec);  // nobody can resume them: their sessions died with the last run
  fs::create_directories(root_ / "uploads");
}

BlobStore::~BlobStore() = default;

fs::path BlobStore::blob_path(const std::string& digest) const {
  return root_ / "blobs" / "sha256" / (is_sha256_digest(digest) ? digest.substr(7) : std::string("invalid"));
}

std::string BlobStore::begin_upload(std::string owner) {
  auto upload = std::make_shared<Upload>();
  const std::string id = ids::uuid4();
  upload->owner = std::move(owner);
  upload->file = root_ / "uploads" / id;
  upload->fd = ::open(upload->file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (upload->fd < 0) throw std::runtime_error("cannot create upload file " + upload->file.string());
  upload->hash = EVP_MD_CTX_new();
  EVP_DigestInit_ex(upload->hash, EVP_sha256(), nullptr);
  std::lock_guard lock(mutex_);
  uploads_[id] = std::move(upload);
  return id;
}

std::shared_ptr<BlobStore::Upload> BlobStore::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto found = uploads_.find(id);
  return found == uploads_.end() ? nullptr : found->second;
}

void BlobStore::drop(const std::string& id) {
  std::shared_ptr<Upload> upload;
  {
    std::lock_guard lock(mutex_);
    const auto found = uploads_.find(id);
    if (found == uploads_.end()) return;
    upload = std::move(found->second);
    uploads_.erase(found);
  }
  std::lock_guard lock(upload->mutex);
  if (upload->fd >= 0) {
    ::close(upload->fd);
    upload->fd = -1;
    std::error_code ec;
    fs::remove(upload->file, ec);
  }
}

std::optional<BlobStore::UploadStatus> BlobStore::upload_status(const std::string& id) const {
  auto upload = find(id);
  if (!upload) return std::nullopt;
  std::lock_guard lock(upload->mutex);
  return UploadStatus{upload->owner, upload->size};
}

BlobStore::AppendResult BlobStore::append(const std::string& id, const char* data, std::size_t size) {
  auto upload = find(id);
  if (!upload) return AppendResult::Unknown;
  std::unique_lock lock(upload->mutex);
  if (upload->fd < 0) return AppendResult::Unknown;
  if (upload->size + size > kMaxLayerBytes) {
    lock.unlock();
    drop(id);
    return AppendResult::TooLarge;
  }
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(upload->fd, data + written, size - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      lock.unlock();
      drop(id);
      return AppendResult::Failed;
    }
    written += static_cast<std::size_t>(n);
  }
  EVP_DigestUpdate(upload->hash, data, size);
  upload->size += size;
  upload->last_used = std::chrono::steady_clock::now();
  return AppendResult::Ok;
}

std::variant<BlobStore::Verified, BlobStore::FinishError> BlobStore::finish(const std::string& id,
                                                                           const std::string& digest) {
  std::shared_ptr<Upload> upload;
  {
    std::lock_guard lock(mutex_);
    const auto found = uploads_.find(id);
    if (found == uploads_.end()) return FinishError::Unknown;
    upload = std::move(found->second);
    uploads_.erase(found);
  }
  std::lock_guard lock(upload->mutex);
  if (upload->fd < 0) return FinishError::Unknown;
  const bool synced = ::fsync(upload->fd) == 0;
  ::close(upload->fd);
  upload->fd = -1;
  const bool matches = hex_digest(upload->hash) == digest;
  if (!synced || !matches) {
    std::error_code ec;
    fs::remove(upload->file, ec);
    return synced ? FinishError::DigestMismatch : FinishError::Failed;
  }
  return Verified{upload->file, upload->size};
}

void BlobStore::commit(const Verified& verified, const std::string& digest) {
  const fs::path target = blob_path(digest);
  std::error_code ec;
  if (fs::exists(target, ec)) {  // the same content is already there
    fs::remove(verified.file, ec);
    return;
  }
  fs::rename(verified.file, target);  // atomic within the registry directory
  const int dir = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {  // make the rename itself durable
    ::fsync(dir);
    ::close(dir);
  }
}

void BlobStore::discard(const Verified& verified) {
  std::error_code ec;
  fs::remove(verified.file, ec);
}

void BlobStore::cancel(const std::string& id) { drop(id); }

void BlobStore::remove(const std::string& digest) {
  if (!is_sha256_digest(digest)) return;
  std::error_code ec;
  fs::remove(blob_path(digest), ec);
}

void BlobStore::clear() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, upload] : uploads_) ids.push_back(id);
  }
  for (const auto& id : ids) drop(id);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ / "blobs" / "sha256", ec)) fs::remove(entry.path(), ec);
}

std::size_t BlobStore::expire_uploads(double idle_seconds) {
  std::vector<std::string> idle;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, upload] : uploads_) {
      std::unique_lock upload_lock(upload->mutex, std::try_to_lock);
      if (upload_lock.owns_lock() && seconds_since(upload->last_used) > idle_seconds) idle.push_back(id);
    }
  }
  for (const auto& id : idle) drop(id);
  return idle.size();
}

std::vector<std::string> BlobStore::digests_on_disk() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ / "blobs" / "sha256", ec))
    out.push_back("sha256:" + entry.path().filename().string());
  return out;
}

std::size_t BlobStore::upload_count() const {
  std::lock_guard lock(mutex_);
  return uploads_.size();
}

}  // namespace albatross::ecr
