// Test-only fault injection. The suite's fault-injecting build of the binary
// (tests/fault_injection_main.cpp, never installed) sets `faultHook` so that a layer worker,
// a registry worker or a download-probe worker throws what it never should
// (std::bad_alloc, std::logic_error), and checks that the failure becomes the documented
// exit 2 with a one-line cause, never a crash or a clean report. The product never sets it:
// a fault point then costs one relaxed load.
#pragma once

#include <atomic>

namespace mal::testing {

using FaultHook = void (*)(const char* where);
inline std::atomic<FaultHook> faultHook{nullptr};

// `where` names the point: "layer" (a layer's decoder), "registry" (a layer streamed from a
// registry), "probe" (one download URL asked).
inline void faultPoint(const char* where) {
  if (const FaultHook hook = faultHook.load(std::memory_order_relaxed)) hook(where);
}

}  // namespace mal::testing
