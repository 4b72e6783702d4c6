/* The C step of the end-to-end test: a program that is handed a traceparent and a baggage
 * header (as a job runner passes them on a command line), extracts them with ctxbridge, runs
 * its work as a child span of the caller, and reports that span to an OTLP/HTTP collector as
 * JSON (C has no OpenTelemetry SDK of its own to lean on).
 *
 *   report_span HOST PORT TRACEPARENT [BAGGAGE]
 *
 * Prints the span's own traceparent on success. Built against the installed tree through
 * pkg-config. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctxbridge.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char SERVICE[] = "e2e-c";

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void hex(const uint8_t *bytes, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

/* A JSON string body: the baggage value is the only outside text we embed. */
static void json_escape(const char *in, size_t len, char *out, size_t cap) {
    size_t o = 0;
    for (size_t i = 0; i < len && o + 7 < cap; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
}

/* POSTs `body` to http://host:port/v1/traces; returns the HTTP status, or -1. */
static int post_otlp(const char *host, int port, const char *body) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    char head[256];
    int head_len = snprintf(head, sizeof head,
                            "POST /v1/traces HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                            host, port, strlen(body));
    if (write(fd, head, (size_t)head_len) != head_len ||
        write(fd, body, strlen(body)) != (ssize_t)strlen(body)) {
        close(fd);
        return -1;
    }
    char reply[64] = {0};
    ssize_t got = read(fd, reply, sizeof reply - 1);
    close(fd);
    int status = -1;
    if (got > 12 && sscanf(reply, "HTTP/1.%*d %d", &status) != 1) status = -1;
    return status;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: report_span HOST PORT TRACEPARENT [BAGGAGE]\n");
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    uint64_t start = now_ns();

    ctxbridge_header headers[2] = {
        {{"traceparent", 11}, {argv[3], strlen(argv[3])}},
        {{"baggage", 7}, {argc > 4 ? argv[4] : "", argc > 4 ? strlen(argv[4]) : 0}},
    };
    ctxbridge_snapshot *caller = NULL;
    if (ctxbridge_extract(headers, 2, &caller) != CTXBRIDGE_STATUS_OK) return 1;
    ctxbridge_span_context parent;
    if (ctxbridge_snapshot_span_context(caller, &parent) != CTXBRIDGE_STATUS_OK) {
        fprintf(stderr, "report_span: no valid traceparent in %s\n", argv[3]);
        ctxbridge_snapshot_free(caller);
        return 1;
    }

    /* This program's span: same trace, a new span id, the caller's span as parent. */
    ctxbridge_span_context own = parent;
    own.remote = false;
    FILE *random = fopen("/dev/urandom", "rb");
    if (random == NULL || fread(own.span_id, 1, sizeof own.span_id, random) != sizeof own.span_id) return 1;
    fclose(random);
    own.span_id[0] |= 1; /* never all zeros */

    char tenant[256] = "";
    ctxbridge_string value = {0};
    if (ctxbridge_snapshot_baggage_get(caller, (ctxbridge_str){"tenant", 6}, &value) == CTXBRIDGE_STATUS_OK) {
        json_escape(value.ptr, value.len, tenant, sizeof tenant);
        ctxbridge_string_free(&value);
    }

    /* The work, in the caller's context on this thread, as ctxbridge hands it over. */
    ctxbridge_snapshot *current = NULL;
    uint64_t token = 0;
    if (ctxbridge_snapshot_new(&own, (ctxbridge_str){0}, (ctxbridge_str){0}, &current) != CTXBRIDGE_STATUS_OK ||
        ctxbridge_attach(current, &token) != CTXBRIDGE_STATUS_OK)
        return 1;
    char traceparent[CTXBRIDGE_TRACEPARENT_BUF_LEN];
    ctxbridge_traceparent_format(&own, traceparent, sizeof traceparent);
    ctxbridge_detach(token);
    uint64_t end = now_ns();

    char trace_id[33], span_id[17], parent_id[17];
    hex(parent.trace_id, 16, trace_id);
    hex(own.span_id, 8, span_id);
    hex(parent.span_id, 8, parent_id);
    char body[2048];
    snprintf(body, sizeof body,
             "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
             "{\"stringValue\":\"%s\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"ctxbridge-e2e-c\",\"version\":\"%s\"},"
             "\"spans\":[{\"traceId\":\"%s\",\"spanId\":\"%s\",\"parentSpanId\":\"%s\",\"name\":\"render invoice\","
             "\"kind\":1,\"startTimeUnixNano\":\"%llu\",\"endTimeUnixNano\":\"%llu\",\"attributes\":["
             "{\"key\":\"tenant\",\"value\":{\"stringValue\":\"%s\"}}]}]}]}]}",
             SERVICE, ctxbridge_version(), trace_id, span_id, parent_id, (unsigned long long)start,
             (unsigned long long)end, tenant);
    ctxbridge_snapshot_free(current);
    ctxbridge_snapshot_free(caller);

    int status = post_otlp(host, port, body);
    if (status != 200) {
        fprintf(stderr, "report_span: the collector answered %d\n", status);
        return 1;
    }
    printf("%s\n", traceparent);
    return 0;
}
