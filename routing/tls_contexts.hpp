#pragma once
// The TLS side of an HTTPS endpoint: one OpenSSL context per certificate of its listeners, configured from
// the listener's security policy, and the SNI choice among them (AWS §4.6): a certificate whose names match
// the server name (wildcards cover exactly one label), else the default certificate; no SNI → default.

#include <memory>
#include <string>
#include <vector>

#include "routing/snapshot.hpp"

namespace boost::asio::ssl {
class context;
}

namespace albatross::routing {

class TlsContexts {
 public:
  // Throws std::runtime_error when no listener has a usable default certificate.
  TlsContexts(const Snapshot& snapshot, const std::vector<std::string>& listener_arns);
  ~TlsContexts();
  boost::asio::ssl::context& default_context();

  // Pure: does a certificate name ("*.example.com" or "www.example.com") cover `server_name`?
  static bool name_matches(const std::string& certificate_name, const std::string& server_name);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace albatross::routing
