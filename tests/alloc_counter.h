// Counting heap allocations in tests (Drake's LimitMalloc idea): link the `dexvlg_alloc_counter`
// object library, which replaces the global operator new, and bracket a hot path.
#pragma once

namespace dexvlg::testing {

/// Starts counting the allocations made on this thread (from zero).
void StartCountingAllocations();
/// Stops counting and returns how many allocations this thread made since the start.
int StopCountingAllocations();

}  // namespace dexvlg::testing
