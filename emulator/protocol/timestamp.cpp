#include "emulator/protocol/timestamp.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace albatross::protocol {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, UTC).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

// Reads exactly `n` digits at text[pos].
bool digits(std::string_view text, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::optional<double> parse_iso(std::string_view t) {
  std::size_t p = 0;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!digits(t, p, 4, year) || p >= t.size() || t[p++] != '-' || !digits(t, p, 2, month) || p >= t.size() ||
      t[p++] != '-' || !digits(t, p, 2, day))
    return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0))
    return std::nullopt;
  double fraction = 0;
  int offset_seconds = 0;
  if (p < t.size()) {
    if (t[p] != 'T' && t[p] != 't' && t[p] != ' ') return std::nullopt;
    ++p;
    if (!digits(t, p, 2, hour) || p >= t.size() || t[p++] != ':' || !digits(t, p, 2, minute)) return std::nullopt;
    if (p < t.size() && t[p] == ':') {
      ++p;
      if (!digits(t, p, 2, second)) return std::nullopt;
      if (p < t.size() && (t[p] == '.' || t[p] == ',')) {
        ++p;
        double scale = 0.1;
        const std::size_t start = p;
        while (p < t.size() && t[p] >= '0' && t[p] <= '9') {
          fraction += (t[p] - '0') * scale;
          scale /= 10;
          ++p;
        }
        if (p == start) return std::nullopt;
      }
    }
    if (hour > 24 || minute > 59 || second > 60) return std::nullopt;
    if (p < t.size()) {
      if (t[p] == 'Z' || t[p] == 'z') {
        ++p;
      } else if (t[p] == '+' || t[p] == '-') {
        const int sign = t[p] == '-' ? -1 : 1;
        ++p;
        int oh, om = 0;
        if (!digits(t, p, 2, oh)) return std::nullopt;
        if (p < t.size() && t[p] == ':') ++p;
        if (p < t.size() && !digits(t, p, 2, om)) return std::nullopt;
        if (oh > 23 || om > 59) return std::nullopt;
        offset_seconds = sign * (oh * 3600 + om * 60);
      }
    }
    if (p != t.size()) return std::nullopt;
  }
  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return static_cast<double>(secs) + fraction;
}

}  // namespace

std::optional<double> parse_timestamp(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  if (auto iso = parse_iso(text)) return iso;
  // A plain epoch number (botocore accepts these as timestamps too).
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string format_iso8601(double epoch_seconds) {
  if (!std::isfinite(epoch_seconds) || std::fabs(epoch_seconds) > 1e14) epoch_seconds = 0;
  const auto total_ms = static_cast<std::int64_t>(std::llround(epoch_seconds * 1000.0));
  std::int64_t secs = total_ms / 1000;
  std::int64_t ms = total_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<long long>(y), m, d,
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60),
                static_cast<int>(ms));
  return buf;
}

}  // namespace albatross::protocol
