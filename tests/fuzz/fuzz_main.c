/* libFuzzer entry point, compiled once per target with -DPI_FUZZ_TARGET="name". */
#include <stddef.h>
#include <stdint.h>

#include "roundtrip.h"

#ifndef PI_FUZZ_TARGET
#error "compile with -DPI_FUZZ_TARGET=\"stat\" (or another name of pi_fuzz_targets)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Rejected inputs stay in the corpus: error paths are worth mutating too. */
	(void)pi_fuzz_one(PI_FUZZ_TARGET, data, size);
	return 0;
}
