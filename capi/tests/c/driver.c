/*
 * driver.c: a small C host over rvf.h, driven by capi/tests/c_api.rs.
 *
 *   driver open   FILE
 *   driver select FILE [option=value...]
 *   driver run    FILE METHOD [option=value...]
 *
 * Options: host=SPEC (a feature mask; "-" = the engine's), segment=N,
 * fuel=N, max_memory=N, allow_unhashed=1, path=1 (open by path instead of
 * bytes), and every RvfRequest field by name (query=1.5,2 for values).
 * A trust policy: key=NAME:HEX (rvf_trust_add_key, the bytes), pub=NAME:TEXT
 * (rvf_trust_add_key_text, a .pub file's text), trust_file=TEXT
 * (rvf_trust_add_file_text), each repeatable and into one list, and
 * trust_code_only=1 (RvfConfig.trust_unsigned_data). The list is freed
 * as soon as the file is open (the handle keeps a copy of its keys).
 * Prints one "key value" line per fact; the Rust test compares them with
 * cases.json and with rvf-pack's JSON. Exit status 0 unless the driver
 * itself fails (a bad option), so every rvf code is printed, not exited.
 */
#include "rvf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what) {
    fprintf(stderr, "driver: %s\n", what);
    exit(2);
}

static unsigned char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) fail("cannot open the input file");
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    if (!buf) fail("out of memory");
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        cap *= 2;
        unsigned char *grown = realloc(buf, cap);
        if (!grown) fail("out of memory");
        buf = grown;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Print a code, its name and (when there is one) the error's class and message. */
static void report_code(const char *what, RvfCode code, RvfError *err) {
    printf("%s_code %d\n%s_name %s\n", what, code, what, rvf_code_name(code));
    if (err) {
        if (rvf_error_code(err) != code) fail("the error's code differs from the return");
        printf("%s_class %s\n", what, rvf_error_class(err));
        /* One line: the message may span several. */
        printf("%s_message ", what);
        for (const char *m = rvf_error_message(err); *m; m++) putchar(*m == '\n' ? '|' : *m);
        putchar('\n');
    } else if (code != RVF_EXIT_OK) {
        fail("a nonzero code came without an error");
    }
}

struct options {
    RvfConfig config;
    RvfTrust *trust;
    int by_path;
    float query[256];
    size_t query_len;
};

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Add a key to the options' trust list (made at the first key). */
static void trust_option(struct options *o, const char *key, const char *val) {
    RvfError *err = NULL;
    RvfCode code;
    if (!o->trust) {
        code = rvf_trust_new(&o->trust, &err);
        report_code("trust_new", code, err);
        rvf_error_free(err);
        if (!o->trust) fail("trust list");
        o->config.trust = o->trust;
    }
    if (!strcmp(key, "trust_file")) {
        code = rvf_trust_add_file_text(o->trust, val, &err);
    } else {
        const char *colon = strchr(val, ':');
        char name[64];
        if (!colon || (size_t)(colon - val) >= sizeof name) fail("keys are NAME:VALUE");
        memcpy(name, val, (size_t)(colon - val));
        name[colon - val] = 0;
        if (!strcmp(key, "pub")) {
            code = rvf_trust_add_key_text(o->trust, name, colon + 1, &err);
        } else {
            uint8_t bytes[RVF_PUBLIC_KEY_LEN];
            const char *h = colon + 1;
            if (strlen(h) != 2 * sizeof bytes) fail("key=NAME:HEX needs 64 hex digits");
            for (size_t i = 0; i < sizeof bytes; i++) {
                int hi = hex_digit(h[2 * i]), lo = hex_digit(h[2 * i + 1]);
                if (hi < 0 || lo < 0) fail("key=NAME:HEX needs 64 hex digits");
                bytes[i] = (uint8_t)(hi << 4 | lo);
            }
            code = rvf_trust_add_key(o->trust, name, bytes, sizeof bytes, &err);
        }
    }
    report_code("trust", code, err);
    rvf_error_free(err);
}

static int config_option(struct options *o, const char *key, const char *val) {
    if (!strcmp(key, "key") || !strcmp(key, "pub") || !strcmp(key, "trust_file")) trust_option(o, key, val);
    else if (!strcmp(key, "trust_code_only")) o->config.trust_unsigned_data = atoi(val) != 0;
    else if (!strcmp(key, "host")) o->config.host_features = strcmp(val, "-") ? val : NULL;
    else if (!strcmp(key, "segment")) o->config.force_segment = strtoll(val, NULL, 10);
    else if (!strcmp(key, "fuel")) o->config.fuel = strtoull(val, NULL, 10);
    else if (!strcmp(key, "max_memory")) o->config.max_memory_bytes = strtoull(val, NULL, 10);
    else if (!strcmp(key, "allow_unhashed")) o->config.allow_unhashed = atoi(val) != 0;
    else if (!strcmp(key, "path")) o->by_path = atoi(val) != 0;
    else return 0;
    return 1;
}

static void request_option(struct options *o, RvfRequest *r, const char *key, const char *val) {
    if (!strcmp(key, "tol")) r->tol = strtod(val, NULL);
    else if (!strcmp(key, "max_iter")) r->max_iter = (uint32_t)strtoul(val, NULL, 10);
    else if (!strcmp(key, "precondition")) r->precondition = atoi(val) != 0;
    else if (!strcmp(key, "min_margin")) r->min_margin = strtod(val, NULL);
    else if (!strcmp(key, "alpha")) r->alpha = strtod(val, NULL);
    else if (!strcmp(key, "epsilon")) r->epsilon = strtod(val, NULL);
    else if (!strcmp(key, "source")) r->source = (uint32_t)strtoul(val, NULL, 10);
    else if (!strcmp(key, "target")) r->target = (uint32_t)strtoul(val, NULL, 10);
    else if (!strcmp(key, "walks")) r->walks = (uint32_t)strtoul(val, NULL, 10);
    else if (!strcmp(key, "seed")) r->seed = strtoull(val, NULL, 10);
    else if (!strcmp(key, "budget")) r->budget = strtoull(val, NULL, 10);
    else if (!strcmp(key, "k")) r->k = (uint32_t)strtoul(val, NULL, 10);
    else if (!strcmp(key, "query_index")) r->query_index = strtoll(val, NULL, 10);
    else if (!strcmp(key, "data")) r->data = strtoll(val, NULL, 10);
    else if (!strcmp(key, "verify_data")) r->verify_data = atoi(val) != 0;
    else if (!strcmp(key, "metric")) {
        char name[32];
        r->metric = -2;
        for (uint32_t id = 0; id < 16; id++) {
            rvf_name(RVF_NAME_KIND_METRIC, id, name, sizeof name);
            if (!strcmp(name, val)) r->metric = (int32_t)id;
        }
        if (r->metric == -2) fail("unknown metric");
    } else if (!strcmp(key, "query")) {
        const char *p = val;
        o->query_len = 0;
        while (*p && o->query_len < 256) {
            char *end;
            o->query[o->query_len++] = strtof(p, &end);
            p = *end == ',' ? end + 1 : end;
            if (end == p && *p) fail("bad query");
        }
        r->query = o->query;
        r->query_len = o->query_len;
    } else {
        fail("unknown option");
    }
}

static RvfFile *open_file(const char *path, const struct options *o) {
    RvfFile *file = NULL;
    RvfError *err = NULL;
    RvfCode code;
    if (o->by_path) {
        code = rvf_file_open_path(path, &o->config, &file, &err);
    } else {
        size_t len;
        unsigned char *bytes = read_all(path, &len);
        code = rvf_file_open_bytes(bytes, len, &o->config, &file, &err);
        /* The handle owns a copy: scribble over ours and free it now. */
        memset(bytes, 0xA5, len);
        free(bytes);
    }
    report_code("open", code, err);
    rvf_error_free(err);
    if ((code == RVF_EXIT_OK) != (file != NULL)) fail("handle and code disagree");
    return file;
}

static void list_segments(const RvfFile *file) {
    size_t n = rvf_file_segment_count(file);
    printf("segments %zu\nlength %llu\n", n, (unsigned long long)rvf_file_len(file));
    for (size_t i = 0; i < n; i++) {
        RvfSegment s;
        char name[32];
        if (rvf_file_segment(file, i, &s, NULL) != RVF_EXIT_OK) fail("segment");
        rvf_name(RVF_NAME_KIND_SEGMENT_TYPE, s.seg_type, name, sizeof name);
        printf("segment %llu %s %llu %llu\n", (unsigned long long)s.index, name,
               (unsigned long long)s.offset, (unsigned long long)s.payload_length);
    }
}

/* Who signed a segment: "KIND_NAME KEY_NAME|- KEY_ID|-", checking that
 * the enum, the name and the key fields agree. */
static void print_signer(const char *what, unsigned long long segment, const RvfSigner *s) {
    static const char *const kinds[] = {"unsigned", "bad_footer", "signed_unchecked", "trusted", "untrusted"};
    if ((unsigned)s->kind > RVF_SIGNER_KIND_UNTRUSTED || strcmp(kinds[s->kind], s->class_name))
        fail("the signer's kind and class name differ");
    if ((s->kind == RVF_SIGNER_KIND_TRUSTED) != (s->key_name != NULL)) fail("a key name without a trusted key");
    char id[2 * RVF_KEY_ID_LEN + 1] = "-";
    int any = 0;
    for (size_t i = 0; i < RVF_KEY_ID_LEN; i++) {
        sprintf(id + 2 * i, "%02x", s->key_id[i]);
        any |= s->key_id[i];
    }
    if (s->kind != RVF_SIGNER_KIND_TRUSTED) {
        if (any) fail("a key id without a trusted key");
        strcpy(id, "-");
    }
    if (!s->text || !*s->text) fail("a signer without words");
    printf("%s %llu %s %s %s\n", what, segment, s->class_name, s->key_name ? s->key_name : "-", id);
}

static void select_cmd(RvfFile *file) {
    RvfSelection *sel = NULL;
    RvfError *err = NULL;
    RvfCode code = rvf_file_explain(file, &sel, &err);
    report_code("explain", code, err);
    rvf_error_free(err);
    if (!sel) return;
    char features[128];
    rvf_name(RVF_NAME_KIND_FEATURES, rvf_selection_host_features(sel), features, sizeof features);
    printf("host_features %s\nchosen %lld\n", features, (long long)rvf_selection_chosen(sel));
    for (size_t i = 0; i < rvf_selection_count(sel); i++) {
        RvfCandidate c;
        if (rvf_selection_candidate(sel, i, &c, NULL) != RVF_EXIT_OK) fail("candidate");
        printf("candidate %llu %s\n", (unsigned long long)c.segment, c.verdict_class);
        printf("verdict %llu %s\n", (unsigned long long)c.segment, c.verdict_text);
        print_signer("signer", (unsigned long long)c.segment, &c.signer);
    }
    rvf_selection_free(sel);
}

static void run_cmd(RvfFile *file, const RvfRequest *req) {
    RvfRun *run = NULL;
    RvfError *err = NULL;
    RvfCode code = rvf_file_run(file, req, &run, &err);
    report_code("run", code, err);
    rvf_error_free(err);
    if (!run) return;
    RvfReport r;
    if (rvf_run_report(run, &r, NULL) != RVF_EXIT_OK) fail("report");
    if (r.code != code) fail("the report's exit differs from the return");
    printf("status %d\ndetail %u\nfuel %llu\nrun_segment %llu\niterations %llu\nresult_count %u\n",
           r.status, r.detail, (unsigned long long)r.fuel_used, (unsigned long long)r.segment,
           (unsigned long long)r.iterations, r.result_count);
    printf("digest %s\nwords %s\n", rvf_run_digest_hex(run), rvf_run_status_words(run));
    RvfSigner signer;
    if (rvf_run_signer(run, &signer, NULL) != RVF_EXIT_OK) fail("signer");
    print_signer("run_signer", (unsigned long long)r.segment, &signer);
    size_t n = rvf_run_result_count(run), written = 0;
    uint32_t *idx = malloc((n + 1) * sizeof *idx);
    double *val = malloc((n + 1) * sizeof *val);
    if (!idx || !val) fail("out of memory");
    if (rvf_run_results(run, idx, val, n, &written, NULL) != RVF_EXIT_OK || written != n)
        fail("results");
    printf("rows %zu\n", n);
    for (size_t i = 0; i < n && i < 5; i++) printf("row %u %.17g\n", idx[i], val[i]);
    free(idx);
    free(val);
    rvf_run_free(run);
}

int main(int argc, char **argv) {
    if (argc < 3) fail("usage: driver open|select|run FILE [METHOD] [option=value...]");
    const char *cmd = argv[1], *path = argv[2];
    struct options o;
    memset(&o, 0, sizeof o);
    if (rvf_config_default(&o.config, NULL) != RVF_EXIT_OK) fail("config");
    RvfRequest req;
    int first = 3;
    if (!strcmp(cmd, "run")) {
        if (argc < 4) fail("run needs a method");
        char name[32];
        uint32_t method = 0;
        for (uint32_t id = 1; id < 16; id++) {
            rvf_name(RVF_NAME_KIND_METHOD, id, name, sizeof name);
            if (!strcmp(name, argv[3])) method = id;
        }
        RvfCode c = rvf_request_init(&req, method, NULL);
        if (c != RVF_EXIT_OK) {
            report_code("request", c, NULL);
            return 0;
        }
        first = 4;
    }
    for (int i = first; i < argc; i++) {
        char key[64];
        const char *eq = strchr(argv[i], '=');
        if (!eq || (size_t)(eq - argv[i]) >= sizeof key) fail("options are key=value");
        memcpy(key, argv[i], (size_t)(eq - argv[i]));
        key[eq - argv[i]] = 0;
        if (!config_option(&o, key, eq + 1)) {
            if (strcmp(cmd, "run")) fail("request options need run");
            request_option(&o, &req, key, eq + 1);
        }
    }
    RvfFile *file = open_file(path, &o);
    /* The handle copied the keys: free the list before using the file. */
    rvf_trust_free(o.trust);
    o.config.trust = NULL;
    if (file) {
        list_segments(file);
        if (!strcmp(cmd, "select")) select_cmd(file);
        if (!strcmp(cmd, "run")) run_cmd(file, &req);
    }
    rvf_file_free(file);
    return 0;
}
