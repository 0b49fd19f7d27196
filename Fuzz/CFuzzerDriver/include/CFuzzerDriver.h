#ifndef CFUZZER_DRIVER_H
#define CFUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver, for a program with a `main` of its own (SwiftPM gives every executable one): it parses
// libFuzzer's flags from argv and runs the loop over `callback`. Present only when linked with -sanitize=fuzzer.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
