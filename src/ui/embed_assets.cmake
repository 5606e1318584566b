# Writes OUT: a C++ file holding the dashboard's web files FILES (comma-separated absolute paths
# under ROOT) as byte arrays (ui/assets.hpp), so that the binary serves them with no file of its
# own at run time. Run by the custom command in src/ui/CMakeLists.txt (cmake -P).
string(REPLACE "," ";" files "${FILES}")
set(body "// Generated from src/ui/web/ by src/ui/embed_assets.cmake. Do not edit.\n")
string(APPEND body "#include \"ui/assets.hpp\"\n\nnamespace bg::ui::detail {\n")
set(table "")
set(n 0)
foreach(path IN LISTS files)
  file(RELATIVE_PATH rel "${ROOT}" "${path}")
  file(READ "${path}" hex HEX)
  string(LENGTH "${hex}" hex_len)
  math(EXPR size "${hex_len} / 2")
  # Two hex digits per byte -> "0xNN," with a line break every 32 bytes.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){32})" "\\1\n" bytes "${bytes}")
  string(APPEND body "static const unsigned char kAsset${n}[] = {\n${bytes}0x00};\n")
  string(APPEND table "    {\"${rel}\", kAsset${n}, ${size}},\n")
  math(EXPR n "${n} + 1")
endforeach()
string(APPEND body "\nconst EmbeddedAsset kEmbeddedAssets[] = {\n${table}    {nullptr, nullptr, 0},\n};\n")
string(APPEND body "\n}  // namespace bg::ui::detail\n")
file(WRITE "${OUT}" "${body}")
