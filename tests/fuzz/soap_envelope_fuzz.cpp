// libFuzzer target: soap::ParseEnvelope (SOAP 1.1 request envelopes of every client dialect),
// plus the namespace-agnostic helpers the services call on what it returns.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "soap/envelope.hpp"

namespace {

// Walks the operation the way the services do (children by local name, texts, numbers).
void Walk(pugi::xml_node node, int depth) {
  if (!node || depth > 64) return;
  (void)bg::soap::LocalName(node);
  std::string text = bg::soap::Text(node);
  (void)bg::soap::ParseLong(text);
  (void)bg::soap::ParseBoolean(text);
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    (void)bg::soap::Children(node, bg::soap::LocalName(c));
    Walk(c, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  bg::Result<bg::soap::Envelope> env = bg::soap::ParseEnvelope(body);
  if (!env.ok()) {
    if (!bg::soap::IsUnmarshallingError(env.status())) __builtin_trap();
    return 0;
  }
  if (!env->operation || env->method.empty()) __builtin_trap();
  (void)bg::soap::ChildText(env->operation, "operations");
  Walk(env->operation, 0);
  return 0;
}
