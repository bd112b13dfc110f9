/* publish.h: how a run replaces OUTPUT_DIR (spec/outputs.md "Publishing,
 * locking, determinism"). The stages write into a staging folder beside
 * OUTPUT_DIR (PARENT/.NAME.staging-PID), under a lock (PARENT/.NAME.lock)
 * that one run at a time holds; the staging folder then takes OUTPUT_DIR's
 * place at once, so that a reader sees either the previous outputs or the new
 * ones, never a mix. OUTPUT_DIR is only replaced when it holds nothing but the
 * files its previous manifest lists, and a killed run's staging folders are
 * removed by the next run.
 *
 * Functions that can fail return 0 or an exit code of spec/outputs.md (73,
 * 74, 75; 70 when out of memory) with a message for the log in err. */
#ifndef PUBLISH_H
#define PUBLISH_H

#include <stddef.h>

typedef struct publication {
    char *output;  /* OUTPUT_DIR as given */
    char *parent;  /* the folder that holds it ("." for a bare name) */
    char *name;    /* its last component */
    char *lock;    /* PARENT/.NAME.lock; its descriptor: lockfd, -1 when not held */
    char *staging; /* PARENT/.NAME.staging-PID, where the stages write */
    int lockfd;
    int published; /* the staging folder has become OUTPUT_DIR */
} publication;

/* publish_init: an empty publication (publish_free is then a no-op). */
void publish_init(publication *p);

/*
 * publish_prepare: everything before the first stage writes: OUTPUT_DIR
 * checked (73 when it holds a file that its manifest.yaml does not list, or
 * cannot be read), PARENT created with its missing parents (73), the lock
 * taken (75 when another run holds it, 73 when it cannot be created), the
 * staging folders a killed run left removed, and the staging folder made
 * (73). Trailing slashes of output are ignored.
 */
int publish_prepare(publication *p, const char *output, char *err, size_t errlen);

/*
 * publish_commit: the staging folder becomes OUTPUT_DIR at once (an
 * exchange of the two, the previous outputs then removed). Where the file
 * system cannot exchange: two renames, a moment without OUTPUT_DIR but never
 * a mix, and the previous outputs put back when the second rename fails.
 * Returns 0; 73 (EXDEV, EACCES when OUTPUT_DIR did not exist) or 74 with a
 * message. When the previous outputs could not be put back, err has a
 * second line (after a '\n') saying where they are.
 */
int publish_commit(publication *p, char *err, size_t errlen);

/* publish_free: releases the lock and frees p; a staging folder that was
 * not published (a failed or stopped run) is removed first. */
void publish_free(publication *p);

/* publish_aside_path: where publish_commit sets the previous outputs aside
 * when the folders cannot be exchanged at once (PARENT/.NAME.previous-PID,
 * malloc'd; NULL when out of memory). The debris of killed runs is removed,
 * never this folder. */
char *publish_aside_path(const publication *p);

/* publish_remove_tree: removes a file or a folder and everything under it
 * (symbolic links are removed, not followed); what cannot be removed is left. */
void publish_remove_tree(const char *path);

#endif
