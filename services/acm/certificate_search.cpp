// SearchCertificates: every certificate of the account and region (all key types, unlike ListCertificates),
// judged by the filter statement (certificate_filter.hpp), sorted, then paged.
//
// Sorting: SortBy defaults to CREATED_AT, SortOrder to ASCENDING (oldest first, like ListCertificates).
// CREATED_AT falls back to ImportedAt for imported certificates, which have no CreatedAt. Certificates without
// the sort value (e.g. NOT_AFTER of a pending request) come last in either order; ties keep creation order.
// Paging: MaxResults defaults to 100; NextToken is a position in the sorted result.

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "services/acm/acm_service.hpp"
#include "services/acm/certificate_filter.hpp"
#include "services/acm/x509_inspect.hpp"
#include "services/common/pagination.hpp"

namespace albatross::acm {
namespace {

using nlohmann::json;

constexpr std::int64_t kDefaultMaxResults = 100;

SearchableCertificate searchable(const CertificateRecord& record) {
  SearchableCertificate certificate{record.arn, acm_metadata(record.document), std::nullopt};
  if (record.certificate_pem.empty()) return certificate;
  try {
    certificate.x509 = inspect_certificate(record.certificate_pem);
  } catch (const std::exception&) {
    // Stored certificates were checked when issued or imported; should one no longer parse (e.g. an OpenSSL
    // upgrade refusing it), it stays searchable by its metadata rather than failing every search.
  }
  return certificate;
}

constexpr std::string_view kMeta = "/CertificateMetadata/AcmCertificateMetadata/";
constexpr std::string_view kX509 = "/X509Attributes/";

// JSON pointers into a CertificateSearchResult for a SortBy value; the first one present gives the sort value.
std::vector<std::string> sort_pointers(std::string_view sort_by) {
  static const std::array<std::pair<std::string_view, std::vector<std::string>>, 18> kKeys{{
      {"CREATED_AT", {std::string(kMeta) + "CreatedAt", std::string(kMeta) + "ImportedAt"}},
      {"NOT_AFTER", {std::string(kX509) + "NotAfter"}},
      {"STATUS", {std::string(kMeta) + "Status"}},
      {"RENEWAL_STATUS", {std::string(kMeta) + "RenewalStatus"}},
      {"EXPORTED", {std::string(kMeta) + "Exported"}},
      {"IN_USE", {std::string(kMeta) + "InUse"}},
      {"NOT_BEFORE", {std::string(kX509) + "NotBefore"}},
      {"KEY_ALGORITHM", {std::string(kX509) + "KeyAlgorithm"}},
      {"TYPE", {std::string(kMeta) + "Type"}},
      {"CERTIFICATE_ARN", {"/CertificateArn"}},
      {"COMMON_NAME", {std::string(kX509) + "Subject/CommonName"}},
      {"REVOKED_AT", {std::string(kMeta) + "RevokedAt"}},
      {"RENEWAL_ELIGIBILITY", {std::string(kMeta) + "RenewalEligibility"}},
      {"ISSUED_AT", {std::string(kMeta) + "IssuedAt"}},
      {"MANAGED_BY", {std::string(kMeta) + "ManagedBy"}},
      {"EXPORT_OPTION", {std::string(kMeta) + "ExportOption"}},
      {"VALIDATION_METHOD", {std::string(kMeta) + "ValidationMethod"}},
      {"IMPORTED_AT", {std::string(kMeta) + "ImportedAt"}},
  }};
  for (const auto& [name, pointers] : kKeys)
    if (name == sort_by) return pointers;
  // The protocol layer only lets the enum through.
  throw AwsError{"ValidationException", "Unsupported SortBy " + std::string(sort_by)};
}

// The sort value of one result: null when it has none.
json sort_value(const json& result, const std::vector<std::string>& pointers) {
  for (const auto& pointer : pointers) {
    const json::json_pointer at(pointer);
    if (result.contains(at)) return result[at];
  }
  return nullptr;
}

void sort_results(json& results, std::string_view sort_by, bool descending) {
  const std::vector<std::string> pointers = sort_pointers(sort_by);
  std::vector<std::pair<json, json>> keyed;  // (sort value, result), in creation order
  for (auto& result : results) keyed.emplace_back(sort_value(result, pointers), std::move(result));
  std::stable_sort(keyed.begin(), keyed.end(), [descending](const auto& a, const auto& b) {
    if (a.first.is_null() || b.first.is_null()) return !a.first.is_null() && b.first.is_null();  // missing last
    return descending ? b.first < a.first : a.first < b.first;
  });
  results = json::array();
  for (auto& [value, result] : keyed) results.push_back(std::move(result));
}

}  // namespace

json AcmService::search_certificates(RequestContext& ctx, const json& in) {
  const json statement = in.value("FilterStatement", json());  // absent = every certificate
  if (!statement.is_null()) validate_filter_statement(statement);
  json results = json::array();
  for (const auto& record : store_.list(ctx.account_id, ctx.region)) {  // oldest first
    const SearchableCertificate certificate = searchable(record);
    if (statement.is_null() || matches(statement, certificate)) results.push_back(search_result(certificate));
  }
  sort_results(results, in.value("SortBy", "CREATED_AT"), in.value("SortOrder", "ASCENDING") == "DESCENDING");
  const auto size = static_cast<std::size_t>(std::max<std::int64_t>(1, in.value("MaxResults", kDefaultMaxResults)));
  const pagination::Page page = pagination::page(results, in.value("NextToken", ""), size, "ValidationException");
  json out = {{"Results", page.items}};
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

}  // namespace albatross::acm
