/*
 * tests/vectors/interop.json through the C ABI (the tables come from
 * tests/c/gen_vectors.py): what ctxbridge sends for each value, how it reads what each
 * stock OpenTelemetry sends, baggage properties both ways as metadata, and that nothing
 * that is not W3C is ever sent. Prints "N passed, N failed" last.
 */
#include "check.h"

#include "interop_vectors.h"

/* Whether `string` holds exactly `expected` (an empty or absent string matches ""). */
static int equals(const ctxbridge_string *string, const char *expected) {
    size_t len = strlen(expected);
    return string->len == len && (len == 0 || memcmp(string->ptr, expected, len) == 0);
}

/* The snapshot extracted from `count` baggage headers (NULL on failure). */
static ctxbridge_snapshot *extract_baggage(const char *const *values, size_t count) {
    ctxbridge_header headers[8];
    for (size_t i = 0; i < count && i < 8; i++) {
        headers[i].name = S("baggage");
        headers[i].value = S(values[i]);
    }
    ctxbridge_snapshot *snapshot = NULL;
    if (ctxbridge_extract(headers, count, &snapshot) != CTXBRIDGE_STATUS_OK) return NULL;
    return snapshot;
}

/* Whether baggage member `key` of `snapshot` has `expected` as its value. */
static int value_is(const ctxbridge_snapshot *snapshot, const char *key, const char *expected) {
    ctxbridge_string value = {0};
    int ok = ctxbridge_snapshot_baggage_get(snapshot, S(key), &value) == CTXBRIDGE_STATUS_OK &&
             equals(&value, expected);
    ctxbridge_string_free(&value);
    return ok;
}

static int encodes_to(const char *key, const char *value, const char *metadata, const char *expected) {
    ctxbridge_baggage_entry entry = {S(key), S(value), S(metadata)};
    ctxbridge_string header = {0};
    int ok = ctxbridge_baggage_encode(&entry, 1, &header) == CTXBRIDGE_STATUS_OK &&
             equals(&header, expected);
    ctxbridge_string_free(&header);
    return ok;
}

static void test_values(void) {
    for (size_t i = 0; i < interop_values_count; i++) {
        const interop_values_case *c = &interop_values[i];
        CHECK_NAMED(encodes_to("k", c->value, "", c->encoded), c->name);
        ctxbridge_snapshot *back = extract_baggage(&c->encoded, 1);
        CHECK_NAMED(back != NULL && value_is(back, "k", c->value), c->name);
        ctxbridge_snapshot_free(back);
    }
}

static void test_stock(void) {
    for (size_t i = 0; i < interop_stock_count; i++) {
        const interop_stock_case *c = &interop_stock[i];
        ctxbridge_snapshot *read = extract_baggage(&c->header, 1);
        CHECK_NAMED(read != NULL && value_is(read, "k", c->reads), c->name);
        ctxbridge_snapshot_free(read);
    }
}

/* Collects the baggage header ctxbridge_inject writes. */
typedef struct {
    char text[256];
    size_t len;
} sent_baggage;

static void keep_baggage(void *user_data, ctxbridge_str name, ctxbridge_str value) {
    sent_baggage *sent = user_data;
    if (name.len == 7 && memcmp(name.ptr, "baggage", 7) == 0 && value.len < sizeof sent->text) {
        memcpy(sent->text, value.ptr, value.len);
        sent->len = value.len;
    }
}

static void test_properties(void) {
    for (size_t i = 0; i < interop_properties_count; i++) {
        const interop_properties_case *c = &interop_properties[i];
        ctxbridge_snapshot *read = extract_baggage(c->headers, c->headers_count);
        CHECK_NAMED(read != NULL && value_is(read, c->key, c->value), c->name);
        ctxbridge_string metadata = {0};
        CHECK_NAMED(ctxbridge_snapshot_baggage_metadata_get(read, S(c->key), &metadata) == CTXBRIDGE_STATUS_OK &&
                  equals(&metadata, c->metadata),
              c->name);
        ctxbridge_string_free(&metadata);
        sent_baggage sent = {{0}, 0};
        CHECK_NAMED(ctxbridge_inject(read, keep_baggage, &sent) == CTXBRIDGE_STATUS_OK, c->name);
        CHECK_NAMED(sent.len == strlen(c->encoded) && memcmp(sent.text, c->encoded, sent.len) == 0, c->name);
        ctxbridge_snapshot_free(read);
    }
}

static void test_bad_metadata(void) {
    for (size_t i = 0; i < interop_bad_metadata_count; i++) {
        const interop_bad_metadata_case *c = &interop_bad_metadata[i];
        CHECK_NAMED(encodes_to(c->key, c->value, c->metadata, c->encoded), c->name);
    }
}

static void test_bad_tracestate(void) {
    for (size_t i = 0; i < interop_bad_tracestate_count; i++) {
        const interop_bad_tracestate_case *c = &interop_bad_tracestate[i];
        ctxbridge_str value = S(c->serialized);
        ctxbridge_string out = {0};
        ctxbridge_rule rule = CTXBRIDGE_RULE_NONE;
        CHECK_NAMED(ctxbridge_tracestate_normalize(&value, 1, &out, &rule) == CTXBRIDGE_STATUS_PARSE_ERROR, c->name);
        CHECK_NAMED(out.ptr == NULL && rule != CTXBRIDGE_RULE_NONE, c->name);
    }
}

int main(void) {
    test_values();
    test_stock();
    test_properties();
    test_bad_metadata();
    test_bad_tracestate();
    return check_summary();
}
