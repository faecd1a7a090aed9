#include "services/ecr/blob_store.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "services/common/ids.hpp"
#include "services/ecr/manifest.hpp"

using namespace albatross;
using namespace albatross::ecr;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("albatross-blob-test-" + ids::random_hex(12));
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::size_t files_in(const fs::path& dir) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++count;
  return count;
}

}  // namespace

TEST_CASE("an upload becomes a blob only when its digest matches") {
  TempDir dir;
  BlobStore store(dir.path);
  const std::string id = store.begin_upload("owner");
  CHECK(store.append(id, "hello ", 6) == BlobStore::AppendResult::Ok);
  CHECK(store.append(id, "world", 5) == BlobStore::AppendResult::Ok);
  CHECK(store.upload_status(id)->size == 11);
  CHECK(store.upload_status(id)->owner == "owner");
  const std::string digest = sha256_digest("hello world");
  auto finished = store.finish(id, digest);
  REQUIRE(std::holds_alternative<BlobStore::Verified>(finished));
  CHECK_FALSE(fs::exists(store.blob_path(digest)));  // not visible before commit
  store.commit(std::get<BlobStore::Verified>(finished), digest);
  std::ifstream in(store.blob_path(digest));
  std::string content((std::istreambuf_iterator<char>(in)), {});
  CHECK(content == "hello world");
  CHECK(store.digests_on_disk() == std::vector<std::string>{digest});
  CHECK_FALSE(store.upload_status(id));
  CHECK(files_in(dir.path / "uploads") == 0);
}

TEST_CASE("a wrong digest deletes the upload and stores nothing") {
  TempDir dir;
  BlobStore store(dir.path);
  const std::string id = store.begin_upload("owner");
  store.append(id, "data", 4);
  const auto finished = store.finish(id, sha256_digest("other"));
  REQUIRE(std::holds_alternative<BlobStore::FinishError>(finished));
  CHECK(std::get<BlobStore::FinishError>(finished) == BlobStore::FinishError::DigestMismatch);
  CHECK(files_in(dir.path / "uploads") == 0);
  CHECK(store.digests_on_disk().empty());
  CHECK(std::get<BlobStore::FinishError>(store.finish(id, sha256_digest("data"))) == BlobStore::FinishError::Unknown);
  CHECK(store.append(id, "x", 1) == BlobStore::AppendResult::Unknown);
}

TEST_CASE("cancelled, idle and leftover uploads disappear") {
  TempDir dir;
  {
    BlobStore store(dir.path);
    const std::string cancelled = store.begin_upload("owner");
    store.cancel(cancelled);
    CHECK_FALSE(store.upload_status(cancelled));
    const std::string idle = store.begin_upload("owner");
    CHECK(store.expire_uploads(3600) == 0);
    CHECK(store.expire_uploads(-1) == 1);
    CHECK_FALSE(store.upload_status(idle));
    store.begin_upload("owner");  // left behind by a "crash"
    CHECK(files_in(dir.path / "uploads") == 1);
  }
  BlobStore reopened(dir.path);
  CHECK(files_in(dir.path / "uploads") == 0);
  CHECK(reopened.upload_count() == 0);
}

TEST_CASE("remove and clear delete blob files") {
  TempDir dir;
  BlobStore store(dir.path);
  for (const std::string data : {"a", "b"}) {
    const std::string id = store.begin_upload("owner");
    store.append(id, data.data(), data.size());
    store.commit(std::get<BlobStore::Verified>(store.finish(id, sha256_digest(data))), sha256_digest(data));
  }
  CHECK(store.digests_on_disk().size() == 2);
  store.remove(sha256_digest("a"));
  CHECK(store.digests_on_disk() == std::vector<std::string>{sha256_digest("b")});
  store.begin_upload("owner");
  store.clear();
  CHECK(store.digests_on_disk().empty());
  CHECK(store.upload_count() == 0);
}
