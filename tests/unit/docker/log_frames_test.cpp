#include "services/docker/log_frames.hpp"

#include <doctest/doctest.h>

using namespace albatross::docker;

namespace {

std::string frame(int stream, const std::string& payload) {
  std::string out(8, '\0');
  out[0] = static_cast<char>(stream);
  const auto size = payload.size();
  out[4] = static_cast<char>((size >> 24) & 0xff);
  out[5] = static_cast<char>((size >> 16) & 0xff);
  out[6] = static_cast<char>((size >> 8) & 0xff);
  out[7] = static_cast<char>(size & 0xff);
  return out + payload;
}

}  // namespace

TEST_CASE("docker timestamps parse to epoch milliseconds") {
  CHECK(parse_docker_timestamp("1970-01-01T00:00:01.5Z") == 1500);
  CHECK(parse_docker_timestamp("2026-11-24T19:22:23.123456789Z") == 1795548143123);
  CHECK(parse_docker_timestamp("2026-11-24T20:22:23.123456789+01:00") == 1795548143123);
  CHECK(parse_docker_timestamp("2026-11-24T19:22:23Z") == 1795548143000);
  CHECK(parse_docker_timestamp("hello") == -1);
  CHECK(parse_docker_timestamp("2026-13-24T19:22:23Z") == -1);
  CHECK(parse_docker_timestamp("2026-11-24T19:22:23.1Zjunk") == -1);
}

TEST_CASE("multiplexed frames split across arbitrary chunks decode into stdout and stderr lines") {
  const std::string bytes = frame(1, "2026-11-24T19:22:23.100000000Z hello\n") +
                            frame(2, "2026-11-24T19:22:24.200000000Z oops\n") + frame(1, "2026-11-24T19:22:25Z bye\n");
  for (std::size_t step : {1u, 3u, 7u, 8u, 9u, 1000u}) {
    LogFrameDecoder decoder(true, true);
    std::vector<LogLine> lines;
    for (std::size_t i = 0; i < bytes.size(); i += step)
      for (auto& line : decoder.feed(std::string_view(bytes).substr(i, step))) lines.push_back(line);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].stream == LogStream::Stdout);
    CHECK(lines[0].text == "hello");
    CHECK(lines[0].timestamp == "2026-11-24T19:22:23.100000000Z");
    CHECK(lines[0].time_ms == 1795548143100);
    CHECK(lines[1].stream == LogStream::Stderr);
    CHECK(lines[1].text == "oops");
    CHECK(lines[2].text == "bye");
    CHECK(decoder.finish().empty());
  }
}

TEST_CASE("a message split by docker (no newline) is joined with its continuation, keeping the first timestamp") {
  LogFrameDecoder decoder(true, true);
  auto lines = decoder.feed(frame(1, "2026-11-24T19:22:23Z part one ") + frame(1, "2026-11-24T19:22:24Z and two\n"));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].text == "part one and two");
  CHECK(lines[0].timestamp == "2026-11-24T19:22:23Z");
}

TEST_CASE("an unterminated last line comes out of finish(); CRLF is stripped") {
  LogFrameDecoder decoder(true, false);
  auto lines = decoder.feed(frame(1, "one\r\n") + frame(2, "tail without newline"));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].text == "one");
  CHECK(lines[0].timestamp.empty());
  const auto rest = decoder.finish();
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].stream == LogStream::Stderr);
  CHECK(rest[0].text == "tail without newline");
}

TEST_CASE("raw (TTY) output is split on newlines, all stdout") {
  LogFrameDecoder decoder(false, true);
  auto lines = decoder.feed("2026-11-24T19:22:23Z first\r\n2026-11-24T19:22:24Z sec");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].text == "first");
  lines = decoder.feed("ond\n");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].text == "second");
  CHECK(lines[0].time_ms == 1795548144000);
  CHECK(lines[0].stream == LogStream::Stdout);
}

TEST_CASE("a frame holding several lines yields each line; empty lines are kept") {
  LogFrameDecoder decoder(true, false);
  const auto lines = decoder.feed(frame(1, "a\n\nb\n"));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].text == "a");
  CHECK(lines[1].text == "");
  CHECK(lines[2].text == "b");
}
