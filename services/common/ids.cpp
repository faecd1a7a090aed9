#include "services/common/ids.hpp"

#include <random>

namespace albatross::ids {
namespace {

std::mt19937_64& generator() {
  thread_local std::mt19937_64 engine{[] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }()};
  return engine;
}

std::string random_from(std::string_view alphabet, std::size_t length) {
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out(length, '\0');
  for (auto& c : out) c = alphabet[pick(generator())];
  return out;
}

}  // namespace

std::string random_hex(std::size_t length) { return random_from("0123456789abcdef", length); }

std::string random_lowercase(std::size_t length) { return random_from("abcdefghijklmnopqrstuvwxyz", length); }

std::string random_digits(std::size_t length) {
  if (length == 0) return {};
  return random_from("123456789", 1) + random_from("0123456789", length - 1);
}

std::string uuid4() {
  std::string hex = random_hex(32);
  hex[12] = '4';
  hex[16] = "89ab"[std::uniform_int_distribution<int>(0, 3)(generator())];
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' + hex.substr(16, 4) + '-' +
         hex.substr(20);
}

}  // namespace albatross::ids
