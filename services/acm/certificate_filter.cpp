#include "services/acm/certificate_filter.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <utility>
#include <vector>

#include <openssl/objects.h>

#include "services/service.hpp"

namespace albatross::acm {
namespace {

using nlohmann::json;

// ---- validation ----------------------------------------------------------------------------------------------

[[noreturn]] void invalid(const std::string& path, const std::string& problem) {
  throw AwsError{"ValidationException", "Invalid " + path + ": " + problem};
}

// The members of a union object that are set (the protocol layer already dropped nulls; unit tests may not).
std::vector<std::string> set_members(const json& object) {
  std::vector<std::string> names;
  if (!object.is_object()) return names;
  for (const auto& [key, value] : object.items())
    if (!value.is_null()) names.push_back(key);
  return names;
}

// Returns the name of the only member of union `shape` at `path`; ValidationException when there is not exactly one.
std::string only_member(const json& object, std::string_view shape, const std::string& path) {
  const std::vector<std::string> names = set_members(object);
  if (names.size() == 1) return names.front();
  std::string listed;
  for (const auto& name : names) listed += (listed.empty() ? "" : ", ") + name;
  invalid(path, "a " + std::string(shape) + " must set exactly one member, but it sets " +
                    (names.empty() ? std::string("none") : std::to_string(names.size()) + " (" + listed + ")"));
}

void validate_range(const json& range, const std::string& path) {
  const bool has_start = range.contains("Start");
  const bool has_end = range.contains("End");
  if (!has_start && !has_end) invalid(path, "a TimestampRange needs a Start, an End or both");
  // The protocol layer turns timestamps into epoch numbers; anything else cannot be compared.
  if ((has_start && !range["Start"].is_number()) || (has_end && !range["End"].is_number()))
    invalid(path, "TimestampRange bounds must be timestamps");
  if (has_start && has_end && range["Start"].get<double>() > range["End"].get<double>())
    invalid(path, "the TimestampRange Start is after its End");
}

void validate_x509_filter(const json& filter, const std::string& path) {
  const std::string member = only_member(filter, "X509AttributeFilter", path);
  const std::string inner = path + "." + member;
  if (member == "Subject") only_member(filter[member], "SubjectFilter", inner);
  if (member == "SubjectAlternativeName") only_member(filter[member], "SubjectAlternativeNameFilter", inner);
  if (member == "NotAfter" || member == "NotBefore") validate_range(filter[member], inner);
}

void validate_filter(const json& filter, const std::string& path) {
  const std::string member = only_member(filter, "CertificateFilter", path);
  const std::string inner = path + "." + member;
  if (member == "X509AttributeFilter") validate_x509_filter(filter[member], inner);
  if (member == "AcmCertificateMetadataFilter") only_member(filter[member], "AcmCertificateMetadataFilter", inner);
}

void validate_statement(const json& statement, const std::string& path) {
  const std::string member = only_member(statement, "CertificateFilterStatement", path);
  const json& value = statement[member];
  if (member == "And" || member == "Or") {
    // The model's list bounds (1..15) are enforced by the protocol layer; an empty list would still be ambiguous.
    if (!value.is_array() || value.empty()) invalid(path + "." + member, "the list needs at least one statement");
    for (std::size_t i = 0; i < value.size(); ++i)
      validate_statement(value[i], path + "." + member + "[" + std::to_string(i + 1) + "]");
  } else if (member == "Not") {
    validate_statement(value, path + ".Not");
  } else if (member == "Filter") {
    validate_filter(value, path + ".Filter");
  } else {
    invalid(path, "unknown member " + member);
  }
}

// ---- matching ------------------------------------------------------------------------------------------------

// The (validated) union's single member.
std::pair<std::string, const json&> member_of(const json& object) {
  for (const auto& [key, value] : object.items())
    if (!value.is_null()) return {key, value};
  throw AwsError{"ValidationException", "empty union"};  // unreachable after validation
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// CommonNameFilter / DnsNameFilter: {Value, ComparisonOperator}.
bool name_matches(std::string_view actual, const json& filter) {
  const std::string wanted = ascii_lower(filter.value("Value", ""));
  const std::string have = ascii_lower(actual);
  if (filter.value("ComparisonOperator", "EQUALS") == "CONTAINS") return have.find(wanted) != std::string::npos;
  return have == wanted;
}

bool usage_matches(const std::vector<std::string>& names, const std::string& wanted) {
  if (wanted == "ANY") return !names.empty();
  if (wanted == "NONE") return names.empty();
  return std::find(names.begin(), names.end(), wanted) != names.end();
}

bool in_range(double when, const json& range) {
  if (range.contains("Start") && when < range["Start"].get<double>()) return false;
  if (range.contains("End") && when > range["End"].get<double>()) return false;
  return true;
}

// Serial numbers compare without leading zero bytes: DER adds one to keep a high bit positive.
std::string without_leading_zero_bytes(std::string serial) {
  while (serial.size() > 2 && serial.starts_with("00:")) serial.erase(0, 3);
  return serial;
}

std::vector<std::string> extended_key_usage_names(const CertificateFacts& facts) {
  std::vector<std::string> names;
  for (const auto& usage : facts.extended_key_usages) names.push_back(usage.name);
  return names;
}

bool x509_matches(const json& filter, const CertificateFacts& facts) {
  const auto [member, value] = member_of(filter);
  if (member == "Subject") return name_matches(facts.common_name, member_of(value).second);
  if (member == "SubjectAlternativeName") {
    const json& dns = member_of(value).second;
    return std::any_of(facts.subject_alternative_names.begin(), facts.subject_alternative_names.end(),
                       [&](const std::string& name) { return name_matches(name, dns); });
  }
  if (member == "ExtendedKeyUsage") return usage_matches(extended_key_usage_names(facts), value.get<std::string>());
  if (member == "KeyUsage") return usage_matches(facts.key_usages, value.get<std::string>());
  if (member == "KeyAlgorithm") return request_spelling(facts.key_algorithm) == value.get<std::string>();
  if (member == "SerialNumber")
    return without_leading_zero_bytes(facts.serial) == without_leading_zero_bytes(value.get<std::string>());
  if (member == "NotAfter") return in_range(facts.not_after, value);
  if (member == "NotBefore") return in_range(facts.not_before, value);
  return false;
}

bool filter_matches(const json& filter, const SearchableCertificate& certificate) {
  const auto [member, value] = member_of(filter);
  if (member == "CertificateArn") return value == certificate.arn;
  if (member == "X509AttributeFilter") return certificate.x509 && x509_matches(value, *certificate.x509);
  if (member == "AcmCertificateMetadataFilter") {
    // AcmCertificateMetadataFilter members are named like the AcmCertificateMetadata members they test.
    const auto [field, wanted] = member_of(value);
    return certificate.metadata.contains(field) && certificate.metadata[field] == wanted;
  }
  return false;
}

// ---- distinguished names -------------------------------------------------------------------------------------

struct NameAttribute {
  std::string type;   // "CN", "O", "1.2.3.4", ...
  std::string value;  // unescaped
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads one RFC 2253 attribute value from `pos` up to an unescaped ',' or '+', undoing "\c" and "\XX" escapes.
std::string read_value(std::string_view text, std::size_t& pos) {
  std::string value;
  while (pos < text.size() && text[pos] != ',' && text[pos] != '+') {
    if (text[pos] != '\\' || pos + 1 >= text.size()) {
      value += text[pos++];
      continue;
    }
    const int high = pos + 2 < text.size() ? hex_value(text[pos + 1]) : -1;
    const int low = high >= 0 ? hex_value(text[pos + 2]) : -1;
    if (low >= 0) {
      value += static_cast<char>(high * 16 + low);
      pos += 3;
    } else {
      value += text[pos + 1];
      pos += 2;
    }
  }
  return value;
}

// "CN=a,O=b\, Inc.+OU=c" -> {CN a} {O b, Inc.} {OU c}. Multi-valued RDNs ('+') flatten into the list.
std::vector<NameAttribute> parse_rfc2253(std::string_view text) {
  std::vector<NameAttribute> attributes;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t equals = text.find('=', pos);
    if (equals == std::string_view::npos) break;  // x509_inspect never prints this; ignore a malformed tail
    NameAttribute attribute{std::string(text.substr(pos, equals - pos)), {}};
    pos = equals + 1;
    attribute.value = read_value(text, pos);
    attributes.push_back(std::move(attribute));
    if (pos < text.size()) ++pos;  // the separator
  }
  return attributes;
}

struct NameMember {
  std::string_view type;    // OpenSSL short name as printed
  std::string_view member;  // DistinguishedName member
};

constexpr std::array<NameMember, 14> kNameMembers{{
    {"CN", "CommonName"},
    {"C", "Country"},
    {"dnQualifier", "DistinguishedNameQualifier"},
    {"generationQualifier", "GenerationQualifier"},
    {"GN", "GivenName"},
    {"initials", "Initials"},
    {"L", "Locality"},
    {"O", "Organization"},
    {"OU", "OrganizationalUnit"},
    {"pseudonym", "Pseudonym"},
    {"serialNumber", "SerialNumber"},
    {"ST", "State"},
    {"SN", "Surname"},
    {"title", "Title"},
}};

// Dotted OID of a printed attribute type ("emailAddress" -> "1.2.840.113549.1.9.1"); the type itself if unknown.
std::string oid_of(const std::string& type) {
  std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> object(OBJ_txt2obj(type.c_str(), 0), &ASN1_OBJECT_free);
  if (!object) return type;
  std::array<char, 128> buffer{};
  const int length = OBJ_obj2txt(buffer.data(), static_cast<int>(buffer.size()), object.get(), 1);
  if (length <= 0 || static_cast<std::size_t>(length) >= buffer.size()) return type;
  return std::string(buffer.data(), static_cast<std::size_t>(length));
}

void add_attribute(json& name, const NameAttribute& attribute) {
  if (attribute.type == "DC") {
    name["DomainComponents"].push_back(attribute.value);
    return;
  }
  for (const auto& known : kNameMembers) {
    if (known.type != attribute.type) continue;
    const std::string member(known.member);
    if (!name.contains(member)) name[member] = attribute.value;  // the most specific one wins
    return;
  }
  name["CustomAttributes"].push_back({{"ObjectIdentifier", oid_of(attribute.type)}, {"Value", attribute.value}});
}

}  // namespace

void validate_filter_statement(const json& statement) { validate_statement(statement, "FilterStatement"); }

bool matches(const json& statement, const SearchableCertificate& certificate) {
  const auto [member, value] = member_of(statement);
  if (member == "And")
    return std::all_of(value.begin(), value.end(), [&](const json& s) { return matches(s, certificate); });
  if (member == "Or")
    return std::any_of(value.begin(), value.end(), [&](const json& s) { return matches(s, certificate); });
  if (member == "Not") return !matches(value, certificate);
  return filter_matches(value, certificate);
}

json acm_metadata(const json& document) {
  json metadata = json::object();
  for (const char* field :
       {"Status", "Type", "RenewalEligibility", "CreatedAt", "IssuedAt", "ImportedAt", "RevokedAt", "ManagedBy"})
    if (document.contains(field)) metadata[field] = document[field];
  metadata["InUse"] = !document.value("InUseBy", json::array()).empty();
  metadata["Exported"] = document.value("Exported", false);
  metadata["ExportOption"] = document.value("Options", json::object()).value("Export", "DISABLED");
  const json options = document.value("DomainValidationOptions", json::array());
  if (!options.empty() && options[0].contains("ValidationMethod"))
    metadata["ValidationMethod"] = options[0]["ValidationMethod"];
  const json renewal = document.value("RenewalSummary", json::object());
  if (renewal.contains("RenewalStatus")) metadata["RenewalStatus"] = renewal["RenewalStatus"];
  return metadata;
}

json distinguished_name(std::string_view rfc2253) {
  json name = json::object();
  for (const auto& attribute : parse_rfc2253(rfc2253)) add_attribute(name, attribute);
  return name;
}

json x509_attributes(const CertificateFacts& facts) {
  json sans = json::array();
  // x509_inspect keeps only the DNS names; other GeneralName kinds are not reported.
  for (const auto& name : facts.subject_alternative_names) sans.push_back({{"DnsName", name}});
  return {{"Issuer", distinguished_name(facts.issuer)},
          {"Subject", distinguished_name(facts.subject)},
          {"SubjectAlternativeNames", sans},
          {"ExtendedKeyUsages", extended_key_usage_names(facts)},
          {"KeyUsages", facts.key_usages},
          {"KeyAlgorithm", request_spelling(facts.key_algorithm)},
          {"SerialNumber", facts.serial},
          {"NotBefore", facts.not_before},
          {"NotAfter", facts.not_after}};
}

json search_result(const SearchableCertificate& certificate) {
  json result = {{"CertificateArn", certificate.arn},
                 {"CertificateMetadata", {{"AcmCertificateMetadata", certificate.metadata}}}};
  if (certificate.x509) result["X509Attributes"] = x509_attributes(*certificate.x509);
  return result;
}

}  // namespace albatross::acm
