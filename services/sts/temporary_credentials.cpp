#include "services/sts/temporary_credentials.hpp"

#include <random>

#include "emulator/clock.hpp"
#include "emulator/request_identity.hpp"
#include "services/common/base64.hpp"

namespace albatross::sts {
namespace {

std::string random_from(std::string_view alphabet, std::size_t length) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out += alphabet[random() % alphabet.size()];
  return out;
}

}  // namespace

nlohmann::json temporary_credentials(const std::string& account_id, int duration_seconds) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::string token_bytes(240, '\0');
  for (auto& byte : token_bytes) byte = static_cast<char>(random() & 0xff);
  return {{"AccessKeyId", temporary_key_for_account(account_id, random())},
          {"SecretAccessKey", random_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40)},
          {"SessionToken", base64::encode(token_bytes)},
          {"Expiration", static_cast<double>(static_cast<long long>(Clock::now()) + duration_seconds)}};
}

}  // namespace albatross::sts
