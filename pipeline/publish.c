#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE */
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "yload.h"

void publish_init(publication *p)
{
    memset(p, 0, sizeof *p);
    p->lockfd = -1;
}

void publish_remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    if (!d) {
        unlink(path);
        return;
    }
    while ((e = readdir(d))) {
        char *p;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (asprintf(&p, "%s/%s", path, e->d_name) < 0)
            continue;
        if (e->d_type == DT_DIR)
            publish_remove_tree(p);
        else
            unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(path);
}

/* 1 when the file name is one of the outputs the manifest m lists. */
static int listed(const ydoc *m, const char *name)
{
    const ynode *outs = m ? ymap_get(m->root, "outputs") : NULL;
    size_t i;
    for (i = 0; outs && outs->type == YN_SEQ && i < outs->n; i++) {
        const ynode *f = ymap_get(outs->kids[i], "file");
        if (f && f->type == YN_SCALAR && !strcmp(f->str, name))
            return 1;
    }
    return 0;
}

/* OUTPUT_DIR may be replaced: it does not exist, or it holds only the files
 * its manifest lists (and the manifest). An unreadable manifest lists
 * nothing. 0 or 73. */
static int check_output(const char *out, char *err, size_t errlen)
{
    DIR *d = opendir(out);
    struct dirent *e;
    char *mpath = NULL, yerr[256];
    ydoc *m = NULL;
    int rc = 0;
    if (!d && errno == ENOENT)
        return 0;
    if (!d) {
        snprintf(err, errlen, "%s: cannot use it as the output folder: %s", out, strerror(errno));
        return EX_CANTCREAT;
    }
    if (asprintf(&mpath, "%s/manifest.yaml", out) < 0) {
        closedir(d);
        snprintf(err, errlen, "out of memory");
        return EX_SOFTWARE;
    }
    if (access(mpath, F_OK) == 0)
        m = yload_file_max(mpath, YLOAD_MANIFEST_MAX_BYTES, yerr, sizeof yerr);
    while (!rc && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            (m && !strcmp(e->d_name, "manifest.yaml")) || listed(m, e->d_name))
            continue;
        snprintf(err, errlen,
                 "%s/%s: this file is not listed in the previous run's manifest; the output "
                 "folder is left alone. Move the file away or choose another -o",
                 out, e->d_name);
        rc = EX_CANTCREAT;
    }
    closedir(d);
    ydoc_free(m);
    free(mpath);
    return rc;
}

/* mkdir -p dir. 0, or -1 (errno). */
static int make_folders(const char *dir)
{
    char *p = strdup(dir), *s;
    int rc = 0;
    if (!p)
        return -1;
    for (s = p + 1; *s && !rc; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) && errno != EEXIST)
                rc = -1;
            *s = '/';
        }
    if (!rc && mkdir(p, 0755) && errno != EEXIST)
        rc = -1;
    free(p);
    return rc;
}

/* p->parent and p->name from output, trailing slashes ignored. 0, or -1
 * when out of memory. */
static int split_output(publication *p, const char *output)
{
    char *o = strdup(output), *slash;
    size_t l;
    if (!o)
        return -1;
    l = strlen(o);
    while (l > 1 && o[l - 1] == '/')
        o[--l] = '\0';
    slash = strrchr(o, '/');
    if (!slash)
        p->parent = strdup(".");
    else if (slash == o)
        p->parent = strdup("/");
    else
        p->parent = strndup(o, (size_t)(slash - o));
    p->name = strdup(slash ? slash + 1 : o);
    free(o);
    return p->parent && p->name ? 0 : -1;
}

/* Creates and takes the lock beside OUTPUT_DIR. 0, 73 or 75. */
static int take_lock(publication *p, char *err, size_t errlen)
{
    if (asprintf(&p->lock, "%s/.%s.lock", p->parent, p->name) < 0) {
        p->lock = NULL;
        snprintf(err, errlen, "out of memory");
        return EX_SOFTWARE;
    }
    p->lockfd = open(p->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (p->lockfd < 0) {
        snprintf(err, errlen, "%s: cannot create the lock file: %s", p->lock, strerror(errno));
        return EX_CANTCREAT;
    }
    if (flock(p->lockfd, LOCK_EX | LOCK_NB)) {
        snprintf(err, errlen, "another run is writing %s (lock %s held); try again when it is done",
                 p->output, p->lock);
        return EX_TEMPFAIL;
    }
    return 0;
}

/* Removes the staging folders of runs that were killed (PARENT/.NAME.staging-*);
 * only called with the lock held, so none of them is in use. */
static void remove_debris(const publication *p)
{
    DIR *d = opendir(p->parent);
    struct dirent *e;
    size_t n = strlen(p->name);
    while (d && (e = readdir(d))) {
        char *path;
        if (e->d_name[0] != '.' || strncmp(e->d_name + 1, p->name, n) ||
            strncmp(e->d_name + 1 + n, ".staging-", 9))
            continue;
        if (asprintf(&path, "%s/%s", p->parent, e->d_name) >= 0) {
            publish_remove_tree(path);
            free(path);
        }
    }
    if (d)
        closedir(d);
}

/* Makes the staging folder PARENT/.NAME.staging-PID. 0 or 73. */
static int make_staging(publication *p, char *err, size_t errlen)
{
    char *s;
    if (asprintf(&s, "%s/.%s.staging-%ld", p->parent, p->name, (long)getpid()) < 0) {
        snprintf(err, errlen, "out of memory");
        return EX_SOFTWARE;
    }
    if (mkdir(s, 0755)) {
        snprintf(err, errlen, "%s: cannot create the staging folder: %s", s, strerror(errno));
        free(s);
        return EX_CANTCREAT;
    }
    p->staging = s;
    return 0;
}

int publish_prepare(publication *p, const char *output, char *err, size_t errlen)
{
    int rc;
    p->output = strdup(output);
    if (!p->output || split_output(p, output)) {
        snprintf(err, errlen, "out of memory");
        return EX_SOFTWARE;
    }
    if ((rc = check_output(output, err, errlen)))
        return rc;
    if (make_folders(p->parent)) {
        snprintf(err, errlen, "%s: cannot create the folder: %s", p->parent, strerror(errno));
        return EX_CANTCREAT;
    }
    if ((rc = take_lock(p, err, errlen)))
        return rc;
    remove_debris(p);
    return make_staging(p, err, errlen);
}

/* The previous outputs are set aside under a name the debris rule never
 * matches: if they cannot be put back, the message sends the operator there,
 * and no later run may delete them. */
char *publish_aside_path(const publication *p)
{
    char *s;
    if (asprintf(&s, "%s/.%s.previous-%ld", p->parent, p->name, (long)getpid()) < 0)
        return NULL;
    return s;
}

int publish_commit(publication *p, char *err, size_t errlen)
{
    struct stat st;
    char *old;
    int e;
    if (stat(p->output, &st) != 0) {
        if (rename(p->staging, p->output) == 0) {
            p->published = 1;
            return 0;
        }
        e = errno;
        snprintf(err, errlen, "cannot publish into %s: %s", p->output, strerror(e));
        return e == EXDEV || e == EACCES ? EX_CANTCREAT : EX_IOERR;
    }
    if (renameat2(AT_FDCWD, p->staging, AT_FDCWD, p->output, RENAME_EXCHANGE) == 0) {
        publish_remove_tree(p->staging); /* the previous outputs */
        p->published = 1;
        return 0;
    }
    if (!(old = publish_aside_path(p))) {
        snprintf(err, errlen, "out of memory");
        return EX_SOFTWARE;
    }
    if (rename(p->output, old)) {
        snprintf(err, errlen, "cannot publish into %s: %s", p->output, strerror(errno));
        free(old);
        return EX_IOERR;
    }
    if (rename(p->staging, p->output)) {
        int n = snprintf(err, errlen, "cannot publish into %s: %s", p->output, strerror(errno));
        if (rename(old, p->output) && n >= 0 && (size_t)n < errlen)
            snprintf(err + n, errlen - (size_t)n,
                     "\nthe previous outputs are in %s: move them back to %s", old, p->output);
        free(old);
        return EX_IOERR;
    }
    publish_remove_tree(old);
    free(old);
    p->published = 1;
    return 0;
}

void publish_free(publication *p)
{
    if (p->staging && !p->published)
        publish_remove_tree(p->staging);
    if (p->lockfd >= 0)
        close(p->lockfd);
    free(p->output);
    free(p->parent);
    free(p->name);
    free(p->lock);
    free(p->staging);
    publish_init(p);
}
