#include "schema/embedded_schemas.hpp"

#include <algorithm>

namespace bg::schema {

const std::vector<EmbeddedSchema>& EmbeddedSchemas() {
  static const std::vector<EmbeddedSchema> all = [] {
    std::vector<EmbeddedSchema> out;
    for (const auto* src = detail::kEmbeddedSources; src->version != nullptr; ++src) {
      auto it = std::find_if(out.begin(), out.end(),
                             [&](const EmbeddedSchema& s) { return s.version == src->version; });
      if (it == out.end()) {
        out.push_back({src->version, src->file, {}, {}});
        it = out.end() - 1;
      }
      EmbeddedFile file{src->file, {}};
      for (size_t i = 0; i < src->piece_count; ++i) file.text += src->pieces[i];
      it->text += file.text;
      it->files.push_back(std::move(file));
    }
    return out;
  }();
  return all;
}

std::string_view EmbeddedSchemaText(std::string_view version) {
  for (const auto& s : EmbeddedSchemas()) {
    if (s.version == version) return s.text;
  }
  return {};
}

}  // namespace bg::schema
