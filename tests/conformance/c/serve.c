/*
 * The W3C trace-context test-harness service (DESIGN section 7) on ctxbridge's C ABI:
 * `tests/conformance/serve c PORT`, built against the installed tree through pkg-config.
 *
 * On POST /test with a JSON array of {"url", "arguments"}, POSTs each `arguments` to its
 * `url` with a traceparent (and tracestate) continuing the incoming trace under a new
 * parent-id (a new trace when the incoming traceparent is absent, invalid or repeated),
 * then answers 200. Header names are case-insensitive and repeated headers are all seen:
 * ctxbridge_extract does both.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctxbridge.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_HEADERS 128
#define MAX_REQUEST (1 << 22)

/* ---- HTTP requests in -------------------------------------------------- */

struct request {
    char *data; /* head and body, NUL-terminated */
    size_t head_len;
    char *method, *path, *body;
    size_t body_len;
    ctxbridge_header headers[MAX_HEADERS];
    size_t header_count;
};

static ctxbridge_str trimmed(const char *start, const char *end) {
    while (start < end && (*start == ' ' || *start == '\t')) start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) end--;
    return (ctxbridge_str){start, (size_t)(end - start)};
}

/* Reads one request; 0 on success. */
static int read_request(int fd, struct request *req) {
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap + 1);
    char *head_end = NULL;
    while (!head_end) {
        if (len == cap) {
            if (cap >= MAX_REQUEST) goto fail;
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0) goto fail;
        len += (size_t)n;
        buf[len] = '\0';
        head_end = strstr(buf, "\r\n\r\n");
    }
    memset(req, 0, sizeof *req);
    req->head_len = (size_t)(head_end - buf) + 4;
    size_t content_length = 0;
    char *line = buf;
    char *line_end = strstr(line, "\r\n");
    *line_end = '\0';
    req->method = line;
    char *space = strchr(line, ' ');
    if (!space) goto fail;
    *space = '\0';
    req->path = space + 1;
    space = strchr(req->path, ' ');
    if (space) *space = '\0';
    for (line = line_end + 2; line < head_end; line = line_end + 2) {
        line_end = strstr(line, "\r\n");
        char *colon = memchr(line, ':', (size_t)(line_end - line));
        if (!colon || req->header_count == MAX_HEADERS) continue;
        ctxbridge_header *h = &req->headers[req->header_count++];
        h->name = trimmed(line, colon);
        h->value = trimmed(colon + 1, line_end);
        if (h->name.len == 14 && strncasecmp(h->name.ptr, "content-length", 14) == 0)
            content_length = strtoul(h->value.ptr, NULL, 10);
    }
    if (content_length > MAX_REQUEST) goto fail;
    size_t need = req->head_len + content_length;
    if (need > cap) {
        /* headers point into buf: keep it, grow a copy only of what follows */
        char *grown = malloc(need + 1);
        memcpy(grown, buf, len);
        for (size_t i = 0; i < req->header_count; i++) {
            req->headers[i].name.ptr = grown + (req->headers[i].name.ptr - buf);
            req->headers[i].value.ptr = grown + (req->headers[i].value.ptr - buf);
        }
        req->method = grown + (req->method - buf);
        req->path = grown + (req->path - buf);
        free(buf);
        buf = grown;
        cap = need;
    }
    while (len < need) {
        ssize_t n = recv(fd, buf + len, need - len, 0);
        if (n <= 0) goto fail;
        len += (size_t)n;
    }
    buf[need] = '\0';
    req->data = buf;
    req->body = buf + req->head_len;
    req->body_len = content_length;
    return 0;
fail:
    free(buf);
    return -1;
}

static void respond(int fd, const char *status) {
    char out[128];
    int n = snprintf(out, sizeof out, "HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status);
    (void)!send(fd, out, (size_t)n, MSG_NOSIGNAL);
}

/* ---- the harness's JSON: [{"url": "...", "arguments": <any>}, ...] ----- */

static const char *skip_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    return p;
}

/* The end of the JSON value at p (a string, or anything up to its balanced close). */
static const char *value_end(const char *p, const char *end) {
    int depth = 0;
    int in_string = 0;
    for (; p < end; p++) {
        char c = *p;
        if (in_string) {
            if (c == '\\') p++;
            else if (c == '"') {
                in_string = 0;
                if (depth == 0) return p + 1;
            }
        } else if (c == '"') in_string = 1;
        else if (c == '{' || c == '[') depth++;
        else if (c == '}' || c == ']') {
            if (depth == 0) return p; /* the container around the value closes */
            if (--depth == 0) return p + 1;
        } else if (c == ',' && depth == 0) return p;
    }
    return end;
}

/* A JSON string's content without escapes (\" \\ \/ only, as URLs need), malloc'd. */
static char *unescape(const char *start, const char *end) {
    char *out = malloc((size_t)(end - start) + 1), *o = out;
    for (const char *p = start; p < end; p++) *o++ = (*p == '\\' && p + 1 < end) ? *++p : *p;
    *o = '\0';
    return out;
}

struct call {
    char *url;
    const char *arguments;
    size_t arguments_len;
};

/* Parses the call list; returns how many calls (at most `max`), or -1. */
static int parse_calls(const char *p, const char *end, struct call *calls, int max) {
    int count = 0;
    p = skip_ws(p, end);
    if (p == end || *p != '[') return -1;
    p++;
    for (;;) {
        p = skip_ws(p, end);
        if (p < end && *p == ',') p = skip_ws(p + 1, end);
        if (p >= end) return -1;
        if (*p == ']') return count;
        if (*p != '{') return -1;
        const char *object_end = value_end(p, end);
        struct call call = {0};
        const char *q = p + 1;
        while (q < object_end) {
            q = skip_ws(q, object_end);
            if (q < object_end && (*q == ',' || *q == '}')) {
                q++;
                continue;
            }
            if (q >= object_end || *q != '"') break;
            const char *key_end = value_end(q, object_end);
            const char *colon = skip_ws(key_end, object_end);
            if (colon >= object_end || *colon != ':') break;
            const char *value = skip_ws(colon + 1, object_end);
            const char *vend = value_end(value, object_end);
            if (key_end - q == 5 && strncmp(q, "\"url\"", 5) == 0 && *value == '"')
                call.url = unescape(value + 1, vend - 1);
            else if (key_end - q == 11 && strncmp(q, "\"arguments\"", 11) == 0) {
                call.arguments = value;
                call.arguments_len = (size_t)(vend - value);
            }
            q = vend;
        }
        if (count < max && call.url) calls[count++] = call;
        else free(call.url);
        p = object_end;
    }
}

/* ---- outgoing calls ---------------------------------------------------- */

struct outgoing_headers {
    char text[4096];
    size_t len;
};

static void add_header(void *user, ctxbridge_str name, ctxbridge_str value) {
    struct outgoing_headers *out = user;
    int n = snprintf(out->text + out->len, sizeof out->text - out->len, "%.*s: %.*s\r\n", (int)name.len,
                     name.ptr, (int)value.len, value.ptr);
    if (n > 0 && (size_t)n < sizeof out->text - out->len) out->len += (size_t)n;
}

/* POSTs `body` to an http:// URL with `headers`; waits for the answer. */
static void post(const char *url, const struct outgoing_headers *headers, const char *body, size_t body_len) {
    if (strncmp(url, "http://", 7) != 0) return;
    const char *host = url + 7;
    const char *path = strchr(host, '/');
    if (!path) path = host + strlen(host);
    char authority[256];
    snprintf(authority, sizeof authority, "%.*s", (int)(path - host), host);
    char name[256];
    snprintf(name, sizeof name, "%s", authority);
    char *colon = strrchr(name, ':');
    const char *port = "80";
    if (colon) {
        *colon = '\0';
        port = colon + 1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *found = NULL;
    if (getaddrinfo(name, port, &hints, &found) != 0) return;
    int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    struct timeval timeout = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) == 0) {
        char head[8192];
        int n = snprintf(head, sizeof head,
                         "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                         "Content-Length: %zu\r\nConnection: close\r\n%.*s\r\n",
                         *path ? path : "/", authority, body_len, (int)headers->len, headers->text);
        if (n > 0 && (size_t)n < sizeof head) {
            (void)!send(fd, head, (size_t)n, MSG_NOSIGNAL);
            (void)!send(fd, body, body_len, MSG_NOSIGNAL);
            char sink[4096];
            while (recv(fd, sink, sizeof sink, 0) > 0) {
            }
        }
    }
    if (fd >= 0) close(fd);
    freeaddrinfo(found);
}

static void random_bytes(uint8_t *out, size_t n) {
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(out, 1, n, f) != n) {
        for (size_t i = 0; i < n; i++) out[i] = (uint8_t)rand();
    }
    if (f) fclose(f);
    out[n - 1] |= 1; /* never all zeros */
}

/* Captures the incoming tracestate header that ctxbridge_inject writes. */
static void keep_tracestate(void *user, ctxbridge_str name, ctxbridge_str value) {
    if (name.len == 10 && memcmp(name.ptr, "tracestate", 10) == 0) {
        ctxbridge_string *out = user;
        out->ptr = strndup(value.ptr, value.len);
        out->len = value.len;
    }
}

static void handle_test(const struct request *req) {
    ctxbridge_snapshot *incoming = NULL;
    if (ctxbridge_extract(req->headers, req->header_count, &incoming) != CTXBRIDGE_STATUS_OK) return;
    ctxbridge_span_context parent;
    int continues = ctxbridge_snapshot_span_context(incoming, &parent) == CTXBRIDGE_STATUS_OK;
    ctxbridge_string tracestate = {0};
    if (continues) ctxbridge_inject(incoming, keep_tracestate, &tracestate);

    struct call calls[64];
    int count = parse_calls(req->body, req->body + req->body_len, calls, 64);
    for (int i = 0; i < count; i++) {
        /* A new span per call: its id is the parent-id the callee sees. */
        ctxbridge_span_context span = parent;
        if (!continues) {
            random_bytes(span.trace_id, sizeof span.trace_id);
            span.flags = CTXBRIDGE_FLAG_SAMPLED;
        }
        random_bytes(span.span_id, sizeof span.span_id);
        ctxbridge_snapshot *child = NULL;
        ctxbridge_str state = {tracestate.ptr, tracestate.len};
        struct outgoing_headers out = {.len = 0};
        if (ctxbridge_snapshot_new(&span, state, (ctxbridge_str){0}, &child) == CTXBRIDGE_STATUS_OK &&
            ctxbridge_inject(child, add_header, &out) == CTXBRIDGE_STATUS_OK)
            post(calls[i].url, &out, calls[i].arguments, calls[i].arguments_len);
        ctxbridge_snapshot_free(child);
        free(calls[i].url);
    }
    free(tracestate.ptr);
    ctxbridge_snapshot_free(incoming);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    int server = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(server, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(server, 16) != 0) {
        perror("serve c");
        return 1;
    }
    for (;;) {
        int fd = accept(server, NULL, NULL);
        if (fd < 0) continue;
        struct request req;
        if (read_request(fd, &req) == 0) {
            if (strcmp(req.method, "POST") == 0 && strcmp(req.path, "/test") == 0) {
                handle_test(&req);
                respond(fd, "200 OK");
            } else {
                respond(fd, "404 Not Found");
            }
            free(req.data);
        }
        close(fd);
    }
}
