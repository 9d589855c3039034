// What this binary was built from: "0.1.0+3f2a9c0d1e2b" (release + commit), recorded by runs.
#pragma once

namespace edgeloop {

const char* CodeVersion();

}  // namespace edgeloop
