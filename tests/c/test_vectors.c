/*
 * tests/vectors/traceparent.json, tracestate.json and baggage.json through the C ABI (the
 * tables come from tests/c/gen_vectors.py): extraction from a carrier holding every header,
 * what injection writes back, the explicit parses and the rule each reports, and the
 * encode limits, and how a queued message resumes its trace (queue.json). (The tracestate
 * mutations need a set/delete API the ABI does not have.)
 * Prints "N passed, N failed" last.
 */
#include "check.h"

#include <stdlib.h>

#include "baggage_vectors.h"
#include "queue_vectors.h"
#include "traceparent_vectors.h"
#include "tracestate_vectors.h"

#define MAX_HEADERS 8

/* What ctxbridge_inject wrote: the value of each of the three headers ("" when absent). */
typedef struct injected {
    char traceparent[64];
    char *tracestate;
    char *baggage;
} injected;

static char *copy(ctxbridge_str value) {
    char *out = malloc(value.len + 1);
    memcpy(out, value.ptr, value.len);
    out[value.len] = '\0';
    return out;
}

static void collect(void *user_data, ctxbridge_str name, ctxbridge_str value) {
    injected *out = user_data;
    if (name.len == 11 && memcmp(name.ptr, "traceparent", 11) == 0 && value.len < sizeof out->traceparent) {
        memcpy(out->traceparent, value.ptr, value.len);
        out->traceparent[value.len] = '\0';
    } else if (name.len == 10 && memcmp(name.ptr, "tracestate", 10) == 0) {
        free(out->tracestate);
        out->tracestate = copy(value);
    } else if (name.len == 7 && memcmp(name.ptr, "baggage", 7) == 0) {
        free(out->baggage);
        out->baggage = copy(value);
    }
}

static const char *or_empty(const char *text) { return text == NULL ? "" : text; }

static void injected_free(injected *out) {
    free(out->tracestate);
    free(out->baggage);
}

/* A snapshot of a carrier holding `traceparent` (when not NULL) and `count` values of `name`. */
static ctxbridge_snapshot *extract(const char *traceparent, const char *name, const char *const *values,
                                   size_t count) {
    ctxbridge_header headers[MAX_HEADERS + 1];
    size_t n = 0;
    if (traceparent != NULL) {
        headers[n].name = S("traceparent");
        headers[n].value = S(traceparent);
        n++;
    }
    for (size_t i = 0; i < count && i < MAX_HEADERS; i++, n++) {
        headers[n].name = S(name);
        headers[n].value = S(values[i]);
    }
    ctxbridge_snapshot *snapshot = NULL;
    if (ctxbridge_extract(headers, n, &snapshot) != CTXBRIDGE_STATUS_OK) return NULL;
    return snapshot;
}

static injected inject(const ctxbridge_snapshot *snapshot) {
    injected out = {{0}, NULL, NULL};
    ctxbridge_inject(snapshot, collect, &out);
    return out;
}

/* The lowercase hex of `len` bytes. */
static void hex(const uint8_t *bytes, size_t len, char *out) {
    for (size_t i = 0; i < len; i++) sprintf(out + 2 * i, "%02x", bytes[i]);
}

static void test_traceparent(void) {
    for (size_t i = 0; i < traceparent_cases_count; i++) {
        const traceparent_cases_case *c = &traceparent_cases[i];
        ctxbridge_snapshot *snapshot = extract(NULL, "traceparent", c->headers, c->headers_count);
        ctxbridge_span_context span = {0};
        int found = snapshot != NULL && ctxbridge_snapshot_span_context(snapshot, &span) == CTXBRIDGE_STATUS_OK;
        CHECK_NAMED(found == (c->valid != 0), c->name);
        if (found && c->valid) {
            char trace_id[33], parent_id[17], flags[3];
            hex(span.trace_id, 16, trace_id);
            hex(span.span_id, 8, parent_id);
            hex(&span.flags, 1, flags);
            CHECK_NAMED(strcmp(trace_id, c->trace_id) == 0, c->name);
            CHECK_NAMED(strcmp(parent_id, c->parent_id) == 0, c->name);
            CHECK_NAMED(strcmp(flags, c->flags) == 0, c->name);
            injected out = inject(snapshot);
            CHECK_NAMED(strcmp(out.traceparent, c->encoded) == 0, c->name);
            injected_free(&out);
        }
        ctxbridge_snapshot_free(snapshot);
        if (c->headers_count != 1) continue;
        /* The explicit parse: the same fields, or the rule. */
        ctxbridge_span_context parsed = {0};
        ctxbridge_rule rule = CTXBRIDGE_RULE_NONE;
        ctxbridge_status status = ctxbridge_traceparent_parse(S(c->headers[0]), &parsed, &rule);
        if (c->valid) {
            CHECK_NAMED(status == CTXBRIDGE_STATUS_OK && memcmp(parsed.trace_id, span.trace_id, 16) == 0, c->name);
            char buf[CTXBRIDGE_TRACEPARENT_BUF_LEN];
            CHECK_NAMED(ctxbridge_traceparent_format(&parsed, buf, sizeof buf) == CTXBRIDGE_STATUS_OK &&
                            strcmp(buf, c->encoded) == 0,
                        c->name);
        } else {
            CHECK_NAMED(status == CTXBRIDGE_STATUS_PARSE_ERROR && strcmp(ctxbridge_rule_id(rule), c->rule) == 0,
                        c->name);
        }
    }
}

/* Whether `snapshot`'s tracestate member `key` holds `value`. */
static int member_is(const ctxbridge_snapshot *snapshot, const char *key, const char *value) {
    ctxbridge_string got = {0};
    int ok = ctxbridge_snapshot_tracestate_get(snapshot, S(key), &got) == CTXBRIDGE_STATUS_OK &&
             got.len == strlen(value) && memcmp(got.ptr, value, got.len) == 0;
    ctxbridge_string_free(&got);
    return ok;
}

/* tracestate_normalize over `count` values: the status, and the header or the rule id. */
static ctxbridge_status normalize_tracestate(const char *const *values, size_t count, char **header,
                                             const char **rule_id) {
    ctxbridge_str strs[64];
    for (size_t i = 0; i < count && i < 64; i++) strs[i] = S(values[i]);
    ctxbridge_string out = {0};
    ctxbridge_rule rule = CTXBRIDGE_RULE_NONE;
    ctxbridge_status status = ctxbridge_tracestate_normalize(strs, count, &out, &rule);
    *header = status == CTXBRIDGE_STATUS_OK ? copy((ctxbridge_str){out.ptr, out.len}) : NULL;
    *rule_id = ctxbridge_rule_id(rule);
    ctxbridge_string_free(&out);
    return status;
}

static void test_tracestate(void) {
    for (size_t i = 0; i < tracestate_cases_count; i++) {
        const tracestate_cases_case *c = &tracestate_cases[i];
        ctxbridge_snapshot *snapshot = extract(c->traceparent, "tracestate", c->headers, c->headers_count);
        CHECK_NAMED(snapshot != NULL, c->name);
        if (snapshot == NULL) continue;
        for (size_t m = 0; m < c->members_0_count; m++) {
            CHECK_NAMED(member_is(snapshot, c->members_0[m], c->members_1[m]), c->name);
        }
        injected out = inject(snapshot);
        CHECK_NAMED(strcmp(or_empty(out.tracestate), c->encoded) == 0, c->name);
        injected_free(&out);
        ctxbridge_snapshot_free(snapshot);

        char *header = NULL;
        const char *rule = NULL;
        ctxbridge_status status = normalize_tracestate(c->headers, c->headers_count, &header, &rule);
        if (c->valid) {
            CHECK_NAMED(status == CTXBRIDGE_STATUS_OK && strcmp(header, c->encoded) == 0, c->name);
        } else {
            CHECK_NAMED(status == CTXBRIDGE_STATUS_PARSE_ERROR && strcmp(rule, c->rule) == 0, c->name);
        }
        free(header);
    }
    for (size_t i = 0; i < tracestate_ignored_without_traceparent_count; i++) {
        const tracestate_ignored_without_traceparent_case *c = &tracestate_ignored_without_traceparent[i];
        ctxbridge_snapshot *snapshot = extract(c->traceparent, "tracestate", c->headers, c->headers_count);
        ctxbridge_span_context span = {0};
        CHECK_NAMED(snapshot != NULL && (ctxbridge_snapshot_span_context(snapshot, &span) == CTXBRIDGE_STATUS_OK) ==
                                            (c->span_context != 0),
                    c->name);
        injected out = inject(snapshot);
        CHECK_NAMED(out.tracestate == NULL, c->name);
        injected_free(&out);
        ctxbridge_snapshot_free(snapshot);
    }
    /* Encode limits: the members as one header, re-encoded within 512 characters. */
    for (size_t i = 0; i < tracestate_encode_count; i++) {
        const tracestate_encode_case *c = &tracestate_encode[i];
        size_t len = 0;
        for (size_t m = 0; m < c->members_0_count; m++) len += strlen(c->members_0[m]) + strlen(c->members_1[m]) + 2;
        char *joined = calloc(len + 1, 1);
        for (size_t m = 0; m < c->members_0_count; m++) {
            if (m > 0) strcat(joined, ",");
            strcat(joined, c->members_0[m]);
            strcat(joined, "=");
            strcat(joined, c->members_1[m]);
        }
        const char *values[1] = {joined};
        char *header = NULL;
        const char *rule = NULL;
        CHECK_NAMED(normalize_tracestate(values, 1, &header, &rule) == CTXBRIDGE_STATUS_OK &&
                        strcmp(header, c->encoded) == 0,
                    c->name);
        free(header);
        free(joined);
    }
}

/* Whether `snapshot`'s baggage member `key` has the decoded `value` and `metadata`. */
static int baggage_is(const ctxbridge_snapshot *snapshot, const char *key, const char *value, const char *metadata) {
    ctxbridge_string got = {0}, meta = {0};
    int ok = ctxbridge_snapshot_baggage_get(snapshot, S(key), &got) == CTXBRIDGE_STATUS_OK &&
             got.len == strlen(value) && memcmp(got.ptr, value, got.len) == 0 &&
             ctxbridge_snapshot_baggage_metadata_get(snapshot, S(key), &meta) == CTXBRIDGE_STATUS_OK &&
             meta.len == strlen(metadata) && (meta.len == 0 || memcmp(meta.ptr, metadata, meta.len) == 0);
    ctxbridge_string_free(&got);
    ctxbridge_string_free(&meta);
    return ok;
}

static void test_baggage(void) {
    for (size_t i = 0; i < baggage_cases_count; i++) {
        const baggage_cases_case *c = &baggage_cases[i];
        ctxbridge_snapshot *snapshot = extract(NULL, "baggage", c->headers, c->headers_count);
        CHECK_NAMED(snapshot != NULL, c->name);
        if (snapshot == NULL) continue;
        for (size_t m = 0; m < c->members_key_count; m++) {
            CHECK_NAMED(baggage_is(snapshot, c->members_key[m], c->members_value[m], c->members_metadata[m]), c->name);
        }
        injected out = inject(snapshot);
        CHECK_NAMED(strcmp(or_empty(out.baggage), c->encoded) == 0, c->name);
        injected_free(&out);
        ctxbridge_snapshot_free(snapshot);

        /* The strict parse of the first header fails naming the rule, or succeeds. */
        if (c->headers_count == 0) continue;
        ctxbridge_string header = {0};
        ctxbridge_rule rule = CTXBRIDGE_RULE_NONE;
        ctxbridge_status status = ctxbridge_baggage_normalize(S(c->headers[0]), &header, &rule);
        if (c->strict_error != NULL) {
            CHECK_NAMED(status == CTXBRIDGE_STATUS_PARSE_ERROR && strcmp(ctxbridge_rule_id(rule), c->strict_error) == 0,
                        c->name);
        } else {
            CHECK_NAMED(status == CTXBRIDGE_STATUS_OK, c->name);
            if (c->headers_count == 1) {
                CHECK_NAMED(header.len == strlen(c->encoded) && memcmp(header.ptr, c->encoded, header.len) == 0, c->name);
            }
        }
        ctxbridge_string_free(&header);
    }
    /* Encoding: what each member is sent as; a member W3C cannot carry is not sent. */
    for (size_t i = 0; i < baggage_encode_count; i++) {
        const baggage_encode_case *c = &baggage_encode[i];
        ctxbridge_baggage_entry entries[8];
        for (size_t m = 0; m < c->members_key_count && m < 8; m++) {
            entries[m].key = S(c->members_key[m]);
            entries[m].value = S(c->members_value[m]);
            entries[m].metadata = S(c->members_metadata[m]);
        }
        ctxbridge_string header = {0};
        CHECK_NAMED(ctxbridge_baggage_encode(entries, c->members_key_count, &header) == CTXBRIDGE_STATUS_OK, c->name);
        const char *expected = c->rule != NULL ? "" : c->encoded;
        CHECK_NAMED(header.len == strlen(expected) && (header.len == 0 || memcmp(header.ptr, expected, header.len) == 0),
                    c->name);
        ctxbridge_string_free(&header);
    }
}

static ctxbridge_parent_kind parent_kind(const char *kind) {
    if (strcmp(kind, "child") == 0) return CTXBRIDGE_PARENT_KIND_CHILD_OF;
    if (strcmp(kind, "root_with_link") == 0) return CTXBRIDGE_PARENT_KIND_ROOT_WITH_LINK;
    return CTXBRIDGE_PARENT_KIND_ROOT;
}

static void test_queue(void) {
    for (size_t i = 0; i < queue_cases_count; i++) {
        const queue_cases_case *c = &queue_cases[i];
        ctxbridge_header headers[2];
        size_t n = 0;
        if (c->headers_traceparent != NULL) {
            headers[n].name = S("traceparent");
            headers[n++].value = S(c->headers_traceparent);
        }
        headers[n].name = S("baggage");
        headers[n++].value = S(c->headers_baggage);
        uint64_t enqueued_at = (uint64_t)(queue_now_ms - c->age_ms);
        ctxbridge_resume_decision decision = {0};
        CHECK_NAMED(ctxbridge_resume_at(headers, n, enqueued_at, (uint64_t)c->max_age_ms, (uint64_t)queue_now_ms,
                                        &decision) == CTXBRIDGE_STATUS_OK,
                    c->name);
        CHECK_NAMED(decision.kind == parent_kind(c->kind), c->name);
        CHECK_NAMED(baggage_is(decision.baggage, "tenant", "acme", ""), c->name);
        if (decision.kind != CTXBRIDGE_PARENT_KIND_ROOT) {
            char trace_id[33];
            hex(decision.span_context.trace_id, 16, trace_id);
            CHECK_NAMED(strcmp(trace_id, "4bf92f3577b34da6a3ce929d0e0e4736") == 0, c->name);
        }
        ctxbridge_snapshot_free(decision.baggage);
    }
}

int main(void) {
    test_traceparent();
    test_tracestate();
    test_baggage();
    test_queue();
    return check_summary();
}
