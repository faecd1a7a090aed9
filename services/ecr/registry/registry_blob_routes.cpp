#include "services/ecr/registry/registry_blob_routes.hpp"

#include <boost/asio.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <variant>
#include <vector>

#include "services/ecr/blob_store.hpp"
#include "services/ecr/ecr_service.hpp"
#include "services/ecr/manifest.hpp"

// g++ 12 reports -Wmismatched-new-delete on Asio awaitable frames here, a false positive (the frame's
// operator new and delete are the matching pair in awaitable_frame_base); it depends on inlining choices.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace albatross::ecr::registry_http {

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

std::string upload_location(const Exchange& ex, const std::string& id) {
  return "/v2/" + ex.repo.repository + "/blobs/uploads/" + id;
}

std::string range_of(std::uint64_t size) { return "0-" + std::to_string(size == 0 ? 0 : size - 1); }

StringResponse upload_progress(const Exchange& ex, http::status status, const std::string& id, std::uint64_t size) {
  auto res = text_response(ex, status);
  res.set(http::field::location, upload_location(ex, id));
  res.set(http::field::range, range_of(size));
  res.set("Docker-Upload-UUID", id);
  return res;
}

StringResponse blob_created(const Exchange& ex, const std::string& digest) {
  auto res = text_response(ex, http::status::created);
  res.set(http::field::location, "/v2/" + ex.repo.repository + "/blobs/" + digest);
  res.set("Docker-Content-Digest", digest);
  return res;
}

}  // namespace

// ---- blobs ----

asio::awaitable<bool> get_blob(Exchange& ex, const std::string& digest) {
  if (!is_digest_syntax(digest))
    co_return co_await send(ex, error_response(ex, http::status::bad_request, "DIGEST_INVALID", "invalid digest " + digest));
  std::optional<std::int64_t> size;
  ex.control([&] { size = ex.ctx.ecr.blob_size(ex.repo, digest); });
  const int fd = size ? ::open(ex.ctx.blobs.blob_path(digest).c_str(), O_RDONLY | O_CLOEXEC) : -1;
  if (fd < 0) co_return co_await send(ex, error_response(ex, http::status::not_found, "BLOB_UNKNOWN", "blob unknown to registry"));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  const auto total = static_cast<std::uint64_t>(*size);
  std::uint64_t first = 0, last = total == 0 ? 0 : total - 1;
  HeaderResponse res{http::status::ok, ex.request().version()};
  common_headers(res);
  const std::string range = ex.header(http::field::range);
  if (!range.empty() && total > 0) {
    unsigned long long a = 0, b = last;
    const bool open_end = range.ends_with("-");
    const int parsed = std::sscanf(range.c_str(), open_end ? "bytes=%llu-" : "bytes=%llu-%llu", &a, &b);
    if (parsed < 1 || a > b || a >= total) {
      auto refused = error_response(ex, http::status::range_not_satisfiable, "BLOB_UNKNOWN", "range not satisfiable");
      refused.set(http::field::content_range, "bytes */" + std::to_string(total));
      co_return co_await send(ex, std::move(refused));
    }
    first = a;
    last = std::min<std::uint64_t>(b, total - 1);
    res.result(http::status::partial_content);
    res.set(http::field::content_range, "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(total));
  }
  const std::uint64_t length = total == 0 ? 0 : last - first + 1;
  res.set(http::field::content_type, "application/octet-stream");
  res.set(http::field::accept_ranges, "bytes");
  res.set(http::field::etag, "\"" + digest + "\"");
  res.set("Docker-Content-Digest", digest);
  const bool keep = co_await send_header(ex, res, length);
  if (ex.request().method() == http::verb::head) co_return keep;
  std::vector<char> chunk(kChunkBytes);
  std::uint64_t offset = first, remaining = length;
  while (remaining > 0) {
    const ssize_t n = ::pread(fd, chunk.data(), std::min<std::uint64_t>(chunk.size(), remaining), static_cast<off_t>(offset));
    if (n <= 0) co_return false;  // the file shrank or vanished: cut the connection, never send short data
    ex.stream.expires_after(std::chrono::seconds(kIdleSeconds));
    auto [ec, written] = co_await asio::async_write(ex.stream, asio::buffer(chunk.data(), static_cast<std::size_t>(n)), kNoThrow);
    if (ec) co_return false;
    offset += static_cast<std::uint64_t>(n);
    remaining -= static_cast<std::uint64_t>(n);
  }
  co_return keep;
}

// ---- uploads ----

namespace {

// Streams the request body into the upload. Returns an error response when it failed (upload dropped).
asio::awaitable<std::optional<StringResponse>> receive_into(Exchange& ex, const std::string& id) {
  BlobStore::AppendResult result = BlobStore::AppendResult::Ok;
  const auto ec = co_await read_body(ex, [&](const char* data, std::size_t size) {
    result = ex.ctx.blobs.append(id, data, size);
    return result == BlobStore::AppendResult::Ok;
  });
  if (!ec) co_return std::nullopt;
  ex.ctx.blobs.cancel(id);  // an interrupted or failed chunk leaves nothing behind
  if (result == BlobStore::AppendResult::TooLarge)
    co_return error_response(ex, http::status::bad_request, "BLOB_UPLOAD_INVALID", "layers are limited to 52000 MiB");
  if (result != BlobStore::AppendResult::Ok)
    co_return error_response(ex, http::status::internal_server_error, "BLOB_UPLOAD_INVALID", "the upload could not be stored");
  co_return error_response(ex, http::status::bad_request, "BLOB_UPLOAD_INVALID", "the upload body was not received: " + ec.message());
}

// Verifies the finished upload against `digest` and stores it.
StringResponse complete_upload(Exchange& ex, const std::string& id, const std::string& digest) {
  if (!is_sha256_digest(digest)) {
    ex.ctx.blobs.cancel(id);
    return error_response(ex, http::status::bad_request, "DIGEST_INVALID", "digest '" + digest + "' is not a sha256 digest");
  }
  auto finished = ex.ctx.blobs.finish(id, digest);
  if (const auto* error = std::get_if<BlobStore::FinishError>(&finished)) {
    if (*error == BlobStore::FinishError::Unknown)
      return error_response(ex, http::status::not_found, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
    if (*error == BlobStore::FinishError::DigestMismatch)
      return error_response(ex, http::status::bad_request, "DIGEST_INVALID", "provided digest did not match uploaded content");
    return error_response(ex, http::status::internal_server_error, "BLOB_UPLOAD_INVALID", "the upload could not be stored");
  }
  const auto verified = std::get<BlobStore::Verified>(finished);
  try {
    ex.control([&] { ex.ctx.ecr.store_blob(ex.repo, digest, verified.file.string(), verified.size); });
  } catch (...) {
    ex.ctx.blobs.discard(verified);
    throw;
  }
  return blob_created(ex, digest);
}

}  // namespace

asio::awaitable<bool> start_upload(Exchange& ex) {
  const std::string mount = ex.query("mount");
  const std::string from = ex.query("from");
  if (!mount.empty() && !from.empty() && is_digest_syntax(mount) && is_valid_repository_name(from)) {
    bool mounted = false;
    ex.control([&] { mounted = ex.ctx.ecr.mount_blob(ex.repo, mount, from); });
    if (mounted) co_return co_await send(ex, blob_created(ex, mount));
  }
  const std::string id = ex.ctx.blobs.begin_upload(upload_owner(ex.repo));
  const std::string digest = ex.query("digest");
  if (digest.empty()) co_return co_await send(ex, upload_progress(ex, http::status::accepted, id, 0));
  if (auto failed = co_await receive_into(ex, id)) co_return co_await send(ex, std::move(*failed));
  co_return co_await send(ex, complete_upload(ex, id, digest));  // monolithic upload
}

asio::awaitable<bool> continue_upload(Exchange& ex, const std::string& id) {
  const auto status = ex.ctx.blobs.upload_status(id);
  if (!status || status->owner != upload_owner(ex.repo))
    co_return co_await send(ex, error_response(ex, http::status::not_found, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry"));
  const auto method = ex.request().method();
  if (method == http::verb::get) co_return co_await send(ex, upload_progress(ex, http::status::no_content, id, status->size));
  if (method == http::verb::delete_) {
    ex.ctx.blobs.cancel(id);
    co_return co_await send(ex, text_response(ex, http::status::no_content));
  }
  const std::string content_range = ex.header(http::field::content_range);
  if (!content_range.empty()) {
    unsigned long long start = 0;
    if (std::sscanf(content_range.c_str(), "%llu-", &start) != 1 || start != status->size) {
      auto refused = upload_progress(ex, http::status::range_not_satisfiable, id, status->size);
      co_return co_await send(ex, std::move(refused));
    }
  }
  if (auto failed = co_await receive_into(ex, id)) co_return co_await send(ex, std::move(*failed));
  if (method == http::verb::patch) {
    const auto now = ex.ctx.blobs.upload_status(id);
    co_return co_await send(ex, upload_progress(ex, http::status::accepted, id, now ? now->size : 0));
  }
  if (method == http::verb::put) {
    const std::string digest = ex.query("digest");
    if (digest.empty()) {
      ex.ctx.blobs.cancel(id);
      co_return co_await send(ex, error_response(ex, http::status::bad_request, "DIGEST_INVALID", "digest parameter missing"));
    }
    co_return co_await send(ex, complete_upload(ex, id, digest));
  }
  co_return co_await send(ex, error_response(ex, http::status::method_not_allowed, "UNSUPPORTED", "The operation is unsupported."));
}

}  // namespace albatross::ecr::registry_http
