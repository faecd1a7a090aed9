#pragma once
// Works out who a request is for — service, operation, account, region — the way the SDKs address
// them: X-Amz-Target (JSON protocols), Action/Version form fields (query protocols) and the SigV4
// credential scope (Authorization header or presigned X-Amz-Credential).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/http_message.hpp"

namespace albatross {

// A service the gateway knows how to address.
struct ServiceAddress {
  std::string_view model_name;     // "acm", "elbv2", ...
  std::string_view signing_name;   // SigV4 scope service
  std::string_view target_prefix;  // JSON protocols only
  std::string_view api_version;    // query protocols: the Version field
};

// The table of every service we address; the unit tests check it against the models.
const ServiceAddress* known_services(std::size_t& count);

struct CredentialScope {
  std::string access_key_id;
  std::string region;
  std::string service;
};

// Parses `AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...` (or the
// X-Amz-Credential value alone). Empty optional when it is not SigV4.
std::optional<CredentialScope> parse_credential_scope(std::string_view text);

// 12 digits -> that account; a temporary "ASIA…" key -> the account encoded in it; anything else -> the default.
std::string account_for_access_key(std::string_view access_key_id, const std::string& default_account);
// The account AWS encodes in a temporary access key id (bits 7..46 of its base32 payload), if it is one.
std::optional<std::string> account_in_temporary_key(std::string_view access_key_id);
// An "ASIA…" access key id that encodes `account_id` (12 digits); the other bits come from random_bits.
std::string temporary_key_for_account(const std::string& account_id, std::uint64_t random_bits);

struct RequestIdentity {
  std::string model_name;  // empty when the service could not be identified
  std::string operation;   // empty when not named
  std::string account_id;
  std::string region;
  bool json_protocol = false;
  std::string access_key_id;  // from the SigV4 credential scope; empty when unsigned
};

// Fields of the form body or query string that matter here (empty when absent).
struct FormFields {
  std::string_view action;
  std::string_view version;
  std::string_view credential;  // X-Amz-Credential of a presigned request
};

RequestIdentity identify_request(const HttpRequest& request, const FormFields& form,
                                 const std::string& default_account, const std::string& default_region);

}  // namespace albatross
