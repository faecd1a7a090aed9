#include "services/ecr/registry/registry_session.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

#include "emulator/clock.hpp"
#include "emulator/log.hpp"
#include "services/ecr/blob_store.hpp"
#include "services/ecr/ecr_service.hpp"
#include "services/ecr/manifest.hpp"
#include "services/ecr/registry/registry_routes.hpp"
#include "services/ecr/registry_token.hpp"

namespace albatross::ecr {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kChunkBytes = 256 * 1024;
constexpr std::size_t kMaxManifestBytes = 4 * 1024 * 1024;  // ECR's manifest limit
constexpr int kIdleSeconds = 300;

using Parser = http::request_parser<http::buffer_body>;
using StringResponse = http::response<http::string_body>;
using HeaderResponse = http::response<http::empty_body>;

// One request being answered.
struct Exchange {
  beast::tcp_stream& stream;
  beast::flat_buffer& buffer;
  Parser& parser;
  RegistryContext& ctx;
  RepoKey repo;  // account and region from the credentials, repository from the path
  bool continue_sent = false;

  const http::request<http::buffer_body>& request() const { return parser.get(); }
  std::string header(http::field field) const { return std::string(request()[field]); }
  std::string query(std::string_view name) const {
    const auto target = request().target();
    const auto mark = target.find('?');
    return mark == std::string_view::npos ? std::string() : query_parameter(target.substr(mark + 1), name);
  }
  // Runs `work` on the control thread (SQLite).
  void control(const std::function<void()>& work) { ctx.on_control(work); }
};

template <class Body>
void common_headers(http::response<Body>& res) {
  res.set(http::field::server, "albatross");
  res.set("Docker-Distribution-Api-Version", "registry/2.0");
}

StringResponse text_response(const Exchange& ex, http::status status, std::string body = {},
                             const char* type = "application/json; charset=utf-8") {
  StringResponse res{status, ex.request().version()};
  common_headers(res);
  if (!body.empty()) res.set(http::field::content_type, type);
  res.body() = std::move(body);
  return res;
}

StringResponse error_response(const Exchange& ex, http::status status, const char* code, const std::string& message) {
  const nlohmann::json body = {{"errors", {{{"code", code}, {"message", message}, {"detail", nullptr}}}}};
  return text_response(ex, status, body.dump());
}

// Writes a response; the connection stays open only when the request was read completely.
asio::awaitable<bool> send(Exchange& ex, StringResponse res) {
  const bool keep = ex.request().keep_alive() && ex.parser.is_done() && !ex.ctx.stopping;
  res.keep_alive(keep);
  res.prepare_payload();
  auto [ec, written] = co_await http::async_write(ex.stream, res, kNoThrow);
  co_return !ec && keep;
}

// Writes only a header whose Content-Length announces `length` bytes (HEAD, or a body streamed after it).
asio::awaitable<bool> send_header(Exchange& ex, HeaderResponse& res, std::uint64_t length) {
  const bool keep = ex.request().keep_alive() && ex.parser.is_done() && !ex.ctx.stopping;
  res.keep_alive(keep);
  res.content_length(length);
  http::response_serializer<http::empty_body> serializer(res);
  auto [ec, written] = co_await http::async_write_header(ex.stream, serializer, kNoThrow);
  co_return !ec && keep;
}

// Reads the rest of the request body piece by piece into `sink` (false from the sink = stop with an error).
asio::awaitable<beast::error_code> read_body(Exchange& ex, const std::function<bool(const char*, std::size_t)>& sink) {
  if (!ex.continue_sent && beast::iequals(ex.request()[http::field::expect], "100-continue") && !ex.parser.is_done()) {
    ex.continue_sent = true;
    static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    auto [ec, n] = co_await asio::async_write(ex.stream, asio::buffer(kContinue, sizeof kContinue - 1), kNoThrow);
    if (ec) co_return ec;
  }
  std::vector<char> chunk(kChunkBytes);
  while (!ex.parser.is_done()) {
    ex.parser.get().body().data = chunk.data();
    ex.parser.get().body().size = chunk.size();
    ex.stream.expires_after(std::chrono::seconds(kIdleSeconds));
    auto [ec, n] = co_await http::async_read(ex.stream, ex.buffer, ex.parser, kNoThrow);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return ec;
    const std::size_t got = chunk.size() - ex.parser.get().body().size;
    if (got > 0 && !sink(chunk.data(), got)) co_return make_error_code(beast::errc::io_error);
  }
  co_return beast::error_code{};
}

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

// Streams the request body into the upload. Returns an error response when it failed (upload dropped).
asio::awaitable<std::optional<StringResponse>> receive_into(Exchange& ex, const std::string& id) {
  BlobStore::AppendResult result = BlobStore::AppendResult::Ok;
  const auto ec = co_await read_body(ex, [&](const char* data, std::size_t size) {
    result = ex.ctx.blobs.append(id, data, size);
    return result == BlobStore::AppendResult::Ok;
  });
  if (!ec) co_return std::nullopt;
  ex.ctx.blobs.cancel(id);  // an interrupted or failed chunk leaves nothing behind
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

// ---- manifests ----

StringResponse manifest_error(const Exchange& ex, const AwsError& error) {
  if (error.code == "RepositoryNotFoundException") return error_response(ex, http::status::not_found, "NAME_UNKNOWN", error.message);
  if (error.code == "ImageTagAlreadyExistsException") return error_response(ex, http::status::bad_request, "TAG_INVALID", error.message);
  if (error.code == "LayersNotFoundException" || error.code == "ReferencedImagesNotFoundException")
    return error_response(ex, http::status::bad_request, "MANIFEST_BLOB_UNKNOWN", error.message);
  if (error.code == "ImageDigestDoesNotMatchException") return error_response(ex, http::status::bad_request, "DIGEST_INVALID", error.message);
  return error_response(ex, http::status::bad_request, "MANIFEST_INVALID", error.message);
}

asio::awaitable<bool> put_manifest(Exchange& ex, const std::string& reference) {
  if (!is_digest_syntax(reference) && !is_valid_tag(reference))
    co_return co_await send(ex, error_response(ex, http::status::bad_request, "TAG_INVALID", "invalid tag '" + reference + "'"));
  std::string body;
  bool too_large = false;
  const auto ec = co_await read_body(ex, [&](const char* data, std::size_t size) {
    too_large = body.size() + size > kMaxManifestBytes;
    if (!too_large) body.append(data, size);
    return !too_large;
  });
  if (too_large) co_return co_await send(ex, error_response(ex, http::status::payload_too_large, "MANIFEST_INVALID", "manifest larger than 4 MiB"));
  if (ec) co_return false;
  std::string digest;
  std::optional<StringResponse> refused;
  try {
    ex.control([&] { digest = ex.ctx.ecr.push_manifest(ex.repo, reference, body, ex.header(http::field::content_type)); });
  } catch (const AwsError& error) {
    refused = manifest_error(ex, error);
  }
  if (refused) co_return co_await send(ex, std::move(*refused));
  auto res = text_response(ex, http::status::created);
  res.set(http::field::location, "/v2/" + ex.repo.repository + "/manifests/" + digest);
  res.set("Docker-Content-Digest", digest);
  co_return co_await send(ex, std::move(res));
}

asio::awaitable<bool> get_manifest(Exchange& ex, const std::string& reference) {
  const bool head = ex.request().method() == http::verb::head;
  std::optional<StoredManifest> manifest;
  ex.control([&] { manifest = ex.ctx.ecr.find_manifest(ex.repo, reference, !head); });
  if (!manifest)
    co_return co_await send(ex, error_response(ex, http::status::not_found, "MANIFEST_UNKNOWN", "Requested image not found"));
  if (head) {
    HeaderResponse res{http::status::ok, ex.request().version()};
    common_headers(res);
    res.set(http::field::content_type, manifest->media_type);
    res.set("Docker-Content-Digest", manifest->digest);
    res.set(http::field::etag, "\"" + manifest->digest + "\"");
    co_return co_await send_header(ex, res, manifest->body.size());
  }
  auto res = text_response(ex, http::status::ok, std::move(manifest->body), manifest->media_type.c_str());
  res.set("Docker-Content-Digest", manifest->digest);
  res.set(http::field::etag, "\"" + manifest->digest + "\"");
  co_return co_await send(ex, std::move(res));
}

// ---- listings ----

// Applies the n/last paging parameters; sets the Link header when more follow.
nlohmann::json page_of(Exchange& ex, const std::vector<std::string>& all, const std::string& path, StringResponse& res) {
  const std::string last = ex.query("last");
  const std::string n = ex.query("n");
  std::size_t limit = all.size();
  if (!n.empty()) limit = static_cast<std::size_t>(std::strtoul(n.c_str(), nullptr, 10));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : all) {
    if (!last.empty() && item <= last) continue;
    if (items.size() == limit) {
      res.set(http::field::link, "<" + path + "?last=" + items.back().get<std::string>() + "&n=" + n + ">; rel=\"next\"");
      break;
    }
    items.push_back(item);
  }
  return items;
}

asio::awaitable<bool> dispatch(Exchange& ex, const RegistryRoute& route) {
  const auto method = ex.request().method();
  const bool reading = method == http::verb::get || method == http::verb::head;
  auto unsupported = [&] {
    return error_response(ex, http::status::method_not_allowed, "UNSUPPORTED", "The operation is unsupported.");
  };
  if (route.kind == RegistryRouteKind::Base) {
    // (no conditional operator inside co_await: g++ 12 destroys its temporary twice)
    StringResponse res = unsupported();
    if (reading) res = text_response(ex, http::status::ok, "{}");
    co_return co_await send(ex, std::move(res));
  }
  if (route.kind == RegistryRouteKind::Catalog) {
    if (!reading) co_return co_await send(ex, unsupported());
    std::vector<std::string> names;
    ex.control([&] { names = ex.ctx.ecr.repository_names({ex.repo.account_id, ex.repo.region}); });
    auto res = text_response(ex, http::status::ok);
    const nlohmann::json body = {{"repositories", page_of(ex, names, "/v2/_catalog", res)}};
    res.body() = body.dump();
    res.set(http::field::content_type, "application/json; charset=utf-8");
    co_return co_await send(ex, std::move(res));
  }
  if (!is_valid_repository_name(route.name))
    co_return co_await send(ex, error_response(ex, http::status::bad_request, "NAME_INVALID", "invalid repository name '" + route.name + "'"));
  ex.repo.repository = route.name;
  bool exists = false;
  ex.control([&] { exists = ex.ctx.ecr.repository_exists(ex.repo); });
  if (!exists)
    co_return co_await send(ex, error_response(ex, http::status::not_found, "NAME_UNKNOWN",
                                               "The repository with name '" + route.name +
                                                   "' does not exist in the registry with id '" + ex.repo.account_id + "'"));
  switch (route.kind) {
    case RegistryRouteKind::Tags: {
      if (!reading) co_return co_await send(ex, unsupported());
      std::vector<std::string> tags;
      ex.control([&] { tags = ex.ctx.ecr.tags(ex.repo); });
      auto res = text_response(ex, http::status::ok);
      const nlohmann::json body = {{"name", route.name}, {"tags", page_of(ex, tags, "/v2/" + route.name + "/tags/list", res)}};
      res.body() = body.dump();
      res.set(http::field::content_type, "application/json; charset=utf-8");
      co_return co_await send(ex, std::move(res));
    }
    case RegistryRouteKind::Manifest:
      if (reading) co_return co_await get_manifest(ex, route.reference);
      if (method == http::verb::put) co_return co_await put_manifest(ex, route.reference);
      if (method == http::verb::delete_) {
        bool deleted = false;
        ex.control([&] { deleted = ex.ctx.ecr.delete_manifest(ex.repo, route.reference); });
        StringResponse res = text_response(ex, http::status::accepted);
        if (!deleted) res = error_response(ex, http::status::not_found, "MANIFEST_UNKNOWN", "Requested image not found");
        co_return co_await send(ex, std::move(res));
      }
      co_return co_await send(ex, unsupported());
    case RegistryRouteKind::Blob:
      if (reading) co_return co_await get_blob(ex, route.reference);
      co_return co_await send(ex, unsupported());
    case RegistryRouteKind::UploadStart:
      if (method == http::verb::post) co_return co_await start_upload(ex);
      co_return co_await send(ex, unsupported());
    case RegistryRouteKind::Upload:
      co_return co_await continue_upload(ex, route.reference);
    default:
      co_return co_await send(ex, unsupported());
  }
}

// Answers one request; false = close the connection.
asio::awaitable<bool> answer(Exchange& ex) {
  const auto target = ex.request().target();
  const auto path = target.substr(0, target.find('?'));
  const auto route = parse_registry_path(std::string_view(path.data(), path.size()));
  if (!route) co_return co_await send(ex, error_response(ex, http::status::not_found, "UNSUPPORTED", "no such registry endpoint"));
  const auto credentials = parse_basic_authorization(ex.header(http::field::authorization));
  if (!credentials) {
    auto res = error_response(ex, http::status::unauthorized, "UNAUTHORIZED", "Not Authorized");
    res.set(http::field::www_authenticate, "Basic realm=\"https://" + ex.ctx.default_account + ".dkr.ecr." +
                                               ex.ctx.default_region + ".amazonaws.com/\",service=\"ecr.amazonaws.com\"");
    co_return co_await send(ex, std::move(res));
  }
  if (credentials->expires_at < Clock::now())
    co_return co_await send(ex, error_response(ex, http::status::forbidden, "DENIED",
                                               "Your authorization token has expired. Reauthenticate and try again."));
  ex.repo = RepoKey{credentials->account_id, credentials->region, ""};
  co_return co_await dispatch(ex, *route);
}

}  // namespace

asio::awaitable<void> serve_registry_connection(tcp::socket socket, RegistryContext& context) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    Parser parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(boost::none);  // bodies stream to disk; manifests are bounded where they are read
    stream.expires_after(std::chrono::seconds(kIdleSeconds));
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kNoThrow);
    if (ec) break;
    Exchange exchange{stream, buffer, parser, context, {}};
    bool keep = false;
    try {
      keep = co_await answer(exchange);
    } catch (const std::exception& e) {
      if (!context.stopping) log::error(std::string("registry: ") + e.what());
      keep = false;
    }
    if (!keep) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace albatross::ecr
