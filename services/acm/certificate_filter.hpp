#pragma once
// SearchCertificates without the store: what one certificate offers to a search (its facts), how a
// CertificateFilterStatement tree judges those facts, and how the facts become a CertificateSearchResult.
//
// Semantics (the model leaves these to the service; AWS documents little):
//  - Every union (CertificateFilterStatement, CertificateFilter, X509AttributeFilter, AcmCertificateMetadataFilter,
//    SubjectFilter, SubjectAlternativeNameFilter) must have exactly one member, else ValidationException.
//    A TimestampRange needs Start or End (both inclusive) and Start <= End.
//  - And = every operand matches, Or = at least one does, Not = negation.
//  - X.509 filters look at the issued certificate. A certificate without one (pending validation, failed,
//    timed out) has no X.509 facts: every X.509 filter is false for it (so Not(X.509 filter) is true).
//  - CommonName / DnsName: EQUALS compares whole names, CONTAINS looks for a substring; both ignore ASCII case,
//    as DNS names do. DnsName matches when any DNS subject alternative name matches.
//  - KeyUsage / ExtendedKeyUsage: a name matches when the certificate lists it; ANY = it lists at least one;
//    ExtendedKeyUsage NONE = it lists none (the ListCertificates "ANY" reading).
//  - SerialNumber: equal colon hex, leading 00 bytes ignored on both sides.
//  - Metadata filters compare with the AcmCertificateMetadata the result reports; a member the certificate does
//    not have (RenewalStatus before any renewal, ValidationMethod of an imported certificate, ManagedBy) matches
//    nothing.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "services/acm/x509_inspect.hpp"

namespace albatross::acm {

// Everything a filter can ask about one certificate.
struct SearchableCertificate {
  std::string arn;
  nlohmann::json metadata = nlohmann::json::object();  // AcmCertificateMetadata (see acm_metadata)
  std::optional<CertificateFacts> x509;                // absent until a certificate is issued
};

// Throws AwsError{"ValidationException"} when a union in the statement tree does not have exactly one member,
// or a TimestampRange is empty or reversed. Run it once before matching: match() assumes a valid tree.
void validate_filter_statement(const nlohmann::json& statement);

// True when the certificate satisfies the (validated) statement.
bool matches(const nlohmann::json& statement, const SearchableCertificate& certificate);

// AcmCertificateMetadata from a DescribeCertificate CertificateDetail document.
nlohmann::json acm_metadata(const nlohmann::json& document);

// X509Attributes from a certificate's facts (KeyAlgorithm in the request spelling "RSA_2048").
nlohmann::json x509_attributes(const CertificateFacts& facts);

// DistinguishedName from an RFC 2253 name as x509_inspect prints it ("CN=x,O=y\, Inc.,C=US"). Attributes the
// shape has no member for go to CustomAttributes by OID. When a single-valued attribute repeats, the most specific
// (first printed) wins; DomainComponents keep all values, most specific first.
nlohmann::json distinguished_name(std::string_view rfc2253);

// CertificateSearchResult: CertificateArn, X509Attributes (when issued), CertificateMetadata.
nlohmann::json search_result(const SearchableCertificate& certificate);

}  // namespace albatross::acm
