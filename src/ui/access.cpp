#include "ui/access.hpp"

#include <algorithm>

#include "soap/auth.hpp"

namespace bg::ui {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The comma-separated items of `list`, trimmed, empty ones dropped.
std::vector<std::string> SplitList(std::string_view list) {
  std::vector<std::string> items;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view item = Trim(list.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return items;
}

}  // namespace

Result<std::vector<std::string>> AuthorizeCustomers(const http::RequestHead& head,
                                                    std::string_view customers,
                                                    const soap::AccessPolicy& access) {
  std::vector<std::string> named = SplitList(customers);
  if (named.size() > kMaxCustomersPerRequest) {
    return InvalidArgument("at most " + std::to_string(kMaxCustomersPerRequest) +
                           " customers per request");
  }
  if (named.empty()) named.emplace_back();  // Authenticate answers CLIENT_CUSTOMER_ID_IS_REQUIRED
  soap::RequestHeaderFields header;
  if (std::optional<std::string_view> token = head.Get("developer-token")) {
    header.developer_token = std::string(Trim(*token));
  }
  std::vector<std::string> ids;
  for (std::string& raw : named) {
    header.client_customer_id = std::move(raw);
    BG_ASSIGN_OR_RETURN(std::string id, access.Authenticate(head, header));
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace bg::ui
