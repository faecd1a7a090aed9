#pragma once
// Temporary credentials in the shape STS returns them.

#include <nlohmann/json.hpp>

namespace albatross::sts {

// {AccessKeyId: "ASIA" + 16 of [A-Z2-7], SecretAccessKey: 40 chars, SessionToken, Expiration: now + seconds}
nlohmann::json temporary_credentials(int duration_seconds);

}  // namespace albatross::sts
