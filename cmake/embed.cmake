# Turns a data file into a C++ source holding it as a string, so the binary is
# self-contained (pre-commit hooks must not depend on files beside the binary).
file(READ ${INPUT} CONTENT)
file(WRITE ${OUTPUT} "// Generated from ${NAME}; do not edit.\n#include <string_view>\nnamespace mal::data {\nextern const std::string_view ${SYMBOL};\nconst std::string_view ${SYMBOL} = R\"MALDATA(${CONTENT})MALDATA\";\n}\n")
