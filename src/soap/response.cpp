#include "soap/response.hpp"

#include "common/clock.hpp"
#include "model/job.hpp"

namespace bg::soap {
namespace {

void WriteTemporaryUrl(xml::XmlWriter& w, std::string_view element, const std::string& url,
                       int64_t expires_ms) {
  w.Start(element);
  w.Leaf("url", url);
  w.Leaf("expiration", AccountTime(expires_ms));
  w.End();
}

// BatchJobProcessingError is the declared type of processingErrors: no xsi:type needed. The
// real service left fieldPath, trigger and ApiError.Type empty for FILE_FORMAT_ERROR
// (reference §1.4), so empty values are omitted and ApiError.Type is never written.
void WriteProcessingError(xml::XmlWriter& w, const ApiError& e) {
  w.Start("processingErrors");
  if (!e.field_path.empty()) w.Leaf("fieldPath", e.field_path);
  if (!e.trigger.empty()) w.Leaf("trigger", e.trigger);
  w.Leaf("errorString",
         e.error_string.empty() ? "BatchJobProcessingError." + e.reason : e.error_string);
  w.Leaf("reason", e.reason);
  w.End();
}

}  // namespace

void WriteEnvelopeStart(xml::XmlWriter& w, const ResponseHeaderInfo* header) {
  w.Declaration();
  w.Start("soap:Envelope");
  w.Attribute("xmlns:soap", kSoapEnvNs);
  if (header != nullptr) {
    w.Start("soap:Header");
    w.Start("ResponseHeader");
    w.Attribute("xmlns", model::CmNamespace(header->version));
    w.Leaf("requestId", header->request_id.empty() ? UniqueHex(16) : header->request_id);
    w.Leaf("serviceName", kServiceName);
    w.Leaf("methodName", header->method);
    w.Leaf("operations", header->operations);
    int64_t elapsed = header->start_ms > 0 ? NowMs() - header->start_ms : 0;
    w.Leaf("responseTime", elapsed < 0 ? 0 : elapsed);
    w.End();
    w.End();
  }
  w.Start("soap:Body");
}

http::Response SoapHttpResponse(int status, std::string body) {
  return http::Response::Text(status, "text/xml; charset=UTF-8", std::move(body));
}

void WriteBatchJob(xml::XmlWriter& w, std::string_view element, const model::BatchJob& job,
                   model::JobStatus reported, const JobFields& fields, const RenderContext& ctx) {
  using model::JobStatus;
  w.Start(element);
  if (fields.id) w.Leaf("id", job.id);
  if (fields.status) w.Leaf("status", model::JobStatusName(reported));
  if (fields.progress_stats) {
    const model::ProgressStats& p = job.progress;
    w.Start("progressStats");
    w.Leaf("numOperationsExecuted", p.num_operations_executed);
    w.Leaf("numOperationsSucceeded", p.num_operations_succeeded);
    w.Leaf("estimatedPercentExecuted", static_cast<int64_t>(p.estimated_percent_executed));
    w.Leaf("numResultsWritten", p.num_results_written);
    w.End();
  }
  if (fields.upload_url && ctx.signer != nullptr) {
    std::string url =
        ctx.signer->UploadUrl(ctx.base_url, job.customer_id, job.id, job.upload_expires_ms / 1000);
    WriteTemporaryUrl(w, "uploadUrl", url, job.upload_expires_ms);
  }
  // Past the results retention (results.ttl_seconds) the files are deleted: no downloadUrl.
  if (fields.download_url && ctx.signer != nullptr &&
      (reported == JobStatus::kDone || reported == JobStatus::kCanceled) &&
      job.results_expires_ms > NowMs()) {
    std::string url = ctx.signer->DownloadUrl(ctx.base_url, job.customer_id, job.id,
                                              job.results_expires_ms / 1000);
    WriteTemporaryUrl(w, "downloadUrl", url, job.results_expires_ms);
  }
  if (fields.processing_errors && job.processing_error && !job.processing_error->reason.empty()) {
    WriteProcessingError(w, *job.processing_error);
  }
  if (fields.disk_usage_quota_balance) w.Leaf("diskUsageQuotaBalance", ctx.disk_quota_kb);
  w.End();
}

}  // namespace bg::soap
