#include "soap/envelope.hpp"

#include <cctype>
#include <charconv>

namespace bg::soap {
namespace {

constexpr std::string_view kUnmarshalling = "Unmarshalling Error: ";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsNil(pugi::xml_node node) {
  for (pugi::xml_attribute a : node.attributes()) {
    std::string_view name = a.name();
    size_t colon = name.rfind(':');
    if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
    if (name == "nil") {
      auto v = ParseBoolean(Trim(a.value()));
      return v.value_or(false);
    }
  }
  return false;
}

// Reads the RequestHeader children, in any order and with any prefix.
Status ReadRequestHeader(pugi::xml_node rh, RequestHeaderFields* out) {
  out->client_customer_id = ChildText(rh, "clientCustomerId");
  out->developer_token = ChildText(rh, "developerToken");
  out->user_agent = ChildText(rh, "userAgent");
  for (auto [name, dest] : {std::pair<std::string_view, bool*>{"validateOnly", &out->validate_only},
                            {"partialFailure", &out->partial_failure}}) {
    std::optional<std::string> text = ChildText(rh, name);
    if (!text || text->empty()) continue;
    std::optional<bool> b = ParseBoolean(*text);
    if (!b) {
      return UnmarshallingError("cvc-datatype-valid.1.2.1: '" + *text +
                                "' is not a valid value for 'boolean' (" + std::string(name) + ")");
    }
    *dest = *b;
  }
  return Status::Ok();
}

}  // namespace

Status UnmarshallingError(std::string_view detail) {
  return InvalidArgument(std::string(kUnmarshalling) + std::string(detail));
}

bool IsUnmarshallingError(const Status& s) {
  return s.code() == StatusCode::kInvalidArgument && s.message().starts_with(kUnmarshalling);
}

std::string_view LocalName(pugi::xml_node node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
  return name;
}

pugi::xml_node Child(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c) == local && !IsNil(c)) return c;
  }
  return {};
}

std::vector<pugi::xml_node> Children(pugi::xml_node parent, std::string_view local) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c) == local && !IsNil(c)) out.push_back(c);
  }
  return out;
}

std::string Text(pugi::xml_node node) {
  // child_value() concatenates only the first PCDATA; collect every text/CDATA child instead.
  std::string text;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text += c.value();
  }
  return std::string(Trim(text));
}

std::optional<std::string> ChildText(pugi::xml_node parent, std::string_view local) {
  pugi::xml_node c = Child(parent, local);
  if (!c) return std::nullopt;
  return Text(c);
}

std::optional<bool> ParseBoolean(std::string_view text) {
  std::string lower;
  for (char c : Trim(text))
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "true" || lower == "1") return true;
  if (lower == "false" || lower == "0") return false;
  return std::nullopt;
}

std::optional<int64_t> ParseLong(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

Result<Envelope> ParseEnvelope(std::string_view body) {
  Envelope env;
  env.doc = std::make_shared<pugi::xml_document>();
  // parse_doctype only makes a DOCTYPE visible so that it can be rejected; pugixml never
  // expands entities beyond the predefined five and character references.
  const unsigned options = pugi::parse_default | pugi::parse_doctype;
  pugi::xml_parse_result r = env.doc->load_buffer(body.data(), body.size(), options);
  if (!r) {
    return UnmarshallingError(std::string(r.description()) + " at offset " +
                              std::to_string(r.offset));
  }
  pugi::xml_node root;
  for (pugi::xml_node c = env.doc->first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_doctype) {
      return UnmarshallingError("DOCTYPE is disallowed");
    }
    if (c.type() == pugi::node_element && !root) root = c;
  }
  if (!root || LocalName(root) != "Envelope") {
    return UnmarshallingError("the root element is not a SOAP Envelope");
  }
  if (pugi::xml_node header = Child(root, "Header")) {
    if (pugi::xml_node rh = Child(header, "RequestHeader")) {
      BG_RETURN_IF_ERROR(ReadRequestHeader(rh, &env.header));
    }
  }
  pugi::xml_node soap_body = Child(root, "Body");
  if (!soap_body) return UnmarshallingError("the SOAP Envelope has no Body");
  for (pugi::xml_node c = soap_body.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) {
      env.operation = c;
      break;
    }
  }
  if (!env.operation) return UnmarshallingError("the SOAP Body is empty");
  env.method = std::string(LocalName(env.operation));
  return env;
}

}  // namespace bg::soap
