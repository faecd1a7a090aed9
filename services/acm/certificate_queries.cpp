// DescribeCertificate, GetCertificate, ListCertificates, ExportCertificate.

#include <algorithm>

#include "services/acm/acm_service.hpp"
#include "services/acm/x509_inspect.hpp"
#include "services/common/base64.hpp"

namespace albatross::acm {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxSanSummaries = 100;

json summary_of(const json& doc) {
  json summary = {{"CertificateArn", doc["CertificateArn"]}, {"DomainName", doc["DomainName"]}};
  const auto& names = doc.value("SubjectAlternativeNames", json::array());
  json sans = json::array();
  for (std::size_t i = 0; i < names.size() && i < kMaxSanSummaries; ++i) sans.push_back(names[i]);
  summary["SubjectAlternativeNameSummaries"] = sans;
  summary["HasAdditionalSubjectAlternativeNames"] = names.size() > kMaxSanSummaries;
  for (const char* field : {"Status", "Type", "KeyAlgorithm", "RenewalEligibility", "NotBefore", "NotAfter",
                            "CreatedAt", "IssuedAt", "ImportedAt", "RevokedAt", "ManagedBy"})
    if (doc.contains(field)) summary[field] = doc[field];
  summary["KeyUsages"] = json::array();
  for (const auto& usage : doc.value("KeyUsages", json::array())) summary["KeyUsages"].push_back(usage["Name"]);
  summary["ExtendedKeyUsages"] = json::array();
  for (const auto& usage : doc.value("ExtendedKeyUsages", json::array()))
    summary["ExtendedKeyUsages"].push_back(usage["Name"]);
  const std::string export_option = doc.value("Options", json::object()).value("Export", "DISABLED");
  summary["ExportOption"] = export_option;
  summary["InUse"] = !doc.value("InUseBy", json::array()).empty();
  summary["Exported"] = doc.value("Exported", false);
  return summary;
}

bool list_contains(const json& list, const json& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The Includes filters of ListCertificates. Without keyTypes, ACM lists only RSA_1024 and RSA_2048.
bool passes_includes(const json& doc, const json& includes) {
  const json key_types = includes.value("keyTypes", json{"RSA_1024", "RSA_2048"});
  const auto algorithm = key_algorithm_from_describe(doc.value("KeyAlgorithm", ""));
  if (!algorithm || !list_contains(key_types, request_spelling(*algorithm))) return false;
  if (includes.contains("keyUsage")) {
    const json& wanted = includes["keyUsage"];
    bool any = list_contains(wanted, "ANY") && !doc.value("KeyUsages", json::array()).empty();
    for (const auto& usage : doc.value("KeyUsages", json::array())) any = any || list_contains(wanted, usage["Name"]);
    if (!any) return false;
  }
  if (includes.contains("extendedKeyUsage")) {
    const json& wanted = includes["extendedKeyUsage"];
    bool any = list_contains(wanted, "ANY") && !doc.value("ExtendedKeyUsages", json::array()).empty();
    for (const auto& usage : doc.value("ExtendedKeyUsages", json::array()))
      any = any || list_contains(wanted, usage["Name"]);
    if (!any) return false;
  }
  if (includes.contains("exportOption") &&
      doc.value("Options", json::object()).value("Export", "DISABLED") != includes["exportOption"])
    return false;
  if (includes.contains("managedBy") && doc.value("ManagedBy", "") != includes["managedBy"]) return false;
  return true;
}

std::size_t page_start(const json& in) {
  if (!in.contains("NextToken")) return 0;
  const auto decoded = base64::decode(in["NextToken"].get<std::string>());
  if (decoded && decoded->starts_with("offset:")) {
    try {
      return std::stoul(decoded->substr(7));
    } catch (const std::exception&) {
    }
  }
  throw AwsError{"InvalidArgsException", "The NextToken '" + in["NextToken"].get<std::string>() + "' is not valid."};
}

}  // namespace

json AcmService::describe_certificate(RequestContext& ctx, const json& in) {
  return {{"Certificate", require_certificate(ctx, in).document}};
}

json AcmService::get_certificate(RequestContext& ctx, const json& in) {
  const CertificateRecord record = require_certificate(ctx, in);
  if (record.certificate_pem.empty())
    throw AwsError{"RequestInProgressException",
                   "Certificate " + record.arn + " in account " + ctx.account_id + " is not yet issued."};
  json out = {{"Certificate", record.certificate_pem}};
  if (!record.chain_pem.empty()) out["CertificateChain"] = record.chain_pem;
  return out;
}

json AcmService::list_certificates(RequestContext& ctx, const json& in) {
  const json statuses = in.value("CertificateStatuses", json::array());
  const json includes = in.value("Includes", json::object());
  std::vector<CertificateRecord> records = store_.list(ctx.account_id, ctx.region);
  if (in.value("SortOrder", "ASCENDING") == "DESCENDING") std::reverse(records.begin(), records.end());
  json matching = json::array();
  for (const auto& record : records) {
    if (!statuses.empty() && !list_contains(statuses, record.document["Status"])) continue;
    if (!passes_includes(record.document, includes)) continue;
    matching.push_back(summary_of(record.document));
  }
  const std::size_t start = page_start(in);
  const std::size_t limit = in.value("MaxItems", 1000);
  json page = json::array();
  for (std::size_t i = start; i < matching.size() && page.size() < limit; ++i) page.push_back(matching[i]);
  json out = {{"CertificateSummaryList", page}};
  if (start + page.size() < matching.size())
    out["NextToken"] = base64::encode("offset:" + std::to_string(start + page.size()));
  return out;
}

json AcmService::export_certificate(RequestContext& ctx, const json& in) {
  CertificateRecord record = require_certificate(ctx, in);
  json& doc = record.document;
  const bool exportable = doc.value("Type", "") == "PRIVATE" ||
                          doc.value("Options", json::object()).value("Export", "DISABLED") == "ENABLED";
  if (!exportable)
    throw AwsError{"ValidationException", "Certificate ARN: " + record.arn + " is not a private certificate"};
  if (record.certificate_pem.empty())
    throw AwsError{"RequestInProgressException", "Certificate " + record.arn + " is not yet issued."};
  const auto passphrase = base64::decode(in.at("Passphrase").get<std::string>());
  if (!passphrase || passphrase->size() < 4 || passphrase->size() > 128)
    throw AwsError{"ValidationException",
                   "1 validation error detected: Value at 'passphrase' failed to satisfy constraint: Member must "
                   "have length between 4 and 128"};
  json out = {{"Certificate", record.certificate_pem},
              {"PrivateKey", encrypt_private_key(record.private_key_pem, *passphrase)}};
  if (!record.chain_pem.empty()) out["CertificateChain"] = record.chain_pem;
  doc["Exported"] = true;
  store_.save(record);
  return out;
}

}  // namespace albatross::acm
