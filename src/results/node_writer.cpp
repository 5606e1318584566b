#include "results/node_writer.hpp"

namespace bg::results {

void NodeWriter::WriteElement(std::string_view name, std::string_view declared_type,
                              const model::Node& node, bool xsi_in_scope) {
  w_.Start(name);
  if (node.type() != declared_type) {
    if (!xsi_in_scope) {
      w_.Attribute("xmlns:xsi", kXsiNamespace);
      xsi_in_scope = true;
    }
    w_.Attribute("xsi:type", node.type());
  }
  WriteFields(node, xsi_in_scope);
  w_.End();
}

void NodeWriter::WriteFields(const model::Node& node, bool xsi_in_scope) {
  const auto& fields = node.fields();
  for (const schema::FieldEntry entry : registry_.Fields(node.type())) {
    const schema::FieldDef* fd = entry.def;
    if (fd->is_marker) {
      w_.Leaf(fd->name, node.type());
      continue;
    }
    const bool complex = entry.complex;
    for (const model::Field& f : fields) {
      if (f.name != fd->name) continue;
      if (complex) {
        // A value whose runtime type this version does not know (or that does not fit the
        // declared type) cannot be read back by the client: version-strict output drops it.
        if (!f.child || !registry_.IsSubtypeOf(f.child->type(), fd->type)) continue;
        WriteElement(fd->name, fd->type, *f.child, xsi_in_scope);
      } else {
        if (f.child) continue;
        w_.Leaf(fd->name, f.text);
      }
      if (!fd->repeated) break;  // one value for a single-valued field
    }
  }
}

}  // namespace bg::results
