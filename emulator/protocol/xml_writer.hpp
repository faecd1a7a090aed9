#pragma once
// A minimal XML builder: elements, escaped text, no pretty-printing.

#include <string>
#include <string_view>

namespace albatross::protocol {

class XmlWriter {
 public:
  void declaration() { out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }
  // <name> or <name xmlns="ns">
  void open(std::string_view name, std::string_view xmlns = {});
  void close(std::string_view name);
  // <name>escaped text</name>
  void element(std::string_view name, std::string_view text);
  // <name/>
  void empty(std::string_view name);
  void text(std::string_view text);

  // Rolls back to an earlier size (e.g. to turn an <a></a> with nothing inside into <a/>).
  std::size_t size() const { return out_.size(); }
  void truncate(std::size_t size) { out_.resize(size); }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Escapes &, <, >, " and ' and drops characters XML 1.0 cannot carry (C0 controls other than tab,
// newline and carriage return, which becomes &#13; so it survives parsing).
void append_xml_escaped(std::string& out, std::string_view text);

}  // namespace albatross::protocol
