// The operator endpoints and the labels of request metrics:
//   GET|HEAD /healthz  200 "ok" while the process serves HTTP (router.hpp HealthzExchange)
//   GET|HEAD /readyz   200 "ready" when the store answers, recovery ran and the scheduler runs;
//                      503 with the reason otherwise (also while shutting down)
//   GET|HEAD /metrics  the Prometheus text format (app/metrics.hpp)
// Other methods get 405. RouteLabel/MethodLabel map a request to bounded label values.
// Pure functions over the callbacks they are given; thread-safe if those are.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "http/message.hpp"

namespace bg::app {

// "soap", "wsdl", "upload", "download", "healthz", "readyz", "metrics" or "other".
std::string_view RouteLabel(const http::RequestHead& head);
// The method if it is one of GET HEAD POST PUT DELETE OPTIONS PATCH, else "other".
std::string_view MethodLabel(std::string_view method);

std::unique_ptr<http::Exchange> ReadyzExchange(const http::RequestHead& head,
                                               const std::function<Status()>& check);
std::unique_ptr<http::Exchange> MetricsExchange(const http::RequestHead& head,
                                                const std::function<std::string()>& render);

}  // namespace bg::app
