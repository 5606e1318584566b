#include "http/storage_error.hpp"

#include <string>

#include "common/xml_writer.hpp"

namespace bg::http {

Response StorageError(int status, std::string_view code, std::string_view message) {
  std::string body;
  xml::XmlWriter w(&body);
  w.Raw("<?xml version='1.0' encoding='UTF-8'?>");
  w.Start("Error");
  w.Leaf("Code", code);
  w.Leaf("Message", message);
  w.EndAll();
  return Response::Text(status, "application/xml; charset=UTF-8", std::move(body));
}

}  // namespace bg::http
