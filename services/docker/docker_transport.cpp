#include "services/docker/docker_transport.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "services/docker/docker_error.hpp"

namespace albatross::docker {
namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct MultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// What the write callback needs: where 2xx bodies go, where error bodies go.
struct Sink {
  CURL* easy = nullptr;
  const std::function<bool(std::string_view)>* on_data = nullptr;  // null: collect everything into `body`
  std::string body;
  bool stopped = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::string_view chunk(data, size * count);
  if (sink->on_data) {
    long status = 0;
    curl_easy_getinfo(sink->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      if (!(*sink->on_data)(chunk)) {
        sink->stopped = true;
        return CURL_WRITEFUNC_ERROR;
      }
      return chunk.size();
    }
  }
  if (sink->body.size() < (64u << 20)) sink->body.append(chunk);  // error bodies and plain replies; capped
  return chunk.size();
}

std::string describe(const DockerEndpoint& endpoint, const HttpCall& call, CURLcode code, const char* detail) {
  if (code == CURLE_OPERATION_TIMEDOUT)
    return "Docker call " + call.method + " " + call.target + " timed out after " +
           std::to_string(call.timeout.count()) + " ms (daemon at " + endpoint.host + ")";
  return "cannot reach the Docker daemon at " + endpoint.host + ": " + (detail && *detail ? detail : curl_easy_strerror(code)) +
         " (is dockerd running? see scripts/start-docker.sh)";
}

EasyHandle prepare(const DockerEndpoint& endpoint, const HttpCall& call, HeaderList& headers, Sink& sink,
                   char* error_buffer) {
  global_init();
  EasyHandle easy(curl_easy_init());
  if (!easy) throw DockerError(0, "curl_easy_init failed");
  CURL* h = easy.get();
  sink.easy = h;
  const std::string url = endpoint.base_url + call.target;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  if (!endpoint.unix_socket.empty()) curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, endpoint.unix_socket.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  if (call.timeout.count() > 0) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout.count()));
  curl_easy_setopt(h, CURLOPT_PROXY, "");  // never route the daemon through an http_proxy from the environment
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_slist* list = nullptr;
  for (const auto& header : call.headers) list = curl_slist_append(list, header.c_str());
  if (!call.body.empty() || call.method == "POST") {
    list = curl_slist_append(list, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, call.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(call.body.size()));
  }
  list = curl_slist_append(list, "Expect:");
  headers.reset(list);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  return easy;
}

}  // namespace

DockerTransport::DockerTransport(DockerEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

HttpReply DockerTransport::send(const HttpCall& call) const {
  HeaderList headers;
  Sink sink;
  char error_buffer[CURL_ERROR_SIZE] = {};
  EasyHandle easy = prepare(endpoint_, call, headers, sink, error_buffer);
  const CURLcode code = curl_easy_perform(easy.get());
  if (code != CURLE_OK)
    throw DockerError(0, describe(endpoint_, call, code, error_buffer), code == CURLE_OPERATION_TIMEDOUT);
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  return HttpReply{static_cast<int>(status), std::move(sink.body)};
}

HttpReply DockerTransport::stream(const HttpCall& call, const std::function<bool(std::string_view)>& on_data,
                                  const std::atomic<bool>* stop) const {
  HeaderList headers;
  Sink sink;
  sink.on_data = &on_data;
  char error_buffer[CURL_ERROR_SIZE] = {};
  EasyHandle easy = prepare(endpoint_, call, headers, sink, error_buffer);
  std::unique_ptr<CURLM, MultiDeleter> multi(curl_multi_init());
  if (!multi) throw DockerError(0, "curl_multi_init failed");
  curl_multi_add_handle(multi.get(), easy.get());
  // The multi interface lets us wake every 100 ms to notice `stop` even when the daemon sends nothing.
  int running = 1;
  CURLcode result = CURLE_OK;
  while (running) {
    if (stop && stop->load()) {
      sink.stopped = true;
      break;
    }
    if (curl_multi_perform(multi.get(), &running) != CURLM_OK) break;
    if (running) curl_multi_poll(multi.get(), nullptr, 0, 100, nullptr);
  }
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued))
    if (message->msg == CURLMSG_DONE) result = message->data.result;
  curl_multi_remove_handle(multi.get(), easy.get());
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  if (result != CURLE_OK && !sink.stopped && status == 0)
    throw DockerError(0, describe(endpoint_, call, result, error_buffer), result == CURLE_OPERATION_TIMEDOUT);
  return HttpReply{static_cast<int>(status), std::move(sink.body)};
}

std::string DockerTransport::escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace albatross::docker
