/* Smoke program for the installed C tree: one hand-off with run_in, one extract/inject,
 * one misuse counted, and the version the program was built against and loaded. */
#include <ctxbridge.h>
#include <stdio.h>
#include <string.h>

#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "smoke.c:%d: %s\n", __LINE__, #cond);       \
            return 1;                                                   \
        }                                                               \
    } while (0)

static const char TRACEPARENT[] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
static int seen_in_task;

static void task(void *arg) {
    (void)arg;
    ctxbridge_snapshot *now = NULL;
    ctxbridge_span_context sc;
    if (ctxbridge_current(&now) == CTXBRIDGE_STATUS_OK &&
        ctxbridge_snapshot_span_context(now, &sc) == CTXBRIDGE_STATUS_OK)
        seen_in_task = sc.span_id[0] == 0xb7;
    ctxbridge_snapshot_free(now);
}

int main(void) {
    CHECK(strcmp(ctxbridge_version(), "" ) != 0);
    char built[32];
    snprintf(built, sizeof built, "%d.%d.%d", CTXBRIDGE_VERSION_MAJOR, CTXBRIDGE_VERSION_MINOR,
             CTXBRIDGE_VERSION_PATCH);
    CHECK(strcmp(built, ctxbridge_version()) == 0);

    ctxbridge_span_context sc;
    ctxbridge_rule rule;
    ctxbridge_str tp = {TRACEPARENT, sizeof TRACEPARENT - 1};
    CHECK(ctxbridge_traceparent_parse(tp, &sc, &rule) == CTXBRIDGE_STATUS_OK);
    ctxbridge_snapshot *carried = NULL;
    CHECK(ctxbridge_snapshot_new(&sc, (ctxbridge_str){0}, (ctxbridge_str){0}, &carried) == CTXBRIDGE_STATUS_OK);
    uint64_t leaked = 99;
    CHECK(ctxbridge_run_in(carried, task, NULL, &leaked) == CTXBRIDGE_STATUS_OK);
    CHECK(seen_in_task && leaked == 0);

    char out[CTXBRIDGE_TRACEPARENT_BUF_LEN];
    CHECK(ctxbridge_traceparent_format(&sc, out, sizeof out) == CTXBRIDGE_STATUS_OK);
    CHECK(strcmp(out, TRACEPARENT) == 0);

    ctxbridge_stats before, after;
    CHECK(ctxbridge_stats_get(&before) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_set_mode(CTXBRIDGE_MODE_OFF) == CTXBRIDGE_STATUS_OK);
    uint64_t token = 0;
    CHECK(ctxbridge_attach(carried, &token) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_detach(token) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_detach(token) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_stats_get(&after) == CTXBRIDGE_STATUS_OK);
    CHECK(after.double_detach - before.double_detach == 1);
    ctxbridge_snapshot_free(carried);
    printf("c %s: hand-off, extract/inject, misuse counted\n", ctxbridge_version());
    return 0;
}
