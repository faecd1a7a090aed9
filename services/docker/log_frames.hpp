#pragma once
// Decodes the body of GET /containers/{id}/logs into lines (pure, no I/O). Containers without a TTY send
// multiplexed frames (8-byte header: stream, 3 zero bytes, big-endian payload size); containers with a TTY send
// raw bytes. With timestamps=1 each message starts with an RFC 3339 nano timestamp and a space.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace albatross::docker {

enum class LogStream { Stdin = 0, Stdout = 1, Stderr = 2 };

struct LogLine {
  LogStream stream = LogStream::Stdout;
  std::string timestamp;      // as Docker sent it ("2026-11-24T19:22:23.123456789Z"), empty without timestamps
  std::int64_t time_ms = 0;   // the timestamp in milliseconds since the epoch, 0 without timestamps
  std::string text;           // without the trailing newline (or \r\n)
};

// Parses "2026-11-24T19:22:23.123456789Z" (or with a ±hh:mm offset) to milliseconds since the epoch; -1 if invalid.
std::int64_t parse_docker_timestamp(std::string_view text);

// Feed it bytes as they arrive (any chunking); it returns the lines completed so far. Messages Docker split
// (longer than 16 KiB, sent without a newline) are joined back into one line.
class LogFrameDecoder {
 public:
  LogFrameDecoder(bool multiplexed, bool timestamps) : multiplexed_(multiplexed), timestamps_(timestamps) {}

  std::vector<LogLine> feed(std::string_view bytes);
  // The stream ended: returns any unterminated line.
  std::vector<LogLine> finish();

 private:
  struct Pending {
    bool active = false;
    LogLine line;
  };
  void take_message(LogStream stream, std::string_view message, std::vector<LogLine>& out);
  void take_raw(std::string_view bytes, std::vector<LogLine>& out);

  bool multiplexed_;
  bool timestamps_;
  std::string buffer_;     // undecoded bytes (an incomplete frame or, raw, an incomplete line)
  Pending pending_[3];     // per stream: a message that has not seen its newline yet
};

}  // namespace albatross::docker
