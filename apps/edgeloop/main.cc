#include <cstdio>

#include "base/build_info.h"

int main() {
  std::printf("edgeloop %s\n", edgeloop::CodeVersion());
  return 0;
}
