/* replay.c: runs a fuzz target (tests/fuzz/fuzz_*.c) without libFuzzer on
 * every file named, or found in the folders named, so that make test
 * replays the committed corpora under AddressSanitizer and
 * UndefinedBehaviorSanitizer with gcc. A finding makes the sanitizer abort
 * the process; otherwise it prints "fuzz replay NAME: N passed, 0 failed".
 * Usage: replay NAME FILE|FOLDER... */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One input file: read whole, passed to the target. 0, or 1 when unreadable. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0, got;
    if (!f) {
        perror(path);
        return 1;
    }
    do {
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 4096);
            if (!nb) {
                free(buf);
                fclose(f);
                return 1;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long done = 0, failed = 0;
    const char *name = argc > 1 ? argv[1] : "?";
    int i;
    LLVMFuzzerInitialize(&argc, &argv);
    for (i = 2; i < argc; i++) {
        struct stat st;
        DIR *d;
        struct dirent *e;
        char **names = NULL;
        size_t nn = 0, k;
        if (stat(argv[i], &st) || !S_ISDIR(st.st_mode)) {
            failed += replay_file(argv[i]);
            done++;
            continue;
        }
        if (!(d = opendir(argv[i]))) {
            perror(argv[i]);
            failed++;
            continue;
        }
        while ((e = readdir(d))) {
            char **nn2;
            if (e->d_name[0] == '.')
                continue;
            if (!(nn2 = realloc(names, (nn + 1) * sizeof *names)))
                break;
            names = nn2;
            if (asprintf(&names[nn], "%s/%s", argv[i], e->d_name) < 0)
                break;
            nn++;
        }
        closedir(d);
        qsort(names, nn, sizeof *names, cmp);
        for (k = 0; k < nn; k++) {
            failed += replay_file(names[k]);
            done++;
            free(names[k]);
        }
        free(names);
    }
    printf("fuzz replay %s: %lu passed, %lu failed\n", name, done - failed, failed);
    return failed ? 1 : 0;
}
