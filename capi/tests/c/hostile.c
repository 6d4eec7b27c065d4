/*
 * hostile.c: the C API against a hostile caller and hostile files, run by
 * capi/tests/c_api.rs under AddressSanitizer, UndefinedBehaviorSanitizer
 * and LeakSanitizer.
 *
 *   hostile CONFORMANCE_DIR SCRATCH_DIR CORPUS_FILE...
 *
 * NULL pointers, zero and impossible lengths, misaligned pointers, bad
 * UTF-8, non-regular paths, truncated and bit-flipped buffers, tiny
 * limits, bad parameters, small caller buffers, handles outliving the
 * file, the malformed corpus, trust lists (weak, short and malformed keys,
 * bad trust-file text, lists freed before the file uses them). Every check prints nothing when it passes;
 * the last line is "N passed, M failed" and the exit status 1 on a failure.
 */
#include "rvf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (cond) {                                                        \
            passed++;                                                      \
        } else {                                                           \
            failed++;                                                      \
            fprintf(stderr, "FAIL line %d: %s\n", __LINE__, #cond);        \
        }                                                                  \
    } while (0)

#define EXPECT(expr, want)                                                 \
    do {                                                                   \
        RvfCode got_ = (expr);                                             \
        if (got_ == (want)) {                                              \
            passed++;                                                      \
        } else {                                                           \
            failed++;                                                      \
            fprintf(stderr, "FAIL line %d: %s gave %d (%s), want %d (%s)\n", \
                    __LINE__, #expr, got_, rvf_code_name(got_), (want),    \
                    rvf_code_name(want));                                  \
        }                                                                  \
    } while (0)

static const char *dir;
static char scratch[4096];

static unsigned char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "hostile: cannot read %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) exit(2);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static unsigned char *conformance(const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return read_all(path, len);
}

static RvfFile *open_ok(const unsigned char *bytes, size_t len, const RvfConfig *config) {
    RvfFile *f = NULL;
    EXPECT(rvf_file_open_bytes(bytes, len, config, &f, NULL), RVF_EXIT_OK);
    CHECK(f != NULL);
    return f;
}

static int known(RvfCode c) { return strcmp(rvf_code_name(c), "unknown") != 0; }

/* Run `method` with its defaults: the code, and the run freed. Checks that
 * a run handle comes exactly with the codes of a finished run. */
static RvfCode run_default(RvfFile *f, uint32_t method) {
    RvfRequest req;
    RvfRun *run = (RvfRun *)&req; /* must be overwritten with NULL or a run */
    RvfError *err = NULL;
    if (rvf_request_init(&req, method, NULL) != RVF_EXIT_OK) return -100;
    RvfCode c = rvf_file_run(f, &req, &run, &err);
    int finished = c == RVF_EXIT_OK || c == RVF_EXIT_SOLVER_REFUSED || c == RVF_EXIT_NOT_CONVERGED;
    CHECK(known(c));
    CHECK(finished == (run != NULL));
    CHECK((c == RVF_EXIT_OK) == (err == NULL));
    if (err) CHECK(rvf_error_code(err) == c && strlen(rvf_error_message(err)) > 0);
    rvf_error_free(err);
    rvf_run_free(run);
    return c;
}

static void null_and_bad_arguments(const unsigned char *good, size_t good_len) {
    RvfFile *f = (RvfFile *)&passed;
    RvfError *err = NULL;
    EXPECT(rvf_file_open_bytes(NULL, 10, NULL, &f, &err), RVF_ERR_NULL_POINTER);
    CHECK(f == NULL);
    CHECK(err && rvf_error_code(err) == RVF_ERR_NULL_POINTER);
    CHECK(err && !strcmp(rvf_error_class(err), "null_pointer"));
    CHECK(err && strstr(rvf_error_message(err), "bytes") != NULL);
    rvf_error_free(err);
    EXPECT(rvf_file_open_bytes(NULL, 0, NULL, &f, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_file_open_bytes(good, good_len, NULL, NULL, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_file_open_bytes(good, SIZE_MAX, NULL, &f, NULL), RVF_ERR_BAD_LENGTH);
    EXPECT(rvf_file_open_bytes(good, (size_t)PTRDIFF_MAX + 1, NULL, &f, NULL), RVF_ERR_BAD_LENGTH);
    CHECK(f == NULL);

    /* Paths: NULL, not UTF-8, missing, a directory. */
    EXPECT(rvf_file_open_path(NULL, NULL, &f, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_file_open_path("\xff\xfe.rvf", NULL, &f, NULL), RVF_ERR_BAD_UTF8);
    char missing[4200];
    snprintf(missing, sizeof missing, "%s/no-such-file.rvf", scratch);
    EXPECT(rvf_file_open_path(missing, NULL, &f, &err), RVF_EXIT_IO);
    CHECK(err && !strcmp(rvf_error_class(err), "io"));
    rvf_error_free(err);
    EXPECT(rvf_file_open_path(scratch, NULL, &f, &err), RVF_EXIT_IO);
    CHECK(err && !strcmp(rvf_error_class(err), "not_a_file"));
    rvf_error_free(err);
    CHECK(f == NULL);

    /* Config: NULL out, a mask that is no mask, a mask that is not UTF-8. */
    RvfConfig cfg;
    EXPECT(rvf_config_default(NULL, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_config_default(&cfg, NULL), RVF_EXIT_OK);
    cfg.host_features = "warp-drive";
    EXPECT(rvf_file_open_bytes(good, good_len, &cfg, &f, &err), RVF_EXIT_USAGE);
    CHECK(err && strstr(rvf_error_message(err), "warp-drive") != NULL);
    rvf_error_free(err);
    cfg.host_features = "\xc3\x28";
    EXPECT(rvf_file_open_bytes(good, good_len, &cfg, &f, NULL), RVF_ERR_BAD_UTF8);
    CHECK(f == NULL);

    /* Every function with a NULL handle. */
    RvfSegment seg;
    RvfSelection *sel = (RvfSelection *)&passed;
    RvfCandidate cand;
    RvfRequest req;
    RvfRun *run = (RvfRun *)&passed;
    RvfReport rep;
    size_t len = 99, written = 99;
    uint8_t digest[32];
    uint32_t idx[4];
    double val[4];
    EXPECT(rvf_request_init(&req, RVF_METHOD_PPR_FORWARD, NULL), RVF_EXIT_OK);
    EXPECT(rvf_request_init(NULL, RVF_METHOD_CG, NULL), RVF_ERR_NULL_POINTER);
    CHECK(rvf_file_len(NULL) == 0 && rvf_file_segment_count(NULL) == 0);
    EXPECT(rvf_file_segment(NULL, 0, &seg, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_file_configure(NULL, NULL, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_file_explain(NULL, &sel, NULL), RVF_ERR_NULL_POINTER);
    CHECK(sel == NULL);
    EXPECT(rvf_file_prepare(NULL, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_file_run(NULL, &req, &run, NULL), RVF_ERR_NULL_POINTER);
    CHECK(run == NULL);
    CHECK(rvf_selection_count(NULL) == 0 && rvf_selection_chosen(NULL) == -1);
    CHECK(rvf_selection_host_features(NULL) == 0);
    EXPECT(rvf_selection_candidate(NULL, 0, &cand, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_run_report(NULL, &rep, NULL), RVF_ERR_NULL_POINTER);
    CHECK(rvf_run_status_words(NULL) == NULL && rvf_run_digest_hex(NULL) == NULL);
    CHECK(rvf_run_output(NULL, &len) == NULL && len == 0);
    CHECK(rvf_run_output(NULL, NULL) == NULL);
    CHECK(rvf_run_result_count(NULL) == 0);
    EXPECT(rvf_run_digest(NULL, digest, 32, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_run_results(NULL, idx, val, 4, &written, NULL), RVF_ERR_NULL_POINTER);
    CHECK(written == 0);
    CHECK(rvf_error_code(NULL) == RVF_ERR_NULL_POINTER);
    CHECK(rvf_error_message(NULL) == NULL && rvf_error_class(NULL) == NULL);
    rvf_file_free(NULL);
    rvf_selection_free(NULL);
    rvf_run_free(NULL);
    rvf_error_free(NULL);

    /* Every code has a static name and meaning; other values are unknown. */
    for (RvfCode c = RVF_ERR_PANIC; c <= RVF_EXIT_UNTRUSTED; c++) {
        CHECK(known(c));
        CHECK(strlen(rvf_code_message(c)) > 0);
    }
    CHECK(!strcmp(rvf_code_name(RVF_EXIT_NO_SOLVER), "no_solver") && RVF_EXIT_NO_SOLVER == 6);
    CHECK(!known(-1000) && !known(1000));
    CHECK(rvf_abi_version() == RVF_ABI_VERSION && strlen(rvf_version()) > 0);

    /* rvf_name: length alone, cut at the buffer, never past it. */
    char small[4] = {'x', 'x', 'x', 'x'};
    CHECK(rvf_name(RVF_NAME_KIND_METHOD, RVF_METHOD_PPR_FORWARD, NULL, 0) == 11);
    CHECK(rvf_name(RVF_NAME_KIND_METHOD, RVF_METHOD_PPR_FORWARD, small, 1) == 11 && small[0] == 0 && small[1] == 'x');
    CHECK(rvf_name(RVF_NAME_KIND_METHOD, RVF_METHOD_PPR_FORWARD, small, 4) == 11 && !strcmp(small, "ppr"));
    CHECK(rvf_name(12345, 0, small, 4) == 7 && !strcmp(small, "unk"));
}

static void with_a_good_file(const unsigned char *bytes, size_t len) {
    RvfFile *f = open_ok(bytes, len, NULL);
    if (!f) return;
    RvfSegment seg;
    RvfCandidate cand;
    RvfError *err = NULL;
    CHECK(rvf_file_len(f) == len && rvf_file_segment_count(f) == 3);
    EXPECT(rvf_file_segment(f, 3, &seg, &err), RVF_ERR_BAD_INDEX);
    CHECK(err && strstr(rvf_error_message(err), "3 entries") != NULL);
    rvf_error_free(err);
    EXPECT(rvf_file_segment(f, SIZE_MAX, &seg, NULL), RVF_ERR_BAD_INDEX);
    EXPECT(rvf_file_segment(f, 0, NULL, NULL), RVF_ERR_NULL_POINTER);
    _Alignas(8) unsigned char raw[sizeof(RvfSegment) + 8];
    EXPECT(rvf_file_segment(f, 0, (RvfSegment *)(void *)(raw + 1), NULL), RVF_ERR_MISALIGNED);
    EXPECT(rvf_file_segment(f, 1, &seg, NULL), RVF_EXIT_OK);
    CHECK(seg.seg_type == RVF_SEG_WASM && seg.index == 1);

    /* Selection outlives the file; its strings live until it is freed. */
    RvfSelection *sel = NULL;
    EXPECT(rvf_file_explain(f, &sel, NULL), RVF_EXIT_OK);
    EXPECT(rvf_file_explain(f, NULL, NULL), RVF_ERR_NULL_POINTER);
    CHECK(rvf_selection_count(sel) == 2);
    EXPECT(rvf_selection_candidate(sel, 2, &cand, NULL), RVF_ERR_BAD_INDEX);
    EXPECT(rvf_selection_candidate(sel, 0, NULL, NULL), RVF_ERR_NULL_POINTER);

    /* Requests: out of range, both query forms, a query pointer without values. */
    RvfRequest req;
    RvfRun *run = NULL;
    EXPECT(rvf_request_init(&req, 99, &err), RVF_EXIT_USAGE);
    CHECK(err && strstr(rvf_error_message(err), "ppr-forward = 3") != NULL);
    rvf_error_free(err);
    EXPECT(rvf_request_init(&req, RVF_METHOD_PPR_FORWARD, NULL), RVF_EXIT_OK);
    EXPECT(rvf_file_run(f, &req, NULL, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_file_run(f, NULL, &run, NULL), RVF_ERR_NULL_POINTER);
    req.method = 0;
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_EXIT_USAGE);
    req.method = RVF_METHOD_KNN;
    req.metric = 77;
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_EXIT_USAGE);
    float q[2] = {1, 2};
    req.metric = -1;
    req.query = q;
    req.query_len = 2;
    req.query_index = 0;
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_EXIT_USAGE);
    req.query = NULL;
    req.query_index = -1;
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_ERR_NULL_POINTER);
    req.query_len = SIZE_MAX;
    req.query = q;
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_ERR_BAD_LENGTH);
    CHECK(run == NULL);

    /* A solver refusal: the run is there, with the words. */
    EXPECT(rvf_request_init(&req, RVF_METHOD_PPR_FORWARD, NULL), RVF_EXIT_OK);
    req.source = 50;
    EXPECT(rvf_file_run(f, &req, &run, &err), RVF_EXIT_SOLVER_REFUSED);
    CHECK(run != NULL && err != NULL);
    RvfReport rep;
    if (run) {
        EXPECT(rvf_run_report(run, &rep, NULL), RVF_EXIT_OK);
        CHECK(rep.status == RVF_STATUS_BAD_PARAMS && rep.detail == RVF_DETAIL_SOURCE);
        CHECK(rep.code == RVF_EXIT_SOLVER_REFUSED);
        CHECK(strstr(rvf_run_status_words(run), "source 50") != NULL);
        CHECK(err && !strcmp(rvf_error_message(err), rvf_run_status_words(run)));
    }
    rvf_error_free(err);
    rvf_run_free(run);

    /* A good run; small caller buffers; the run outlives the file. */
    req.source = 0;
    req.epsilon = 1e-6;
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_EXIT_OK);
    rvf_file_free(f);
    if (run) {
        uint32_t idx[40];
        double val[40];
        uint8_t d[32];
        size_t written = 99, n = rvf_run_result_count(run), olen = 0;
        CHECK(n == 34);
        EXPECT(rvf_run_results(run, idx, val, 0, &written, NULL), RVF_ERR_BUFFER_TOO_SMALL);
        CHECK(written == 0);
        EXPECT(rvf_run_results(run, NULL, NULL, 3, &written, NULL), RVF_ERR_NULL_POINTER);
        EXPECT(rvf_run_results(run, idx, NULL, 3, &written, NULL), RVF_ERR_BUFFER_TOO_SMALL);
        CHECK(written == 3);
        uint32_t first = idx[0];
        EXPECT(rvf_run_results(run, NULL, val, 40, &written, NULL), RVF_EXIT_OK);
        CHECK(written == 34 && first == 0 && val[0] > 0.2);
        EXPECT(rvf_run_results(run, idx, val, 40, NULL, NULL), RVF_EXIT_OK);
        EXPECT(rvf_run_digest(run, d, 31, NULL), RVF_ERR_BUFFER_TOO_SMALL);
        EXPECT(rvf_run_digest(run, NULL, 32, NULL), RVF_ERR_NULL_POINTER);
        EXPECT(rvf_run_digest(run, d, 32, NULL), RVF_EXIT_OK);
        CHECK(!strcmp(rvf_run_digest_hex(run), "c62d54beeeedb89a61f78f30353958b0afe278c7aa570d3b3e936fecb96f6f91"));
        CHECK(d[0] == 0xc6 && d[31] == 0x91);
        const uint8_t *out = rvf_run_output(run, &olen);
        CHECK(out != NULL && olen == 34 * 16);
        EXPECT(rvf_run_report(run, NULL, NULL), RVF_ERR_NULL_POINTER);
        rvf_run_free(run);
    }
    RvfCandidate c0, c1;
    EXPECT(rvf_selection_candidate(sel, 0, &c0, NULL), RVF_EXIT_OK);
    EXPECT(rvf_selection_candidate(sel, 1, &c1, NULL), RVF_EXIT_OK);
    CHECK(c0.verdict == RVF_VERDICT_ELIGIBLE && !strcmp(c0.verdict_class, "eligible"));
    CHECK(c1.verdict == RVF_VERDICT_SELECTED && c1.required_features & RVF_FEATURE_SIMD);
    CHECK(rvf_selection_chosen(sel) == 2);
    rvf_selection_free(sel);
}

static void limits_and_configuration(const unsigned char *bytes, size_t len) {
    RvfConfig cfg;
    RvfError *err = NULL;
    rvf_config_default(&cfg, NULL);
    cfg.fuel = 1000;
    RvfFile *f = open_ok(bytes, len, &cfg);
    EXPECT(run_default(f, RVF_METHOD_PPR_FORWARD), RVF_EXIT_OUT_OF_FUEL);
    /* Reconfigure the same handle: no SIMD, then the defaults. */
    rvf_config_default(&cfg, NULL);
    cfg.host_features = "-simd";
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    RvfSelection *sel = NULL;
    EXPECT(rvf_file_explain(f, &sel, NULL), RVF_EXIT_OK);
    CHECK(rvf_selection_chosen(sel) == 1);
    CHECK((rvf_selection_host_features(sel) & RVF_FEATURE_SIMD) == 0);
    rvf_selection_free(sel);
    EXPECT(run_default(f, RVF_METHOD_PPR_FORWARD), RVF_EXIT_OK);
    cfg.host_features = "bogus";
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_USAGE);
    EXPECT(run_default(f, RVF_METHOD_PPR_FORWARD), RVF_EXIT_OK); /* unchanged */
    /* Forced segments: a data segment, one past the end, a negative. */
    rvf_config_default(&cfg, NULL);
    cfg.force_segment = 0;
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    EXPECT(rvf_file_prepare(f, &err), RVF_EXIT_REFUSED);
    CHECK(err && strstr(rvf_error_message(err), "forced segment 0") != NULL);
    rvf_error_free(err);
    cfg.force_segment = 1000;
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    EXPECT(run_default(f, RVF_METHOD_PPR_FORWARD), RVF_EXIT_REFUSED);
    cfg.force_segment = 1;
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    EXPECT(rvf_file_prepare(f, NULL), RVF_EXIT_OK);
    /* Memory: below the module's initial memory. Recursion: one call deep. */
    rvf_config_default(&cfg, NULL);
    cfg.max_memory_bytes = 65536;
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    EXPECT(run_default(f, RVF_METHOD_PPR_FORWARD), RVF_EXIT_MEMORY_LIMIT);
    rvf_config_default(&cfg, NULL);
    cfg.max_recursion = 1;
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    EXPECT(run_default(f, RVF_METHOD_PPR_FORWARD), RVF_EXIT_STACK_OVERFLOW);
    cfg.max_recursion = 0; /* refused at admission: no candidate qualifies */
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    EXPECT(rvf_file_prepare(f, NULL), RVF_EXIT_NO_SOLVER);
    rvf_file_free(f);
}

/* alice and mallory of the conformance set (cases.json "keys"). */
static const char ALICE[] = "e35fe26605222a2245ebe09060014428dabbc383f2984dcd081bc90305e08109";
static const char MALLORY[] = "dd4d0d42eb94658bb1b5771d8371b7d2b1d768d168d35e95f490414e43be2e77";

static void from_hex(const char *hex, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* A failing trust call, which passes `key_err` as its error out-parameter:
 * the code, the error's class and message, and the list unchanged. */
#define EXPECT_KEY_ERROR(expr, want_code, want_class, t, count)                     \
    do {                                                                            \
        RvfError *e_ = NULL;                                                        \
        RvfError **key_err = &e_;                                                   \
        EXPECT(expr, want_code);                                                    \
        CHECK(e_ && !strcmp(rvf_error_class(e_), want_class));                      \
        CHECK(e_ && strlen(rvf_error_message(e_)) > 0);                             \
        CHECK(rvf_trust_count(t) == (count));                                       \
        rvf_error_free(e_);                                                         \
    } while (0)

static void trust_lists(void) {
    RvfTrust *t = (RvfTrust *)&passed;
    RvfError *err = NULL;
    uint8_t alice[RVF_PUBLIC_KEY_LEN], mallory[RVF_PUBLIC_KEY_LEN], weak[RVF_PUBLIC_KEY_LEN];
    from_hex(ALICE, alice, sizeof alice);
    from_hex(MALLORY, mallory, sizeof mallory);
    memset(weak, 0, sizeof weak);
    weak[0] = 1; /* 01 00..00: the identity point, small order */

    /* NULL everywhere. */
    EXPECT(rvf_trust_new(NULL, NULL), RVF_ERR_NULL_POINTER);
    CHECK(rvf_trust_count(NULL) == 0);
    rvf_trust_free(NULL);
    EXPECT(rvf_trust_add_key(NULL, "a", alice, 32, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_trust_add_key_text(NULL, "a", ALICE, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_trust_add_file_text(NULL, "a 00", NULL), RVF_ERR_NULL_POINTER);
    RvfTrustedKey info;
    EXPECT(rvf_trust_key(NULL, 0, &info, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_trust_new(&t, &err), RVF_EXIT_OK);
    CHECK(t != NULL && err == NULL && rvf_trust_count(t) == 0);
    if (!t) return;
    EXPECT(rvf_trust_add_key(t, NULL, alice, 32, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_trust_add_key(t, "a", NULL, 32, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_trust_add_key(t, "a", NULL, 0, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_trust_add_key_text(t, NULL, ALICE, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_trust_add_key_text(t, "a", NULL, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_trust_add_file_text(t, NULL, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_trust_key(t, 0, NULL, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_trust_key(t, 0, &info, NULL), RVF_ERR_BAD_INDEX);

    /* Lengths: impossible, short, long, empty; names and text not UTF-8. */
    EXPECT(rvf_trust_add_key(t, "a", alice, SIZE_MAX, NULL), RVF_ERR_BAD_LENGTH);
    EXPECT(rvf_trust_add_key(t, "a", alice, (size_t)PTRDIFF_MAX + 1, NULL), RVF_ERR_BAD_LENGTH);
    EXPECT_KEY_ERROR(rvf_trust_add_key(t, "a", alice, 31, key_err), RVF_EXIT_BAD_INPUT, "key_format", t, 0);
    EXPECT_KEY_ERROR(rvf_trust_add_key(t, "a", alice, 0, key_err), RVF_EXIT_BAD_INPUT, "key_format", t, 0);
    uint8_t long_key[33];
    memcpy(long_key, alice, 32);
    long_key[32] = 0;
    EXPECT_KEY_ERROR(rvf_trust_add_key(t, "a", long_key, 33, key_err), RVF_EXIT_BAD_INPUT, "key_format", t, 0);
    EXPECT(rvf_trust_add_key(t, "\xff\xfe", alice, 32, NULL), RVF_ERR_BAD_UTF8);
    EXPECT(rvf_trust_add_key_text(t, "a", "\xc3\x28", NULL), RVF_ERR_BAD_UTF8);
    EXPECT(rvf_trust_add_file_text(t, "\xc3\x28 00", NULL), RVF_ERR_BAD_UTF8);
    CHECK(rvf_trust_count(t) == 0);

    /* Weak keys: 01 00..00 and all zero, as bytes, as text, in a trust file. */
    EXPECT_KEY_ERROR(rvf_trust_add_key(t, "weak", weak, 32, key_err), RVF_EXIT_BAD_INPUT, "not_a_key", t, 0);
    uint8_t zero[32] = {0};
    EXPECT_KEY_ERROR(rvf_trust_add_key(t, "zero", zero, 32, key_err), RVF_EXIT_BAD_INPUT, "not_a_key", t, 0);
    char weak_hex[65] = "01";
    for (int i = 1; i < 32; i++) strcat(weak_hex, "00");
    EXPECT_KEY_ERROR(rvf_trust_add_key_text(t, "weak", weak_hex, key_err), RVF_EXIT_BAD_INPUT, "not_a_key", t, 0);
    char line[200];
    snprintf(line, sizeof line, "ok %s\nweak %s\n", ALICE, weak_hex);
    EXPECT_KEY_ERROR(rvf_trust_add_file_text(t, line, key_err), RVF_EXIT_BAD_INPUT, "trust_file_line", t, 0);
    /* The message names the line. */
    EXPECT(rvf_trust_add_file_text(t, line, &err), RVF_EXIT_BAD_INPUT);
    CHECK(err && !strncmp(rvf_error_message(err), "line 2:", 7));
    rvf_error_free(err);

    /* Malformed key text and trust-file text. */
    EXPECT_KEY_ERROR(rvf_trust_add_key_text(t, "a", "", key_err), RVF_EXIT_BAD_INPUT, "key_format", t, 0);
    EXPECT_KEY_ERROR(rvf_trust_add_key_text(t, "a", "abcd", key_err), RVF_EXIT_BAD_INPUT, "key_format", t, 0);
    EXPECT_KEY_ERROR(rvf_trust_add_key_text(t, "a", "# only a comment\n", key_err), RVF_EXIT_BAD_INPUT, "key_format", t, 0);
    char zz[65];
    memset(zz, 'z', 64);
    zz[64] = 0;
    EXPECT_KEY_ERROR(rvf_trust_add_key_text(t, "a", zz, key_err), RVF_EXIT_BAD_INPUT, "key_format", t, 0);
    char odd[66];
    snprintf(odd, sizeof odd, "%s0", ALICE);
    EXPECT_KEY_ERROR(rvf_trust_add_key_text(t, "a", odd, key_err), RVF_EXIT_BAD_INPUT, "key_format", t, 0);
    EXPECT_KEY_ERROR(rvf_trust_add_file_text(t, "lonely\n", key_err), RVF_EXIT_BAD_INPUT, "trust_file_line", t, 0);
    EXPECT_KEY_ERROR(rvf_trust_add_file_text(t, "bob keys/bob.pub\n", key_err), RVF_EXIT_BAD_INPUT, "trust_file_line", t, 0);
    EXPECT_KEY_ERROR(rvf_trust_add_file_text(t, "bob abcd\n", key_err), RVF_EXIT_BAD_INPUT, "trust_file_line", t, 0);
    snprintf(line, sizeof line, "# team\n\nalice %s\n%s\n", ALICE, MALLORY);
    EXPECT_KEY_ERROR(rvf_trust_add_file_text(t, line, key_err), RVF_EXIT_BAD_INPUT, "trust_file_line", t, 0);
    /* Comments and blank lines alone: no key, no error. */
    EXPECT(rvf_trust_add_file_text(t, "# nobody yet\n\n   \n", NULL), RVF_EXIT_OK);
    CHECK(rvf_trust_count(t) == 0);

    /* Good keys, three ways; each key's name, id and bytes. */
    EXPECT(rvf_trust_add_key(t, "alice", alice, 32, NULL), RVF_EXIT_OK);
    char pub_text[200];
    snprintf(pub_text, sizeof pub_text, "# rvf-boot Ed25519 public key\n%s\n", MALLORY);
    EXPECT(rvf_trust_add_key_text(t, "mallory", pub_text, NULL), RVF_EXIT_OK);
    snprintf(line, sizeof line, "# team\nalice2 %s\n", ALICE);
    EXPECT(rvf_trust_add_file_text(t, line, NULL), RVF_EXIT_OK);
    CHECK(rvf_trust_count(t) == 3);
    EXPECT(rvf_trust_key(t, 1, &info, NULL), RVF_EXIT_OK);
    CHECK(!strcmp(info.name, "mallory") && !memcmp(info.public_key, mallory, 32));
    EXPECT(rvf_trust_key(t, 2, &info, NULL), RVF_EXIT_OK);
    CHECK(!strcmp(info.name, "alice2") && !memcmp(info.public_key, alice, 32));
    uint8_t alice_id[RVF_KEY_ID_LEN];
    memcpy(alice_id, info.id, sizeof alice_id);
    EXPECT(rvf_trust_key(t, 0, &info, NULL), RVF_EXIT_OK);
    CHECK(!strcmp(info.name, "alice") && !memcmp(info.id, alice_id, sizeof alice_id));
    EXPECT(rvf_trust_key(t, 3, &info, NULL), RVF_ERR_BAD_INDEX);
    EXPECT(rvf_trust_key(t, SIZE_MAX, &info, NULL), RVF_ERR_BAD_INDEX);
    _Alignas(8) unsigned char raw[sizeof(RvfTrustedKey) + 8];
    EXPECT(rvf_trust_key(t, 0, (RvfTrustedKey *)(void *)(raw + 1), NULL), RVF_ERR_MISALIGNED);
    rvf_trust_free(t);
}

/* Files under trust policies: the candidates' signers, runs refused with
 * RVF_EXIT_UNTRUSTED, lists freed before the file uses them. */
static void trust_policies(void) {
    size_t len, code_len;
    unsigned char *b = conformance("signed.rvf", &len);
    unsigned char *code_only = conformance("signed-code-only.rvf", &code_len);
    RvfConfig cfg;
    RvfFile *f = NULL;
    RvfError *err = NULL;
    rvf_config_default(&cfg, NULL);
    CHECK(cfg.trust == NULL && !cfg.trust_unsigned_data);

    /* trust_unsigned_data without a list; a misaligned list. */
    cfg.trust_unsigned_data = true;
    EXPECT(rvf_file_open_bytes(b, len, &cfg, &f, &err), RVF_EXIT_USAGE);
    CHECK(f == NULL && err && strstr(rvf_error_message(err), "trust_unsigned_data") != NULL);
    rvf_error_free(err);
    cfg.trust_unsigned_data = false;
    _Alignas(16) unsigned char raw[64] = {0};
    cfg.trust = (const RvfTrust *)(const void *)(raw + 1);
    EXPECT(rvf_file_open_bytes(b, len, &cfg, &f, NULL), RVF_ERR_MISALIGNED);
    CHECK(f == NULL);

    /* No policy: signatures unchecked. */
    cfg.trust = NULL;
    f = open_ok(b, len, &cfg);
    if (!f) return;
    RvfSelection *sel = NULL;
    RvfCandidate c;
    EXPECT(rvf_file_explain(f, &sel, NULL), RVF_EXIT_OK);
    for (size_t i = 0; i < rvf_selection_count(sel); i++) {
        EXPECT(rvf_selection_candidate(sel, i, &c, NULL), RVF_EXIT_OK);
        CHECK(c.signer.kind == RVF_SIGNER_KIND_SIGNED_UNCHECKED);
        CHECK(!strcmp(c.signer.class_name, "signed_unchecked") && c.signer.key_name == NULL);
    }
    rvf_selection_free(sel);

    /* An empty list trusts no one: nothing runs. */
    RvfTrust *t = NULL;
    EXPECT(rvf_trust_new(&t, NULL), RVF_EXIT_OK);
    cfg.trust = t;
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    EXPECT(rvf_file_prepare(f, &err), RVF_EXIT_UNTRUSTED);
    CHECK(err && !strcmp(rvf_error_class(err), "untrusted"));
    CHECK(err && strstr(rvf_error_message(err), "trusted key") != NULL);
    rvf_error_free(err);
    EXPECT(run_default(f, RVF_METHOD_PPR_FORWARD), RVF_EXIT_UNTRUSTED);

    /* mallory alone: untrusted; the list is freed at once. */
    uint8_t key[RVF_PUBLIC_KEY_LEN];
    from_hex(MALLORY, key, sizeof key);
    EXPECT(rvf_trust_add_key(t, "mallory", key, sizeof key, NULL), RVF_EXIT_OK);
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    rvf_trust_free(t);
    cfg.trust = NULL;
    EXPECT(rvf_file_explain(f, &sel, NULL), RVF_EXIT_OK);
    CHECK(rvf_selection_chosen(sel) == -1);
    for (size_t i = 0; i < rvf_selection_count(sel); i++) {
        EXPECT(rvf_selection_candidate(sel, i, &c, NULL), RVF_EXIT_OK);
        CHECK(c.signer.kind == RVF_SIGNER_KIND_UNTRUSTED && c.signer.key_name == NULL);
        CHECK(!strcmp(c.verdict_class, "rejected:untrusted"));
    }
    rvf_selection_free(sel);
    EXPECT(run_default(f, RVF_METHOD_PPR_FORWARD), RVF_EXIT_UNTRUSTED);

    /* alice (as a trust file), freed before the run: trusted, runs. */
    t = NULL;
    EXPECT(rvf_trust_new(&t, NULL), RVF_EXIT_OK);
    char text[200];
    snprintf(text, sizeof text, "mallory %s\nalice %s\n", MALLORY, ALICE);
    EXPECT(rvf_trust_add_file_text(t, text, NULL), RVF_EXIT_OK);
    cfg.trust = t;
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    rvf_trust_free(t);
    cfg.trust = NULL;
    EXPECT(rvf_file_explain(f, &sel, NULL), RVF_EXIT_OK);
    CHECK(rvf_selection_chosen(sel) == 2);
    EXPECT(rvf_selection_candidate(sel, 1, &c, NULL), RVF_EXIT_OK);
    CHECK(c.signer.kind == RVF_SIGNER_KIND_TRUSTED && c.signer.key_name && !strcmp(c.signer.key_name, "alice"));
    CHECK(strstr(c.signer.text, "alice") != NULL);
    RvfRequest req;
    RvfRun *run = NULL;
    EXPECT(rvf_request_init(&req, RVF_METHOD_PPR_FORWARD, NULL), RVF_EXIT_OK);
    req.epsilon = 1e-6;
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_EXIT_OK);
    rvf_file_free(f);
    RvfSigner s;
    EXPECT(rvf_run_signer(NULL, &s, NULL), RVF_ERR_NULL_POINTER);
    EXPECT(rvf_run_signer(run, NULL, NULL), RVF_ERR_NULL_POINTER);
    if (run) {
        EXPECT(rvf_run_signer(run, &s, NULL), RVF_EXIT_OK);
        CHECK(s.kind == RVF_SIGNER_KIND_TRUSTED && !strcmp(s.key_name, "alice"));
        CHECK(!memcmp(s.key_id, c.signer.key_id, RVF_KEY_ID_LEN));
        CHECK(!strcmp(rvf_run_digest_hex(run), "c62d54beeeedb89a61f78f30353958b0afe278c7aa570d3b3e936fecb96f6f91"));
    }
    rvf_run_free(run); /* the selection (and its signer strings) outlive the run and the file */
    CHECK(!strcmp(c.signer.class_name, "trusted"));
    rvf_selection_free(sel);

    /* Signed code, unsigned data: refused unless trust_unsigned_data. */
    t = NULL;
    EXPECT(rvf_trust_new(&t, NULL), RVF_EXIT_OK);
    EXPECT(rvf_trust_add_key_text(t, "alice", ALICE, NULL), RVF_EXIT_OK);
    cfg.trust = t;
    cfg.host_features = "none";
    f = open_ok(code_only, code_len, &cfg);
    EXPECT(rvf_file_prepare(f, NULL), RVF_EXIT_OK);
    EXPECT(rvf_file_run(f, &req, &run, &err), RVF_EXIT_UNTRUSTED);
    CHECK(run == NULL && err && strstr(rvf_error_message(err), "data segment") != NULL);
    rvf_error_free(err);
    cfg.trust_unsigned_data = true;
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    rvf_trust_free(t);
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_EXIT_OK);
    rvf_run_free(run);
    /* Back to no policy: runs, unauthenticated. */
    rvf_config_default(&cfg, NULL);
    cfg.host_features = "none";
    EXPECT(rvf_file_configure(f, &cfg, NULL), RVF_EXIT_OK);
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_EXIT_OK);
    if (run) {
        EXPECT(rvf_run_signer(run, &s, NULL), RVF_EXIT_OK);
        CHECK(s.kind == RVF_SIGNER_KIND_SIGNED_UNCHECKED && s.key_name == NULL);
    }
    rvf_run_free(run);
    rvf_file_free(f);
    free(b);
    free(code_only);
}

/* Every truncation at a 64-byte boundary (and the odd lengths near the
 * end): only whole states open, and whatever opens runs or says why. */
static void truncations(const unsigned char *bytes, size_t len) {
    int opened = 0;
    for (size_t cut = 0; cut <= len; cut += (cut + 64 < len ? 64 : 1)) {
        RvfFile *f = NULL;
        RvfError *err = NULL;
        RvfCode c = rvf_file_open_bytes(bytes, cut, NULL, &f, &err);
        CHECK(c == RVF_EXIT_OK || c == RVF_EXIT_BAD_CONTAINER);
        CHECK((c == RVF_EXIT_OK) == (f != NULL) && (c == RVF_EXIT_OK) == (err == NULL));
        if (err) CHECK(strcmp(rvf_error_class(err), "bad_container") != 0);
        rvf_error_free(err);
        if (f) {
            opened++;
            run_default(f, RVF_METHOD_PPR_FORWARD);
        }
        rvf_file_free(f);
    }
    CHECK(opened >= 1);
}

/* Bit flips spread over the file: never a crash; always a known code. */
static void bit_flips(const unsigned char *bytes, size_t len) {
    unsigned char *copy = malloc(len);
    if (!copy) exit(2);
    for (size_t i = 0; i < 160; i++) {
        size_t at = (i * 7919u * 64u + i * 13u) % len;
        memcpy(copy, bytes, len);
        copy[at] ^= (unsigned char)(1u << (i % 8));
        RvfFile *f = NULL;
        RvfCode c = rvf_file_open_bytes(copy, len, NULL, &f, NULL);
        CHECK(c == RVF_EXIT_OK || c == RVF_EXIT_BAD_CONTAINER);
        if (f) {
            RvfSelection *sel = NULL;
            EXPECT(rvf_file_explain(f, &sel, NULL), RVF_EXIT_OK);
            rvf_selection_free(sel);
            run_default(f, RVF_METHOD_PPR_BACKWARD);
        }
        rvf_file_free(f);
    }
    free(copy);
}

static void conformance_files(void) {
    static const struct {
        const char *file;
        RvfCode run;
    } cases[] = {
        {"tampered.rvf", RVF_EXIT_OK},       /* falls back to the baseline */
        {"under-declared.rvf", RVF_EXIT_NO_SOLVER},
        {"abi-major.rvf", RVF_EXIT_NO_SOLVER},
        {"foreign-import.rvf", RVF_EXIT_NO_SOLVER},
        {"missing-export.rvf", RVF_EXIT_NO_SOLVER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        unsigned char *b = conformance(cases[i].file, &len);
        RvfFile *f = open_ok(b, len, NULL);
        free(b);
        if (!f) continue;
        RvfError *err = NULL;
        RvfCode prep = rvf_file_prepare(f, &err);
        CHECK(prep == cases[i].run);
        if (prep == RVF_EXIT_NO_SOLVER)
            CHECK(err && strstr(rvf_error_message(err), "segment 1: rejected") != NULL);
        rvf_error_free(err);
        EXPECT(run_default(f, RVF_METHOD_PPR_FORWARD), cases[i].run);
        rvf_file_free(f);
    }
}

/* Zero-length and wrong-length k-NN queries on a file with vectors. */
static void queries(void) {
    size_t len;
    unsigned char *b = conformance("two-vector-segments.rvf", &len);
    RvfConfig cfg;
    rvf_config_default(&cfg, NULL);
    cfg.host_features = "none";
    RvfFile *f = open_ok(b, len, &cfg);
    free(b);
    if (!f) return;
    RvfRequest req;
    RvfRun *run = NULL;
    RvfError *err = NULL;
    float q[64] = {0};
    EXPECT(rvf_request_init(&req, RVF_METHOD_KNN, NULL), RVF_EXIT_OK);
    req.query = q;
    req.query_len = 0;
    EXPECT(rvf_file_run(f, &req, &run, &err), RVF_EXIT_USAGE);
    CHECK(err && strstr(rvf_error_message(err), "dimension") != NULL);
    rvf_error_free(err);
    req.query_len = 63;
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_EXIT_USAGE);
    req.query = NULL;
    req.query_len = 0;
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_EXIT_USAGE); /* no query at all */
    req.query_index = 1000000;
    EXPECT(rvf_file_run(f, &req, &run, NULL), RVF_EXIT_USAGE);
    req.query_index = 6;
    req.k = 0;
    EXPECT(rvf_file_run(f, &req, &run, &err), RVF_EXIT_SOLVER_REFUSED);
    CHECK(run != NULL && err != NULL);
    RvfReport rep;
    if (run) {
        EXPECT(rvf_run_report(run, &rep, NULL), RVF_EXIT_OK);
        CHECK(rep.detail == RVF_DETAIL_K && rvf_run_result_count(run) == 0);
    }
    rvf_error_free(err);
    rvf_run_free(run);
    rvf_file_free(f);
}

/* The malformed corpus: a typed refusal or a file that runs or says why. */
static void corpus(int n, char **files) {
    for (int i = 0; i < n; i++) {
        size_t len;
        unsigned char *b = read_all(files[i], &len);
        RvfFile *f = NULL;
        RvfError *err = NULL;
        RvfCode c = rvf_file_open_bytes(b, len, NULL, &f, &err);
        free(b);
        CHECK(c == RVF_EXIT_OK || c == RVF_EXIT_BAD_CONTAINER);
        if (c == RVF_EXIT_BAD_CONTAINER) CHECK(err && strlen(rvf_error_class(err)) > 0);
        rvf_error_free(err);
        if (!f) continue;
        RvfSelection *sel = NULL;
        EXPECT(rvf_file_explain(f, &sel, NULL), RVF_EXIT_OK);
        rvf_selection_free(sel);
        run_default(f, RVF_METHOD_CG);
        run_default(f, RVF_METHOD_PPR_FORWARD);
        run_default(f, RVF_METHOD_KNN);
        rvf_file_free(f);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: hostile CONFORMANCE_DIR SCRATCH_DIR CORPUS_FILE...\n");
        return 2;
    }
    dir = argv[1];
    snprintf(scratch, sizeof scratch, "%s", argv[2]);
    size_t len;
    unsigned char *karate = conformance("karate-shake.rvf", &len);
    null_and_bad_arguments(karate, len);
    /* An empty buffer: not an RVF file, with the loader's rule as class. */
    RvfFile *f = NULL;
    RvfError *err = NULL;
    EXPECT(rvf_file_open_bytes(karate, 0, NULL, &f, &err), RVF_EXIT_BAD_CONTAINER);
    CHECK(err && !strcmp(rvf_error_class(err), "manifest_not_found"));
    rvf_error_free(err);
    with_a_good_file(karate, len);
    limits_and_configuration(karate, len);
    conformance_files();
    queries();
    trust_lists();
    trust_policies();
    corpus(argc - 3, argv + 3);
    truncations(karate, len);
    bit_flips(karate, len);
    free(karate);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
