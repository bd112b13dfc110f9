/* fdio.c: read(2) and write(2) with EINTR retried. */
#include "fdio.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

ssize_t fdio_read(int fd, void *buf, size_t n)
{
    ssize_t got;
    do
        got = read(fd, buf, n);
    while (got < 0 && errno == EINTR);
    return got;
}

int fdio_write_all(int fd, const void *buf, size_t n, size_t *done)
{
    const char *p = buf;
    size_t off = 0;
    int rc = 0;
    while (off < n) {
        ssize_t w = write(fd, p + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = w < 0 && errno ? errno : EIO;
            break;
        }
        off += (size_t)w;
    }
    if (done)
        *done = off;
    return rc;
}

int fdio_wait_for(const char *path, pid_t parent)
{
    const struct timespec t = {0, 1000000}; /* 1 ms */
    while (access(path, F_OK)) {
        if (getppid() != parent)
            return -1;
        nanosleep(&t, NULL);
    }
    return 0;
}
