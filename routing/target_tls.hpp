#pragma once
// The TLS client context for connections to targets (HTTPS target groups and HTTPS health checks): like ALB it
// does not verify the target's certificate (self-signed and expired certificates are accepted) and sends no
// SNI. Shared by every worker; OpenSSL contexts are safe to share once configured.

#include <boost/asio/ssl/context.hpp>

namespace albatross::routing {

boost::asio::ssl::context& target_tls_context();

}  // namespace albatross::routing
