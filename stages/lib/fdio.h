/* fdio.h: read(2) and write(2) for the modules that buffer their own I/O
 * on a file descriptor (records, TSV files, csvin's spool of a pipe): an
 * interrupted call is retried, a short write goes on with the rest; and the
 * wait of a stage for a file another process puts in place. */
#ifndef FDIO_H
#define FDIO_H

#include <stddef.h>
#include <sys/types.h>

/* fdio_read: one read of at most n bytes into buf: the bytes read, 0 at the
 * end of the file, or -1 with errno (never EINTR). */
ssize_t fdio_read(int fd, void *buf, size_t n);

/* fdio_write_all: writes the n bytes at buf. 0, or the errno of the write
 * that failed (EIO when write wrote nothing and said nothing); *done (when
 * not NULL) gets the bytes written either way. */
int fdio_write_all(int fd, const void *buf, size_t n, size_t *done);

/* fdio_wait_for: waits until path exists, for a file that another process
 * (the driver, or a stage it runs beside this one) renames into place once
 * whole, looking every millisecond. parent is this process's parent as
 * getppid gave it when the process began (the caller keeps it then: asked
 * here, it would already be another one if the driver ended in between). 0
 * once the file exists, or -1 when the parent has changed (the driver that
 * was to see it written is gone, so waiting on would never end). */
int fdio_wait_for(const char *path, pid_t parent);

#endif
