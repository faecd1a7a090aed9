#include "routing/tls_contexts.hpp"

#include <boost/asio/ssl.hpp>
#include <openssl/x509v3.h>

#include <stdexcept>

#include "routing/request_view.hpp"

namespace albatross::routing {
namespace {

namespace ssl = boost::asio::ssl;

int protocol_version(const std::string& name) {
  if (name == "TLSv1") return TLS1_VERSION;
  if (name == "TLSv1.1") return TLS1_1_VERSION;
  if (name == "TLSv1.2") return TLS1_2_VERSION;
  return TLS1_3_VERSION;
}

// The DNS names a certificate answers for: its subjectAltName DNS entries, else its CN.
std::vector<std::string> certificate_names(SSL_CTX* context) {
  std::vector<std::string> names;
  X509* certificate = SSL_CTX_get0_certificate(context);
  if (!certificate) return names;
  auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans, i);
    if (name->type != GEN_DNS) continue;
    const auto* text = ASN1_STRING_get0_data(name->d.dNSName);
    names.emplace_back(reinterpret_cast<const char*>(text), ASN1_STRING_length(name->d.dNSName));
  }
  if (sans) GENERAL_NAMES_free(sans);
  if (names.empty()) {
    char common_name[256] = {};
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, common_name, sizeof common_name) > 0)
      names.emplace_back(common_name);
  }
  return names;
}

std::unique_ptr<ssl::context> make_context(const Listener& listener, const Certificate& certificate) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  int low = TLS1_3_VERSION, high = TLS1_VERSION;
  for (const auto& name : listener.ssl_protocols) {
    low = std::min(low, protocol_version(name));
    high = std::max(high, protocol_version(name));
  }
  if (listener.ssl_protocols.empty()) low = TLS1_2_VERSION, high = TLS1_3_VERSION;
  if (low < TLS1_2_VERSION) SSL_CTX_set_security_level(native, 0);  // let old policies really offer TLS 1.0/1.1
  SSL_CTX_set_min_proto_version(native, low);
  SSL_CTX_set_max_proto_version(native, high);
  std::string tls12, tls13;
  for (const auto& cipher : listener.ssl_ciphers) {
    std::string& list = cipher.starts_with("TLS_") ? tls13 : tls12;
    list += (list.empty() ? "" : ":") + cipher;
  }
  if (!tls12.empty()) SSL_CTX_set_cipher_list(native, tls12.c_str());
  if (!tls13.empty()) SSL_CTX_set_ciphersuites(native, tls13.c_str());
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
  const std::string chain = certificate.certificate_pem + "\n" + certificate.chain_pem;
  context->use_certificate_chain(boost::asio::buffer(chain));
  context->use_private_key(boost::asio::buffer(certificate.private_key_pem), ssl::context::pem);
  static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_select_cb(
      native,
      [](SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* in, unsigned int in_length,
         void*) {
        unsigned char* selected = nullptr;
        if (SSL_select_next_proto(&selected, out_length, kAlpn, sizeof kAlpn, in, in_length) != OPENSSL_NPN_NEGOTIATED)
          return SSL_TLSEXT_ERR_NOACK;
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
      },
      nullptr);
  return context;
}

}  // namespace

struct TlsContexts::Impl {
  struct Entry {
    std::unique_ptr<ssl::context> context;
    std::vector<std::string> names;
  };
  std::vector<Entry> entries;  // entries[0] is the default

  static int on_server_name(SSL* connection, int*, void* self) {
    const char* server_name = SSL_get_servername(connection, TLSEXT_NAMETYPE_host_name);
    if (!server_name) return SSL_TLSEXT_ERR_OK;  // no SNI: the default certificate
    const std::string wanted = ascii_lower(server_name);
    for (const auto& entry : static_cast<Impl*>(self)->entries)
      for (const auto& name : entry.names)
        if (name_matches(name, wanted)) {
          SSL_set_SSL_CTX(connection, entry.context->native_handle());
          return SSL_TLSEXT_ERR_OK;
        }
    return SSL_TLSEXT_ERR_OK;  // no match: the default certificate, the handshake is not refused
  }
};

TlsContexts::TlsContexts(const Snapshot& snapshot, const std::vector<std::string>& listener_arns)
    : impl_(std::make_unique<Impl>()) {
  for (const auto& arn : listener_arns)
    for (const auto& listener : snapshot.listeners) {
      if (listener.arn != arn) continue;
      std::vector<const Certificate*> certificates;
      if (listener.default_certificate) certificates.push_back(&*listener.default_certificate);
      for (const auto& certificate : listener.sni_certificates) certificates.push_back(&certificate);
      for (const auto* certificate : certificates) {
        auto context = make_context(listener, *certificate);
        auto names = certificate_names(context->native_handle());
        impl_->entries.push_back({std::move(context), std::move(names)});
      }
    }
  if (impl_->entries.empty()) throw std::runtime_error("no usable certificate for this HTTPS listener");
  SSL_CTX* first = impl_->entries.front().context->native_handle();
  SSL_CTX_set_tlsext_servername_callback(first, &Impl::on_server_name);
  SSL_CTX_set_tlsext_servername_arg(first, impl_.get());
}

TlsContexts::~TlsContexts() = default;

ssl::context& TlsContexts::default_context() { return *impl_->entries.front().context; }

bool TlsContexts::name_matches(const std::string& certificate_name, const std::string& server_name) {
  const std::string name = ascii_lower(certificate_name);
  if (!name.starts_with("*.")) return name == server_name;
  const auto dot = server_name.find('.');
  return dot != std::string::npos && dot > 0 && server_name.substr(dot + 1) == name.substr(2);
}

}  // namespace albatross::routing
