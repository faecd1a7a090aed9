#pragma once
// Temporary credentials in the shape STS returns them.

#include <string>

#include <nlohmann/json.hpp>

namespace albatross::sts {

// {AccessKeyId: "ASIA" + 16 of [A-Z2-7] encoding account_id (so calls made with it act in that account),
//  SecretAccessKey: 40 chars, SessionToken, Expiration: now + seconds}
nlohmann::json temporary_credentials(const std::string& account_id, int duration_seconds);

}  // namespace albatross::sts
