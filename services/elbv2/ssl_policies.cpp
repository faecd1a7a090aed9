#include "services/elbv2/ssl_policies.hpp"

#include <initializer_list>

namespace albatross::elbv2 {
namespace {

using List = std::vector<std::string>;

List join(std::initializer_list<List> parts) {
  List out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

const List kTls13 = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"};
const List kEcdheGcm = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                        "ECDHE-RSA-AES256-GCM-SHA384"};
const List kEcdheCbcSha2 = {"ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA384",
                            "ECDHE-RSA-AES256-SHA384"};
const List kEcdheCbcSha1 = {"ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA",
                            "ECDHE-ECDSA-AES256-SHA"};
const List kRsaSha2 = {"AES128-GCM-SHA256", "AES128-SHA256", "AES256-GCM-SHA384", "AES256-SHA256"};
const List kRsaSha1 = {"AES128-SHA", "AES256-SHA"};

// ELBSecurityPolicy-2016-08, in AWS's order.
const List k2016 = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA256",
                    "ECDHE-RSA-AES128-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA",
                    "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-SHA384",
                    "ECDHE-RSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA", "ECDHE-ECDSA-AES256-SHA", "AES128-GCM-SHA256",
                    "AES128-SHA256", "AES128-SHA", "AES256-GCM-SHA384", "AES256-SHA256", "AES256-SHA"};

const List kTls10To12 = {"TLSv1", "TLSv1.1", "TLSv1.2"};
const List kTls11To12 = {"TLSv1.1", "TLSv1.2"};
const List kTls12 = {"TLSv1.2"};

const std::vector<SslPolicyInfo>& table() {
  static const std::vector<SslPolicyInfo> policies = [] {
    const List tls13_12 = join({kTls13, kEcdheGcm, kEcdheCbcSha2});
    const List ext1 = join({tls13_12, kRsaSha2});
    const List ext2 = join({ext1, kEcdheCbcSha1, kRsaSha1});
    const List fs_res_2019 = join({kEcdheGcm, kEcdheCbcSha2});
    const List fs_2019 = join({fs_res_2019, kEcdheCbcSha1});
    List tls12_2017;
    for (const auto& cipher : k2016)
      if (cipher.ends_with("SHA256") || cipher.ends_with("SHA384")) tls12_2017.push_back(cipher);
    return std::vector<SslPolicyInfo>{
        {"ELBSecurityPolicy-TLS13-1-2-2021-06", {"TLSv1.2", "TLSv1.3"}, tls13_12},
        {"ELBSecurityPolicy-TLS13-1-2-Res-2021-06", {"TLSv1.2", "TLSv1.3"}, join({kTls13, kEcdheGcm})},
        {"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", {"TLSv1.2", "TLSv1.3"}, ext1},
        {"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", {"TLSv1.2", "TLSv1.3"}, ext2},
        {"ELBSecurityPolicy-TLS13-1-1-2021-06", {"TLSv1.1", "TLSv1.2", "TLSv1.3"}, ext2},
        {"ELBSecurityPolicy-TLS13-1-0-2021-06", {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}, ext2},
        {"ELBSecurityPolicy-TLS13-1-3-2021-06", {"TLSv1.3"}, kTls13},
        {"ELBSecurityPolicy-FS-1-2-Res-2020-10", kTls12, kEcdheGcm},
        {"ELBSecurityPolicy-FS-1-2-Res-2019-08", kTls12, fs_res_2019},
        {"ELBSecurityPolicy-FS-1-2-2019-08", kTls12, fs_2019},
        {"ELBSecurityPolicy-FS-1-1-2019-08", kTls11To12, fs_2019},
        {"ELBSecurityPolicy-FS-2018-06", kTls10To12, fs_2019},
        {"ELBSecurityPolicy-TLS-1-2-Ext-2018-06", kTls12, k2016},
        {"ELBSecurityPolicy-TLS-1-2-2017-01", kTls12, tls12_2017},
        {"ELBSecurityPolicy-TLS-1-1-2017-01", kTls11To12, k2016},
        {"ELBSecurityPolicy-2016-08", kTls10To12, k2016},
        {"ELBSecurityPolicy-TLS-1-0-2015-04", kTls10To12, join({k2016, {"DES-CBC3-SHA"}})},
        {"ELBSecurityPolicy-2015-05", kTls10To12, k2016},
    };
  }();
  return policies;
}

}  // namespace

std::span<const SslPolicyInfo> ssl_policies() { return table(); }

const SslPolicyInfo* find_ssl_policy(std::string_view name) {
  for (const auto& policy : table())
    if (policy.name == name) return &policy;
  return nullptr;
}

}  // namespace albatross::elbv2
