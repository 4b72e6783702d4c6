/*
 * Tests of include/ctxbridge.h from C: codecs, bad input, handle lifetimes,
 * per-thread scopes and their misuse, task hygiene, extract/inject and resume.
 * Run under valgrind by `make test-c`; prints "N passed, N failed" last.
 */
#include "check.h"

#include <pthread.h>
#include <stdlib.h>

static ctxbridge_header H(const char *name, const char *value) {
    ctxbridge_header h = {S(name), S(value)};
    return h;
}

static const char *TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

static void hex(const uint8_t *bytes, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", bytes[i]);
}

/* ---- codecs ---------------------------------------------------------- */

static void test_traceparent_parse_and_format(void) {
    ctxbridge_span_context sc;
    ctxbridge_rule rule = CTXBRIDGE_RULE_NONE;
    CHECK(ctxbridge_traceparent_parse(S(TP), &sc, &rule) == CTXBRIDGE_STATUS_OK);
    char trace[33], span[17];
    hex(sc.trace_id, 16, trace);
    hex(sc.span_id, 8, span);
    CHECK(strcmp(trace, "4bf92f3577b34da6a3ce929d0e0e4736") == 0);
    CHECK(strcmp(span, "00f067aa0ba902b7") == 0);
    CHECK(sc.flags == CTXBRIDGE_FLAG_SAMPLED);
    CHECK(sc.remote);

    char buf[CTXBRIDGE_TRACEPARENT_BUF_LEN];
    CHECK(ctxbridge_traceparent_format(&sc, buf, sizeof buf) == CTXBRIDGE_STATUS_OK);
    CHECK(strcmp(buf, TP) == 0);
    CHECK(ctxbridge_traceparent_format(&sc, buf, 55) == CTXBRIDGE_STATUS_BUFFER_TOO_SMALL);

    /* Unknown flags are zeroed on parse and on format. */
    CHECK(ctxbridge_traceparent_parse(
              S("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff-future"), &sc,
              NULL) == CTXBRIDGE_STATUS_OK);
    CHECK(sc.flags == (CTXBRIDGE_FLAG_SAMPLED | CTXBRIDGE_FLAG_RANDOM));
    sc.flags = 0xff;
    CHECK(ctxbridge_traceparent_format(&sc, buf, sizeof buf) == CTXBRIDGE_STATUS_OK);
    CHECK(strcmp(buf + 53, "03") == 0);
}

static void expect_rule(const char *value, ctxbridge_rule expected, const char *id) {
    ctxbridge_span_context sc;
    ctxbridge_rule rule = CTXBRIDGE_RULE_NONE;
    CHECK(ctxbridge_traceparent_parse(S(value), &sc, &rule) == CTXBRIDGE_STATUS_PARSE_ERROR);
    CHECK(rule == expected);
    CHECK(strcmp(ctxbridge_rule_id(rule), id) == 0);
    CHECK(strlen(ctxbridge_rule_description(rule)) > 0);
}

static void test_traceparent_rules(void) {
    expect_rule("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                CTXBRIDGE_RULE_TRACEPARENT_VERSION_FF, "traceparent.version_ff");
    expect_rule("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
                CTXBRIDGE_RULE_TRACEPARENT_LENGTH, "traceparent.length");
    expect_rule("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                CTXBRIDGE_RULE_TRACEPARENT_DELIMITER, "traceparent.delimiter");
    expect_rule("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                CTXBRIDGE_RULE_TRACEPARENT_LOWERCASE_HEX, "traceparent.lowercase_hex");
    expect_rule("00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                CTXBRIDGE_RULE_TRACEPARENT_ZERO_TRACE_ID, "traceparent.zero_trace_id");
    expect_rule("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                CTXBRIDGE_RULE_TRACEPARENT_ZERO_PARENT_ID, "traceparent.zero_parent_id");
    CHECK(strcmp(ctxbridge_rule_id(CTXBRIDGE_RULE_NONE), "") == 0);
}

static void test_tracestate_and_baggage_normalize(void) {
    ctxbridge_str values[2] = {S(" foo=1 ,bar=2"), S("foo=3,baz=4")};
    ctxbridge_string out = {0};
    ctxbridge_rule rule = CTXBRIDGE_RULE_NONE;
    CHECK(ctxbridge_tracestate_normalize(values, 2, &out, &rule) == CTXBRIDGE_STATUS_OK);
    CHECK(out.ptr && strcmp(out.ptr, "foo=1,bar=2,baz=4") == 0);
    CHECK(out.len == strlen("foo=1,bar=2,baz=4"));
    ctxbridge_string_free(&out);
    CHECK(out.ptr == NULL && out.len == 0);
    ctxbridge_string_free(&out); /* freeing again is harmless */

    ctxbridge_str bad = S("Foo=1");
    CHECK(ctxbridge_tracestate_normalize(&bad, 1, &out, &rule) == CTXBRIDGE_STATUS_PARSE_ERROR);
    CHECK(rule == CTXBRIDGE_RULE_TRACESTATE_KEY);

    CHECK(ctxbridge_baggage_normalize(S("k = S%c3%a3o ;p, j=1"), &out, &rule) == CTXBRIDGE_STATUS_OK);
    CHECK(strcmp(out.ptr, "k=S%C3%A3o;p,j=1") == 0);
    ctxbridge_string_free(&out);
    CHECK(ctxbridge_baggage_normalize(S("ok=1,broken"), &out, &rule) == CTXBRIDGE_STATUS_PARSE_ERROR);
    CHECK(rule == CTXBRIDGE_RULE_BAGGAGE_MEMBER);
    CHECK(strcmp(ctxbridge_rule_id(rule), "baggage.member") == 0);
}

static void test_bad_arguments(void) {
    ctxbridge_span_context sc;
    ctxbridge_str null_with_len = {NULL, 5};
    ctxbridge_str not_utf8 = {"\xff\xfe", 2};
    CHECK(ctxbridge_traceparent_parse(null_with_len, &sc, NULL) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_traceparent_parse(not_utf8, &sc, NULL) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_traceparent_parse(S(TP), NULL, NULL) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_traceparent_format(NULL, NULL, 0) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_extract(NULL, 3, NULL) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_attach(NULL, NULL) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_detach(0) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_snapshot_clone(NULL) == NULL);
    ctxbridge_snapshot_free(NULL);
    ctxbridge_string_free(NULL);
    CHECK(ctxbridge_run_in(NULL, NULL, NULL, NULL) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_tracestate_normalize(NULL, 1, NULL, NULL) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);

    /* Bad header values never fail extraction: no parent, the rest survives. */
    ctxbridge_header headers[] = {{S("traceparent"), not_utf8}, H("baggage", "a=1")};
    ctxbridge_snapshot *snap = NULL;
    CHECK(ctxbridge_extract(headers, 2, &snap) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_snapshot_span_context(snap, &sc) == CTXBRIDGE_STATUS_NOT_FOUND);
    ctxbridge_string value = {0};
    CHECK(ctxbridge_snapshot_baggage_get(snap, S("a"), &value) == CTXBRIDGE_STATUS_OK);
    CHECK(strcmp(value.ptr, "1") == 0);
    ctxbridge_string_free(&value);
    ctxbridge_snapshot_free(snap);
}

/* ---- snapshots, extract, inject ------------------------------------- */

struct collected {
    char text[4][9000];
    int count;
};

static void collect(void *user, ctxbridge_str name, ctxbridge_str value) {
    struct collected *c = user;
    snprintf(c->text[c->count++], sizeof c->text[0], "%.*s: %.*s", (int)name.len, name.ptr,
             (int)value.len, value.ptr);
}

static void test_extract_inject_round_trip(void) {
    ctxbridge_header headers[] = {
        H("TraceParent", TP), H("tracestate", "congo=t61rcWkgMzE"),
        H("tracestate", "rojo=00f067aa0ba902b7"), H("Baggage", "tenant=acme%20corp;p=1"),
        H("baggage", "user=alice"),
    };
    ctxbridge_snapshot *snap = NULL;
    CHECK(ctxbridge_extract(headers, 5, &snap) == CTXBRIDGE_STATUS_OK);
    ctxbridge_span_context sc;
    CHECK(ctxbridge_snapshot_span_context(snap, &sc) == CTXBRIDGE_STATUS_OK);
    CHECK(sc.remote && sc.flags == 1);
    ctxbridge_string value = {0};
    CHECK(ctxbridge_snapshot_tracestate_get(snap, S("rojo"), &value) == CTXBRIDGE_STATUS_OK);
    CHECK(strcmp(value.ptr, "00f067aa0ba902b7") == 0);
    ctxbridge_string_free(&value);
    CHECK(ctxbridge_snapshot_baggage_get(snap, S("tenant"), &value) == CTXBRIDGE_STATUS_OK);
    CHECK(strcmp(value.ptr, "acme corp") == 0);
    ctxbridge_string_free(&value);
    CHECK(ctxbridge_snapshot_baggage_get(snap, S("nope"), &value) == CTXBRIDGE_STATUS_NOT_FOUND);
    uint64_t ms = 0;
    CHECK(ctxbridge_snapshot_captured_at_ms(snap, &ms) == CTXBRIDGE_STATUS_OK && ms > 0);

    static struct collected out;
    memset(&out, 0, sizeof out);
    CHECK(ctxbridge_inject(snap, collect, &out) == CTXBRIDGE_STATUS_OK);
    CHECK(out.count == 3);
    CHECK(strcmp(out.text[0], "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") == 0);
    CHECK(strcmp(out.text[1], "tracestate: congo=t61rcWkgMzE,rojo=00f067aa0ba902b7") == 0);
    CHECK(strcmp(out.text[2], "baggage: tenant=acme%20corp;p=1,user=alice") == 0);

    /* A clone outlives the original handle. */
    ctxbridge_snapshot *copy = ctxbridge_snapshot_clone(snap);
    ctxbridge_snapshot_free(snap);
    CHECK(ctxbridge_snapshot_span_context(copy, &sc) == CTXBRIDGE_STATUS_OK);
    ctxbridge_snapshot_free(copy);
}

static void test_repeated_traceparent_starts_a_new_trace(void) {
    ctxbridge_header headers[] = {H("traceparent", TP), H("traceparent", TP)};
    ctxbridge_snapshot *snap = NULL;
    ctxbridge_span_context sc;
    CHECK(ctxbridge_extract(headers, 2, &snap) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_snapshot_span_context(snap, &sc) == CTXBRIDGE_STATUS_NOT_FOUND);
    static struct collected out;
    memset(&out, 0, sizeof out);
    CHECK(ctxbridge_inject(snap, collect, &out) == CTXBRIDGE_STATUS_OK);
    CHECK(out.count == 0);
    ctxbridge_snapshot_free(snap);
}

static void test_snapshot_new(void) {
    ctxbridge_span_context sc = {{1}, {2}, 0x01, false};
    ctxbridge_snapshot *snap = NULL;
    CHECK(ctxbridge_snapshot_new(&sc, S("v=1"), S("k=v"), &snap) == CTXBRIDGE_STATUS_OK);
    ctxbridge_span_context back;
    CHECK(ctxbridge_snapshot_span_context(snap, &back) == CTXBRIDGE_STATUS_OK);
    CHECK(memcmp(back.trace_id, sc.trace_id, 16) == 0 && !back.remote);
    ctxbridge_snapshot_free(snap);

    ctxbridge_span_context zero = {{0}, {0}, 0, false};
    CHECK(ctxbridge_snapshot_new(&zero, S(""), S(""), &snap) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_snapshot_span_context(snap, &back) == CTXBRIDGE_STATUS_NOT_FOUND);
    ctxbridge_snapshot_free(snap);
}

/* ---- scopes ---------------------------------------------------------- */

static ctxbridge_snapshot *labelled(const char *label) {
    char baggage[64];
    snprintf(baggage, sizeof baggage, "label=%s", label);
    ctxbridge_snapshot *snap = NULL;
    ctxbridge_snapshot_new(NULL, S(""), S(baggage), &snap);
    return snap;
}

/* The label of what is current on this thread, or "-" for nothing. */
static const char *current_label(void) {
    static __thread char label[64];
    ctxbridge_snapshot *snap = NULL;
    ctxbridge_current(&snap);
    ctxbridge_string value = {0};
    if (ctxbridge_snapshot_baggage_get(snap, S("label"), &value) == CTXBRIDGE_STATUS_OK) {
        snprintf(label, sizeof label, "%s", value.ptr);
        ctxbridge_string_free(&value);
    } else {
        strcpy(label, "-");
    }
    ctxbridge_snapshot_free(snap);
    return label;
}

static uint64_t attach_label(const char *label) {
    ctxbridge_snapshot *snap = labelled(label);
    uint64_t token = 0;
    CHECK(ctxbridge_attach(snap, &token) == CTXBRIDGE_STATUS_OK);
    ctxbridge_snapshot_free(snap); /* the scope keeps its own reference */
    return token;
}

static void test_attach_detach_in_order(void) {
    uint64_t a = attach_label("A");
    uint64_t b = attach_label("B");
    CHECK(strcmp(current_label(), "B") == 0);
    CHECK(ctxbridge_detach(b) == CTXBRIDGE_STATUS_OK);
    CHECK(strcmp(current_label(), "A") == 0);
    CHECK(ctxbridge_detach(a) == CTXBRIDGE_STATUS_OK);
    CHECK(strcmp(current_label(), "-") == 0);
}

static void test_misuse_in_strict_and_warn(void) {
    ctxbridge_stats before, after;
    ctxbridge_stats_get(&before);
    CHECK(ctxbridge_set_mode(CTXBRIDGE_MODE_STRICT) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_get_mode() == CTXBRIDGE_MODE_STRICT);
    uint64_t a = attach_label("A");
    uint64_t b = attach_label("B");
    /* Rule 3: what was current before A's attach is current again; B ended with A. */
    CHECK(ctxbridge_detach(a) == CTXBRIDGE_STATUS_OUT_OF_ORDER);
    CHECK(strcmp(current_label(), "-") == 0);
    CHECK(ctxbridge_detach(a) == CTXBRIDGE_STATUS_DOUBLE_DETACH);
    CHECK(ctxbridge_detach(b) == CTXBRIDGE_STATUS_OK); /* ended: nothing changes, nothing raised */
    CHECK(strcmp(current_label(), "-") == 0);

    CHECK(ctxbridge_set_mode(CTXBRIDGE_MODE_WARN) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_detach(b) == CTXBRIDGE_STATUS_OK); /* now a double detach: warned, not returned */
    ctxbridge_stats_get(&after);
    CHECK(after.out_of_order - before.out_of_order == 1);
    CHECK(after.double_detach - before.double_detach == 2);
    CHECK(after.leaked - before.leaked == 1);
    CHECK(after.attached - before.attached == 2);
    CHECK(after.detached - before.detached == 1);
}

static void *detach_elsewhere(void *arg) {
    uint64_t token = *(uint64_t *)arg;
    *(uint64_t *)arg = (uint64_t)ctxbridge_detach(token);
    return NULL;
}

static void test_detach_on_another_thread(void) {
    ctxbridge_set_mode(CTXBRIDGE_MODE_STRICT);
    uint64_t a = attach_label("A");
    uint64_t shared = a;
    pthread_t thread;
    pthread_create(&thread, NULL, detach_elsewhere, &shared);
    pthread_join(thread, NULL);
    CHECK(shared == CTXBRIDGE_STATUS_WRONG_SCOPE);
    CHECK(strcmp(current_label(), "A") == 0);
    CHECK(ctxbridge_detach(a) == CTXBRIDGE_STATUS_OK);
    ctxbridge_set_mode(CTXBRIDGE_MODE_WARN);
}

static int warnings;
static void count_warning(void *user, ctxbridge_str message) {
    (void)user;
    if (message.len > 0 && strstr(message.ptr, "ctxbridge") == message.ptr) warnings++;
}

static void leaky_task(void *user) {
    strcpy((char *)user, current_label());
    attach_label("leak");
}

static void test_run_in_cleans_up_leaks(void) {
    ctxbridge_set_log_callback(count_warning, NULL);
    ctxbridge_stats_reset();
    uint64_t outer = attach_label("outer");
    ctxbridge_snapshot *task = labelled("task");
    char seen[64] = "";
    uint64_t leaked = 99;
    CHECK(ctxbridge_run_in(task, leaky_task, seen, &leaked) == CTXBRIDGE_STATUS_OK);
    CHECK(strcmp(seen, "task") == 0);
    CHECK(leaked == 1);
    CHECK(strcmp(current_label(), "outer") == 0);
    /* A second leak at the same site is not warned again. */
    CHECK(ctxbridge_run_in(task, leaky_task, seen, &leaked) == CTXBRIDGE_STATUS_OK);
    CHECK(warnings == 1);
    ctxbridge_stats stats;
    ctxbridge_stats_get(&stats);
    CHECK(stats.leaked == 2);
    CHECK(ctxbridge_detach(outer) == CTXBRIDGE_STATUS_OK);
    ctxbridge_snapshot_free(task);
    ctxbridge_set_log_callback(NULL, NULL);
}

struct handoff {
    ctxbridge_snapshot *captured;
    char seen[64];
};

static void record_label(void *user) { strcpy((char *)user, current_label()); }

static void *worker(void *arg) {
    struct handoff *h = arg;
    /* Nothing is current on a new thread until the capture is run in. */
    CHECK(strcmp(current_label(), "-") == 0);
    ctxbridge_run_in(h->captured, record_label, h->seen, NULL);
    return NULL;
}

static void test_capture_at_submit_and_run_in_worker(void) {
    uint64_t request = attach_label("request");
    struct handoff h = {NULL, ""};
    CHECK(ctxbridge_capture(&h.captured) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_detach(request) == CTXBRIDGE_STATUS_OK);
    pthread_t thread;
    pthread_create(&thread, NULL, worker, &h);
    pthread_join(thread, NULL);
    CHECK(strcmp(h.seen, "request") == 0);
    ctxbridge_snapshot_free(h.captured);
}

/* ---- queue resume ---------------------------------------------------- */

static void test_resume(void) {
    ctxbridge_header headers[] = {H("traceparent", TP), H("baggage", "tenant=acme")};
    ctxbridge_resume_decision r;
    const uint64_t now = 1700000000000ull;
    CHECK(ctxbridge_resume_at(headers, 2, now - 1000, 60000, now, &r) == CTXBRIDGE_STATUS_OK);
    CHECK(r.kind == CTXBRIDGE_PARENT_KIND_CHILD_OF);
    CHECK(r.span_context.span_id[7] == 0xb7);
    ctxbridge_string value = {0};
    CHECK(ctxbridge_snapshot_baggage_get(r.baggage, S("tenant"), &value) == CTXBRIDGE_STATUS_OK);
    CHECK(strcmp(value.ptr, "acme") == 0);
    ctxbridge_string_free(&value);
    ctxbridge_snapshot_free(r.baggage);

    CHECK(ctxbridge_resume_at(headers, 2, now - 3600000, 60000, now, &r) == CTXBRIDGE_STATUS_OK);
    CHECK(r.kind == CTXBRIDGE_PARENT_KIND_ROOT_WITH_LINK);
    CHECK(r.span_context.trace_id[0] == 0x4b);
    CHECK(ctxbridge_snapshot_baggage_get(r.baggage, S("tenant"), &value) == CTXBRIDGE_STATUS_OK);
    ctxbridge_string_free(&value);
    ctxbridge_snapshot_free(r.baggage);

    ctxbridge_header no_parent[] = {H("traceparent", "junk"), H("baggage", "tenant=acme")};
    CHECK(ctxbridge_resume(no_parent, 2, now, 60000, &r) == CTXBRIDGE_STATUS_OK);
    CHECK(r.kind == CTXBRIDGE_PARENT_KIND_ROOT);
    ctxbridge_snapshot_free(r.baggage);
}


/* ---- issue 12's reproducers ------------------------------------------- */

/* A callback that sets a callback (or logs) must not deadlock: the library calls out
 * without holding its lock. */
static int reentrant_calls;
static void reentrant_callback(void *user, ctxbridge_str message) {
    (void)user;
    (void)message;
    reentrant_calls++;
    ctxbridge_set_log_callback(NULL, NULL);
}

static void test_log_callback_may_set_the_callback(void) {
    ctxbridge_set_mode(CTXBRIDGE_MODE_WARN);
    ctxbridge_set_log_callback(reentrant_callback, NULL);
    uint64_t a = attach_label("A");
    CHECK(ctxbridge_detach(a) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_detach(a) == CTXBRIDGE_STATUS_OK); /* double detach: warned through the callback */
    CHECK(reentrant_calls == 1);
    ctxbridge_set_log_callback(NULL, NULL);
}

/* A decoded baggage value may contain NUL: the string keeps its length and its buffer
 * holds every byte (valgrind checks the reads). */
static void test_baggage_value_with_nul(void) {
    ctxbridge_snapshot *snap = NULL;
    CHECK(ctxbridge_snapshot_new(NULL, (ctxbridge_str){0}, S("k=ab%00cdef"), &snap) == CTXBRIDGE_STATUS_OK);
    ctxbridge_string value = {0};
    CHECK(ctxbridge_snapshot_baggage_get(snap, S("k"), &value) == CTXBRIDGE_STATUS_OK);
    CHECK(value.len == 7);
    CHECK(value.ptr != NULL && memcmp(value.ptr, "ab\0cdef", 7) == 0 && value.ptr[7] == '\0');
    ctxbridge_string_free(&value);
    CHECK(value.ptr == NULL && value.len == 0);
    ctxbridge_snapshot_free(snap);
}

/* Rule 6: the caller's stack comes back whatever the task did, even a detach of the
 * frame run_in attached for it (reached by id). */
static uint64_t escape_token;
static void escaping_task(void *user) {
    (void)user;
    uint64_t t = 0;
    ctxbridge_snapshot *x = labelled("X");
    ctxbridge_attach(x, &t);
    ctxbridge_snapshot_free(x);
    escape_token = t;
    ctxbridge_detach(t - 1); /* run_in's own frame: out of order, ends X */
    ctxbridge_detach(t);     /* already ended: nothing */
}

static void test_task_cannot_escape_run_in(void) {
    ctxbridge_set_mode(CTXBRIDGE_MODE_OFF);
    ctxbridge_stats before, after;
    ctxbridge_stats_get(&before);
    uint64_t s3 = attach_label("S3");
    ctxbridge_snapshot *s2 = labelled("S2");
    uint64_t leaked = 99;
    CHECK(ctxbridge_run_in(s2, escaping_task, NULL, &leaked) == CTXBRIDGE_STATUS_OK);
    CHECK(escape_token != 0);
    CHECK(strcmp(current_label(), "S3") == 0);
    CHECK(ctxbridge_set_mode(CTXBRIDGE_MODE_STRICT) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_detach(s3) == CTXBRIDGE_STATUS_OK); /* in order */
    CHECK(strcmp(current_label(), "-") == 0);
    ctxbridge_stats_get(&after);
    CHECK(leaked == 0);
    CHECK(after.leaked - before.leaked == 1); /* X, ended by the out-of-order detach */
    CHECK(after.out_of_order - before.out_of_order == 1);
    ctxbridge_snapshot_free(s2);
    ctxbridge_set_mode(CTXBRIDGE_MODE_WARN);
}

/* Enum arguments are integers at the boundary: values that name nothing are refused. */
static void test_enum_arguments_out_of_range(void) {
    CHECK(ctxbridge_set_mode(CTXBRIDGE_MODE_WARN) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_set_mode(7) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_set_mode(0xffffffffu) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_get_mode() == CTXBRIDGE_MODE_WARN);
    CHECK(strcmp(ctxbridge_rule_id(999), "") == 0);
    CHECK(strcmp(ctxbridge_rule_description(999), "") == 0);
    CHECK(strcmp(ctxbridge_rule_id(CTXBRIDGE_RULE_BAGGAGE_KEY), "baggage.key") == 0);
}

/* A token the thread never issued is no token: INVALID_ARGUMENT, nothing counted. */
static void test_never_issued_token(void) {
    ctxbridge_stats before, after;
    ctxbridge_stats_get(&before);
    uint64_t a = attach_label("A");
    CHECK(ctxbridge_detach(a + 1000) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_detach(((uint64_t)0xfffffff0u << 32) | 1) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_detach(a) == CTXBRIDGE_STATUS_OK);
    ctxbridge_stats_get(&after);
    CHECK(after.double_detach == before.double_detach && after.wrong_scope == before.wrong_scope);
}

/* A length no object can have is refused before any byte is read. */
static void test_impossible_lengths(void) {
    ctxbridge_span_context sc;
    ctxbridge_rule rule;
    ctxbridge_str huge = {"x", SIZE_MAX};
    CHECK(ctxbridge_traceparent_parse(huge, &sc, &rule) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    ctxbridge_snapshot *snap = NULL;
    ctxbridge_header h = {S("traceparent"), S(TP)};
    CHECK(ctxbridge_extract(&h, SIZE_MAX / 2, &snap) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    ctxbridge_string out = {0};
    CHECK(ctxbridge_tracestate_normalize(&huge, SIZE_MAX / 4, &out, &rule) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
}

/* A freed (or made-up) handle is refused, not read; freeing one twice is a no-op. */
static void test_freed_handles_are_refused(void) {
    ctxbridge_snapshot *snap = labelled("gone");
    ctxbridge_snapshot_free(snap);
    ctxbridge_snapshot_free(snap); /* a no-op: valgrind and ASan would see a double free */
    ctxbridge_span_context sc;
    uint64_t token = 0;
    CHECK(ctxbridge_snapshot_span_context(snap, &sc) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_attach(snap, &token) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_snapshot_clone(snap) == NULL);
    ctxbridge_snapshot *forged = (ctxbridge_snapshot *)(uintptr_t)0x1000;
    CHECK(ctxbridge_run_in(forged, record_label, NULL, NULL) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
}

/* The strict parse refuses a member that can never be propagated, and reads no further
 * than the limit (a 16 MB member costs what a 16 kB one does). */
static void test_oversized_baggage_member(void) {
    size_t n = 16u << 20;
    char *big = malloc(n + 3);
    memcpy(big, "k=", 2);
    memset(big + 2, 'v', n);
    big[n + 2] = '\0';
    ctxbridge_string out = {0};
    ctxbridge_rule rule = CTXBRIDGE_RULE_NONE;
    CHECK(ctxbridge_baggage_normalize((ctxbridge_str){big, n + 2}, &out, &rule) == CTXBRIDGE_STATUS_PARSE_ERROR);
    CHECK(rule == CTXBRIDGE_RULE_BAGGAGE_MEMBER_TOO_LARGE);
    CHECK(out.ptr == NULL);
    free(big);
}

/* ---- attach sites (issue 19) ----------------------------------------------- */

static char last_warning[1024];
static void keep_warning(void *user, ctxbridge_str message) {
    (void)user;
    size_t n = message.len < sizeof last_warning - 1 ? message.len : sizeof last_warning - 1;
    memcpy(last_warning, message.ptr, n);
    last_warning[n] = '\0';
}

/* "test_ctxbridge.c:<line>" for a line of this file, as CTXBRIDGE_HERE names it. */
static const char *here_at(int line) {
    static char site[256];
    snprintf(site, sizeof site, "%s:%d", __FILE__, line);
    return site;
}

static void leaking_task(void *user) {
    int *line = user;
    ctxbridge_snapshot *x = labelled("T");
    uint64_t t = 0;
    *line = __LINE__ + 1;
    CHECK(ctxbridge_attach_at(x, CTXBRIDGE_HERE, &t) == CTXBRIDGE_STATUS_OK);
    ctxbridge_snapshot_free(x); /* never detached */
}

static void test_attach_sites(void) {
    ctxbridge_set_mode(CTXBRIDGE_MODE_WARN);
    ctxbridge_stats_reset();
    ctxbridge_set_log_callback(keep_warning, NULL);
    CHECK(!ctxbridge_get_attach_sites()); /* off by default */
    ctxbridge_snapshot *snap = labelled("S");
    uint64_t outer = 0, inner = 0;

    /* Off: the report names the detach site only. */
    CHECK(ctxbridge_attach_at(snap, CTXBRIDGE_HERE, &outer) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_attach_at(snap, CTXBRIDGE_HERE, &inner) == CTXBRIDGE_STATUS_OK);
    int detach_line = __LINE__ + 1;
    CHECK(ctxbridge_detach_at(outer, CTXBRIDGE_HERE) == CTXBRIDGE_STATUS_OK);
    CHECK(strstr(last_warning, "ctxbridge out_of_order") != NULL);
    CHECK(strstr(last_warning, here_at(detach_line)) != NULL);
    CHECK(strstr(last_warning, "left open by") == NULL);

    /* On: it also names the attach left open. */
    CHECK(ctxbridge_set_attach_sites(true) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_get_attach_sites());
    last_warning[0] = '\0';
    CHECK(ctxbridge_attach_at(snap, CTXBRIDGE_HERE, &outer) == CTXBRIDGE_STATUS_OK);
    int attach_line = __LINE__ + 1;
    CHECK(ctxbridge_attach_at(snap, CTXBRIDGE_HERE, &inner) == CTXBRIDGE_STATUS_OK);
    detach_line = __LINE__ + 1;
    CHECK(ctxbridge_detach_at(outer, CTXBRIDGE_HERE) == CTXBRIDGE_STATUS_OK);
    char expected[600];
    snprintf(expected, sizeof expected, "(at %s; ", here_at(detach_line));
    CHECK(strstr(last_warning, expected) != NULL);
    snprintf(expected, sizeof expected, "left open by the attach at %s)", here_at(attach_line));
    CHECK(strstr(last_warning, expected) != NULL);

    /* A task's leak names the attach the task made. */
    last_warning[0] = '\0';
    int task_line = 0;
    uint64_t leaked = 0;
    CHECK(ctxbridge_run_in(snap, leaking_task, &task_line, &leaked) == CTXBRIDGE_STATUS_OK);
    CHECK(leaked == 1);
    snprintf(expected, sizeof expected, "left open by the attach at %s)", here_at(task_line));
    CHECK(strstr(last_warning, "ctxbridge leaked") != NULL);
    CHECK(strstr(last_warning, expected) != NULL);

    /* An empty site is no site; strict mode returns the status as before. */
    CHECK(ctxbridge_set_mode(CTXBRIDGE_MODE_STRICT) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_attach_at(snap, (ctxbridge_str){0}, &outer) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_detach_at(outer, (ctxbridge_str){0}) == CTXBRIDGE_STATUS_OK);
    CHECK(ctxbridge_detach_at(outer, CTXBRIDGE_HERE) == CTXBRIDGE_STATUS_DOUBLE_DETACH);
    CHECK(ctxbridge_attach_at(NULL, CTXBRIDGE_HERE, &outer) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);

    CHECK(ctxbridge_set_attach_sites(false) == CTXBRIDGE_STATUS_OK);
    ctxbridge_set_mode(CTXBRIDGE_MODE_WARN);
    ctxbridge_set_log_callback(NULL, NULL);
    ctxbridge_snapshot_free(snap);
}

/* ---- dropped headers (issue 19) --------------------------------------------- */

static int drop_warnings;
static char drop_warning[1024];
static void keep_drop_warning(void *user, ctxbridge_str message) {
    (void)user;
    if (message.len >= 17 && memcmp(message.ptr, "ctxbridge dropped", 17) == 0) {
        drop_warnings++;
        size_t n = message.len < sizeof drop_warning - 1 ? message.len : sizeof drop_warning - 1;
        memcpy(drop_warning, message.ptr, n);
        drop_warning[n] = '\0';
    }
}

static void test_dropped_headers(void) {
    ctxbridge_stats_reset();
    drop_warnings = 0;
    ctxbridge_set_log_callback(keep_drop_warning, NULL);
    const char *secrets[] = {"Upper=secret-one", "Upper=secret-two"};
    for (int i = 0; i < 2; i++) {
        ctxbridge_header headers[] = {H("traceparent", TP), H("tracestate", secrets[i])};
        ctxbridge_snapshot *snap = NULL;
        CHECK(ctxbridge_extract(headers, 2, &snap) == CTXBRIDGE_STATUS_OK);
        ctxbridge_span_context sc;
        CHECK(ctxbridge_snapshot_span_context(snap, &sc) == CTXBRIDGE_STATUS_OK && sc.remote);
        ctxbridge_string value = {0};
        CHECK(ctxbridge_snapshot_tracestate_get(snap, S("upper"), &value) == CTXBRIDGE_STATUS_NOT_FOUND);
        ctxbridge_snapshot_free(snap);
    }
    CHECK(drop_warnings == 1); /* once per rule */
    CHECK(strstr(drop_warning, "tracestate.key") != NULL);
    CHECK(strstr(drop_warning, "secret") == NULL); /* never the value */
    uint64_t count = 99;
    CHECK(ctxbridge_dropped_get(S("tracestate.key"), &count) == CTXBRIDGE_STATUS_OK && count == 2);
    CHECK(ctxbridge_dropped_get(S("baggage.limits"), &count) == CTXBRIDGE_STATUS_OK && count == 0);

    /* A bad baggage member through ctxbridge_snapshot_new, dropped alone. */
    ctxbridge_snapshot *snap = NULL;
    CHECK(ctxbridge_snapshot_new(NULL, S(""), S("ok=1,bad key=private"), &snap) == CTXBRIDGE_STATUS_OK);
    ctxbridge_string value = {0};
    CHECK(ctxbridge_snapshot_baggage_get(snap, S("ok"), &value) == CTXBRIDGE_STATUS_OK);
    ctxbridge_string_free(&value);
    ctxbridge_snapshot_free(snap);
    CHECK(drop_warnings == 2);
    CHECK(strstr(drop_warning, "baggage.key") != NULL && strstr(drop_warning, "private") == NULL);
    CHECK(ctxbridge_dropped_get(S("baggage.key"), &count) == CTXBRIDGE_STATUS_OK && count == 1);

    CHECK(ctxbridge_dropped_get(S("no.such_rule"), &count) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    CHECK(ctxbridge_dropped_get(S("baggage.key"), NULL) == CTXBRIDGE_STATUS_INVALID_ARGUMENT);
    ctxbridge_stats_reset();
    CHECK(ctxbridge_dropped_get(S("tracestate.key"), &count) == CTXBRIDGE_STATUS_OK && count == 0);
    ctxbridge_set_log_callback(NULL, NULL);
}

int main(void) {
    test_log_callback_may_set_the_callback();
    test_traceparent_parse_and_format();
    test_traceparent_rules();
    test_tracestate_and_baggage_normalize();
    test_bad_arguments();
    test_extract_inject_round_trip();
    test_repeated_traceparent_starts_a_new_trace();
    test_snapshot_new();
    test_attach_detach_in_order();
    test_misuse_in_strict_and_warn();
    test_detach_on_another_thread();
    test_run_in_cleans_up_leaks();
    test_capture_at_submit_and_run_in_worker();
    test_resume();
    test_baggage_value_with_nul();
    test_task_cannot_escape_run_in();
    test_enum_arguments_out_of_range();
    test_never_issued_token();
    test_impossible_lengths();
    test_oversized_baggage_member();
    test_freed_handles_are_refused();
    test_attach_sites();
    test_dropped_headers();
    return check_summary();
}
