#include "emulator/protocol/xml_writer.hpp"

namespace albatross::protocol {

void append_xml_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      case '\t':
      case '\n': out += c; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20) out += c;  // other C0 controls are not XML 1.0
    }
  }
}

void XmlWriter::open(std::string_view name, std::string_view xmlns) {
  out_ += '<';
  out_ += name;
  if (!xmlns.empty()) {
    out_ += " xmlns=\"";
    append_xml_escaped(out_, xmlns);
    out_ += '"';
  }
  out_ += '>';
}

void XmlWriter::close(std::string_view name) {
  out_ += "</";
  out_ += name;
  out_ += '>';
}

void XmlWriter::element(std::string_view name, std::string_view text) {
  open(name);
  append_xml_escaped(out_, text);
  close(name);
}

void XmlWriter::empty(std::string_view name) {
  out_ += '<';
  out_ += name;
  out_ += "/>";
}

void XmlWriter::text(std::string_view text) { append_xml_escaped(out_, text); }

}  // namespace albatross::protocol
