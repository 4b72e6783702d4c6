/*
 * tests/vectors/scopes.json through the C ABI: every scope script (attach, detach, a detach
 * on another thread, run_in with its own steps) on ctxbridge_attach/ctxbridge_detach/
 * ctxbridge_run_in, checking what is current after each step, the status a misuse returns
 * in strict mode, how many attaches a task leaked, and the counters at the end. The tables
 * come from tests/c/gen_scope_scripts.py. Prints "N passed, N failed" last.
 */
#include "check.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

enum scope_op { OP_ATTACH, OP_DETACH, OP_DETACH_ELSEWHERE, OP_CURRENT, OP_RUN_IN };

typedef struct scope_step {
    enum scope_op op;
    int token;           /* index into the script's tokens, -1 for none */
    const char *value;   /* what attach or run_in makes current */
    const char *current; /* what is current after the step (NULL: nothing) */
    const char *misuse;  /* the misuse the step is (NULL: none) */
    int raises;          /* strict mode: the step returns the misuse's status */
    int leaked;          /* run_in: how much the leaked counter grows over it, less what its
                            nested run_ins count (-1: not a run_in) */
    int child_first;     /* run_in: its steps in SCOPE_STEPS */
    int child_count;
} scope_step;

typedef struct scope_script {
    const char *name;
    const char *mode;
    int first;
    int count;
    int tokens;
    uint64_t counters[6]; /* attached, detached, out_of_order, double_detach, wrong_scope, leaked */
} scope_script;

#include "scope_scripts.h"

#define MAX_TOKENS 32

static uint64_t tokens[MAX_TOKENS];
static const scope_script *script;

static void quiet(void *user, ctxbridge_str message) {
    (void)user;
    (void)message;
}

/* A snapshot whose baggage `label` names it. */
static ctxbridge_snapshot *labelled(const char *label) {
    char baggage[64];
    snprintf(baggage, sizeof baggage, "label=%s", label);
    ctxbridge_snapshot *snap = NULL;
    CHECK_NAMED(ctxbridge_snapshot_new(NULL, S(""), S(baggage), &snap) == CTXBRIDGE_STATUS_OK, script->name);
    return snap;
}

/* Whether what is current on this thread is labelled `expected` (NULL: nothing). */
static int current_is(const char *expected) {
    ctxbridge_snapshot *now = NULL;
    if (ctxbridge_current(&now) != CTXBRIDGE_STATUS_OK) return 0;
    ctxbridge_string label = {0};
    ctxbridge_status found = ctxbridge_snapshot_baggage_get(now, S("label"), &label);
    int same = expected == NULL ? found == CTXBRIDGE_STATUS_NOT_FOUND
                                : found == CTXBRIDGE_STATUS_OK && strcmp(label.ptr, expected) == 0;
    ctxbridge_string_free(&label);
    ctxbridge_snapshot_free(now);
    return same;
}

static ctxbridge_status status_of(const char *misuse) {
    if (strcmp(misuse, "out_of_order") == 0) return CTXBRIDGE_STATUS_OUT_OF_ORDER;
    if (strcmp(misuse, "double_detach") == 0) return CTXBRIDGE_STATUS_DOUBLE_DETACH;
    if (strcmp(misuse, "wrong_scope") == 0) return CTXBRIDGE_STATUS_WRONG_SCOPE;
    return CTXBRIDGE_STATUS_OK;
}

/* The status a detach step must return: the misuse's in strict mode, else OK. */
static ctxbridge_status expected_status(const scope_step *step) {
    return step->raises && step->misuse != NULL ? status_of(step->misuse) : CTXBRIDGE_STATUS_OK;
}

typedef struct elsewhere {
    uint64_t token;
    ctxbridge_status status;
} elsewhere;

static void *detach_there(void *arg) {
    elsewhere *job = arg;
    job->status = ctxbridge_detach(job->token);
    return NULL;
}

static void run_steps(int first, int count);

/* What the run_ins among steps first..first+count (and theirs) count as leaked. */
static uint64_t nested_leaks(int first, int count) {
    uint64_t total = 0;
    for (int i = first; i < first + count; i++) {
        if (SCOPE_STEPS[i].op == OP_RUN_IN) {
            total += (uint64_t)SCOPE_STEPS[i].leaked +
                     nested_leaks(SCOPE_STEPS[i].child_first, SCOPE_STEPS[i].child_count);
        }
    }
    return total;
}

static uint64_t leaked_count(void) {
    ctxbridge_stats stats;
    return ctxbridge_stats_get(&stats) == CTXBRIDGE_STATUS_OK ? stats.leaked : 0;
}

typedef struct task_steps {
    int first;
    int count;
} task_steps;

static void task(void *user) {
    task_steps *steps = user;
    run_steps(steps->first, steps->count);
}

static void run_steps(int first, int count) {
    for (int i = first; i < first + count; i++) {
        const scope_step *step = &SCOPE_STEPS[i];
        CHECK_NAMED(step->token < MAX_TOKENS, script->name);
        switch (step->op) {
        case OP_ATTACH: {
            ctxbridge_snapshot *snap = labelled(step->value);
            CHECK_NAMED(ctxbridge_attach(snap, &tokens[step->token]) == CTXBRIDGE_STATUS_OK, script->name);
            ctxbridge_snapshot_free(snap);
            break;
        }
        case OP_DETACH:
            CHECK_NAMED(ctxbridge_detach(tokens[step->token]) == expected_status(step), script->name);
            break;
        case OP_DETACH_ELSEWHERE: {
            elsewhere job = {tokens[step->token], CTXBRIDGE_STATUS_OK};
            pthread_t thread;
            CHECK_NAMED(pthread_create(&thread, NULL, detach_there, &job) == 0, script->name);
            pthread_join(thread, NULL);
            CHECK_NAMED(job.status == expected_status(step), script->name);
            break;
        }
        case OP_CURRENT:
            break;
        case OP_RUN_IN: {
            ctxbridge_snapshot *snap = labelled(step->value);
            task_steps steps = {step->child_first, step->child_count};
            uint64_t before = leaked_count(), left_open = 99;
            CHECK_NAMED(ctxbridge_run_in(snap, task, &steps, &left_open) == CTXBRIDGE_STATUS_OK, script->name);
            uint64_t counted = leaked_count() - before - nested_leaks(step->child_first, step->child_count);
            CHECK_NAMED(counted == (uint64_t)step->leaked, script->name);
            /* What the task itself left open is counted too, never more than the step says. */
            CHECK_NAMED(left_open <= counted, script->name);
            ctxbridge_snapshot_free(snap);
            break;
        }
        }
        CHECK_NAMED(current_is(step->current), script->name);
    }
}

static uint32_t mode_of(const char *mode) {
    if (strcmp(mode, "off") == 0) return CTXBRIDGE_MODE_OFF;
    if (strcmp(mode, "strict") == 0) return CTXBRIDGE_MODE_STRICT;
    return CTXBRIDGE_MODE_WARN;
}

/* Each script on a thread of its own, so none inherits another's stack. */
static void *run_script(void *arg) {
    script = arg;
    memset(tokens, 0, sizeof tokens);
    CHECK_NAMED(script->tokens <= MAX_TOKENS, script->name);
    ctxbridge_stats_reset();
    CHECK_NAMED(ctxbridge_set_mode(mode_of(script->mode)) == CTXBRIDGE_STATUS_OK, script->name);
    run_steps(script->first, script->count);
    ctxbridge_stats stats;
    CHECK_NAMED(ctxbridge_stats_get(&stats) == CTXBRIDGE_STATUS_OK, script->name);
    uint64_t got[6] = {stats.attached, stats.detached, stats.out_of_order,
                       stats.double_detach, stats.wrong_scope, stats.leaked};
    for (int c = 0; c < 6; c++) {
        if (got[c] != script->counters[c]) {
            fprintf(stderr, "%s: counter %d is %llu, expected %llu\n", script->name, c,
                    (unsigned long long)got[c], (unsigned long long)script->counters[c]);
        }
        CHECK_NAMED(got[c] == script->counters[c], script->name);
    }
    ctxbridge_set_mode(CTXBRIDGE_MODE_WARN);
    return NULL;
}

int main(void) {
    ctxbridge_set_log_callback(quiet, NULL);
    for (int s = 0; s < SCOPE_SCRIPT_COUNT; s++) {
        pthread_t thread;
        CHECK(pthread_create(&thread, NULL, run_script, (void *)&SCOPE_SCRIPTS[s]) == 0);
        pthread_join(thread, NULL);
    }
    CHECK(SCOPE_SCRIPT_COUNT == 25);
    ctxbridge_set_log_callback(NULL, NULL);
    return check_summary();
}
