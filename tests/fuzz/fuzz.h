/* fuzz.h: what the fuzz targets (tests/fuzz/fuzz_*.c) share: the libFuzzer
 * entry points, and a private temporary folder where an input is written as
 * a file, since the parsers under test read files by path. Each target is
 * one .c file that includes this header once; it is built with libFuzzer
 * (make fuzz) or with replay.c (make test replays the corpora). */
#ifndef FUZZ_H
#define FUZZ_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[128];

/* Removes fuzz_dir and what the targets put in it (two levels). */
static inline void fuzz_cleanup(void)
{
    char cmd[256];
    if (!*fuzz_dir)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: cannot remove %s\n", fuzz_dir);
}

/* Creates the private folder once: in FUZZ_TMPDIR, else in /dev/shm (in
 * memory: a file per input on a disk makes the fuzzer wait for it), else in
 * /tmp; exits when it cannot. */
static inline void fuzz_setup(const char *name)
{
    const char *t = getenv("FUZZ_TMPDIR");
    if (!t || !*t)
        t = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/fuzz-%s.XXXXXX", t, name);
    if (!mkdtemp(fuzz_dir)) {
        perror(fuzz_dir);
        exit(1);
    }
    atexit(fuzz_cleanup);
}

/* Writes data to fuzz_dir/rel (its folder must exist) and returns the path
 * in a static buffer; exits when it cannot (a fault of the machine). */
static inline const char *fuzz_write(const char *rel, const void *data, size_t size)
{
    static char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", fuzz_dir, rel);
    f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
        perror(path);
        exit(1);
    }
    return path;
}

#endif
