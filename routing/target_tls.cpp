#include "routing/target_tls.hpp"

namespace albatross::routing {

boost::asio::ssl::context& target_tls_context() {
  static boost::asio::ssl::context context = [] {
    boost::asio::ssl::context made(boost::asio::ssl::context::tls_client);
    made.set_verify_mode(boost::asio::ssl::verify_none);
    return made;
  }();
  return context;
}

}  // namespace albatross::routing
