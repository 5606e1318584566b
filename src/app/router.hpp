// PrefixRouter: the gateway's http::Router. Dispatches a request head by path to the service
// that owns it (exact paths first, then the longest matching prefix); nullptr (404) otherwise.
//
// Routes are added during wiring, before the server starts; Route() is then read-only and
// thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace bg::app {

class PrefixRouter : public http::Router {
 public:
  using Handler = std::function<std::unique_ptr<http::Exchange>(const http::RequestHead&)>;

  void AddExact(std::string path, Handler handler);
  void AddPrefix(std::string prefix, Handler handler);
  std::unique_ptr<http::Exchange> Route(const http::RequestHead& head) override;

 private:
  struct Entry {
    std::string path;
    Handler handler;
  };
  std::vector<Entry> exact_;
  std::vector<Entry> prefixes_;  // longest first
};

// GET/HEAD -> 200 "ok\n"; other methods -> 405.
std::unique_ptr<http::Exchange> HealthzExchange(const http::RequestHead& head);

}  // namespace bg::app
