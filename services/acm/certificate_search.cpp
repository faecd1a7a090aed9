// SearchCertificates (placeholder: being written).

#include "services/acm/acm_service.hpp"

namespace albatross::acm {

nlohmann::json AcmService::search_certificates(RequestContext&, const nlohmann::json&) {
  throw AwsError{"UnknownOperationException", "Albatross does not implement acm SearchCertificates yet"};
}

}  // namespace albatross::acm
