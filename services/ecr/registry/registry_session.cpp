#include "services/ecr/registry/registry_session.hpp"

#include <boost/asio.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

#include "emulator/clock.hpp"
#include "emulator/log.hpp"
#include "services/ecr/ecr_service.hpp"
#include "services/ecr/manifest.hpp"
#include "services/ecr/registry/registry_blob_routes.hpp"
#include "services/ecr/registry/registry_exchange.hpp"
#include "services/ecr/registry/registry_routes.hpp"
#include "services/ecr/registry_token.hpp"

// g++ 12 reports -Wmismatched-new-delete on Asio awaitable frames here, a false positive (the frame's
// operator new and delete are the matching pair in awaitable_frame_base); it depends on inlining choices.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace albatross::ecr {
namespace {

using namespace registry_http;
using tcp = asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxManifestBytes = 4 * 1024 * 1024;  // ECR's manifest limit

// ---- manifests ----

StringResponse manifest_error(const Exchange& ex, const AwsError& error) {
  if (error.code == "RepositoryNotFoundException") return error_response(ex, http::status::not_found, "NAME_UNKNOWN", error.message);
  if (error.code == "ImageTagAlreadyExistsException") return error_response(ex, http::status::bad_request, "TAG_INVALID", error.message);
  if (error.code == "LayersNotFoundException" || error.code == "ReferencedImagesNotFoundException")
    return error_response(ex, http::status::bad_request, "MANIFEST_BLOB_UNKNOWN", error.message);
  if (error.code == "LimitExceededException") return error_response(ex, http::status::forbidden, "DENIED", error.message);
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
    ex.control([&] { digest = ex.ctx.ecr.store_manifest(ex.repo, reference, body, ex.header(http::field::content_type)); });
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
      res.set(http::field::content_type, "text/plain; charset=utf-8");  // what ECR answers (captured)
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
  auto credentials = parse_basic_authorization(ex.header(http::field::authorization));
  // GetDownloadUrlForLayer's URLs are presigned: the token rides in the query, for blob downloads only.
  if (!credentials && route->kind == RegistryRouteKind::Blob && !ex.query(kDownloadTokenParameter).empty())
    credentials = parse_registry_password(ex.query(kDownloadTokenParameter));
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
