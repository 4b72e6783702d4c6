/*
 * What every C test program shares: pass/fail counters, CHECK, and borrowed strings.
 * A program prints "N passed, N failed" last (see check_summary).
 */
#ifndef CTXBRIDGE_TEST_CHECK_H
#define CTXBRIDGE_TEST_CHECK_H

#include "ctxbridge.h"

#include <stdio.h>
#include <string.h>

static int passed, failed;

/* Counts `cond`; a failure names the file, line and `what` (a case name, or the condition). */
#define CHECK_NAMED(cond, what)                                                        \
    do {                                                                               \
        if (cond) {                                                                    \
            passed++;                                                                  \
        } else {                                                                       \
            failed++;                                                                  \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s\n", __FILE__, __LINE__, what, \
                    #cond);                                                            \
        }                                                                              \
    } while (0)

#define CHECK(cond) CHECK_NAMED(cond, "check")

/* A borrowed string of a C string. */
static inline ctxbridge_str S(const char *text) {
    ctxbridge_str s = {text, strlen(text)};
    return s;
}

/* Prints the closing line and gives the exit status. */
static inline int check_summary(void) {
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

#endif
