#include "services/docker/log_frames.hpp"

#include <ctime>

namespace albatross::docker {
namespace {

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

std::string_view strip_newline(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

}  // namespace

std::int64_t parse_docker_timestamp(std::string_view text) {
  int year, month, day, hour, minute, second;
  if (!digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' || !digits(text, 5, 2, month) ||
      text[7] != '-' || !digits(text, 8, 2, day) || text[10] != 'T' || !digits(text, 11, 2, hour) ||
      text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second))
    return -1;
  std::size_t pos = 19;
  int millis = 0;
  if (text[pos] == '.') {
    ++pos;
    int scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  std::int64_t offset_seconds = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (!digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' || !digits(text, pos + 4, 2, om))
      return -1;
    offset_seconds = (text[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return -1;
  }
  if (pos != text.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return -1;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - offset_seconds;
  return seconds * 1000 + millis;
}

void LogFrameDecoder::take_message(LogStream stream, std::string_view message, std::vector<LogLine>& out) {
  Pending& pending = pending_[static_cast<int>(stream) % 3];
  std::string timestamp;
  if (timestamps_) {
    const auto space = message.find(' ');
    if (space != std::string_view::npos && parse_docker_timestamp(message.substr(0, space)) >= 0) {
      timestamp = std::string(message.substr(0, space));
      message.remove_prefix(space + 1);
    }
  }
  const std::int64_t time_ms = timestamp.empty() ? 0 : parse_docker_timestamp(timestamp);
  if (!pending.active) {  // a new line starts; a continuation keeps its first part's timestamp
    pending.active = true;
    pending.line = LogLine{stream, timestamp, time_ms, {}};
  }
  // One message is normally one line; a message holding several lines (raw writes) is split.
  while (!message.empty()) {
    const auto newline = message.find('\n');
    if (newline == std::string_view::npos) {
      pending.line.text.append(message);
      return;
    }
    pending.line.text.append(strip_newline(message.substr(0, newline + 1)));
    out.push_back(std::move(pending.line));
    message.remove_prefix(newline + 1);
    pending.line = LogLine{stream, timestamp, time_ms, {}};
    pending.active = !message.empty();
  }
}

void LogFrameDecoder::take_raw(std::string_view bytes, std::vector<LogLine>& out) {
  buffer_.append(bytes);
  std::size_t start = 0;
  for (auto newline = buffer_.find('\n'); newline != std::string::npos; newline = buffer_.find('\n', start)) {
    take_message(LogStream::Stdout, std::string_view(buffer_).substr(start, newline + 1 - start), out);
    start = newline + 1;
  }
  buffer_.erase(0, start);
}

std::vector<LogLine> LogFrameDecoder::feed(std::string_view bytes) {
  std::vector<LogLine> out;
  if (!multiplexed_) {
    take_raw(bytes, out);
    return out;
  }
  buffer_.append(bytes);
  std::size_t pos = 0;
  while (buffer_.size() - pos >= 8) {
    const auto* header = reinterpret_cast<const unsigned char*>(buffer_.data() + pos);
    const std::size_t size = (std::size_t{header[4]} << 24) | (std::size_t{header[5]} << 16) |
                             (std::size_t{header[6]} << 8) | std::size_t{header[7]};
    if (buffer_.size() - pos - 8 < size) break;
    const int stream = header[0] <= 2 ? header[0] : 1;
    take_message(static_cast<LogStream>(stream), std::string_view(buffer_).substr(pos + 8, size), out);
    pos += 8 + size;
  }
  buffer_.erase(0, pos);
  return out;
}

std::vector<LogLine> LogFrameDecoder::finish() {
  std::vector<LogLine> out;
  if (!multiplexed_ && !buffer_.empty()) {
    take_message(LogStream::Stdout, buffer_, out);
    buffer_.clear();
  }
  for (auto& pending : pending_) {
    if (pending.active) out.push_back(std::move(pending.line));
    pending = Pending{};
  }
  return out;
}

}  // namespace albatross::docker
