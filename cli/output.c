/*
 * output.c: writing a file the user named with -o: atomically (temporary
 * file, fsync, rename) for regular files, through symlinks to their target,
 * straight into devices and pipes (so /dev/stdout works), "-" for stdout.
 */
#include "core/compat.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "core/buf.h"

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_direct(const char *path, const char *data, size_t len,
			struct facta_err *err)
{
	int fd = strcmp(path, "-") ? open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
				   : STDOUT_FILENO;
	int rc = 0;

	if (fd < 0 || write_all(fd, data, len) < 0)
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path,
			     strerror(errno));
	if (fd >= 0 && fd != STDOUT_FILENO)
		close(fd);
	return rc;
}

/* The file a symlink names, relative to the link's folder. */
static int link_target(char *out, size_t cap, const char *link)
{
	char target[PATH_MAX];
	const char *slash = strrchr(link, '/');
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n < 0)
		return -1;
	target[n] = '\0';
	if (target[0] == '/' || !slash)
		n = snprintf(out, cap, "%s", target);
	else
		n = snprintf(out, cap, "%.*s/%s", (int)(slash - link), link,
			     target);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int cli_write_output(const char *path, const char *data, size_t len,
		     struct facta_err *err)
{
	return cli_write_output_mode(path, data, len, 0644, err);
}

int cli_write_output_mode(const char *path, const char *data, size_t len,
			  int mode, struct facta_err *err)
{
	struct buf tmp = BUF_INIT;
	char real[PATH_MAX];
	struct stat st;
	int fd = -1, rc = 0;

	if (!strcmp(path, "-"))
		return write_direct(path, data, len, err);
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    stat(path, &st) < 0 && errno == ENOENT &&
	    link_target(real, sizeof(real), path) == 0) {
		/* A link to a file that does not exist yet: create that file. */
		path = real;
	} else if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return err_set(err, FACTA_EINVALID,
				       "cannot write '%s': it is a directory",
				       path);
		if (!S_ISREG(st.st_mode))
			return write_direct(path, data, len, err);
		/* Replace the file a symlink points at, not the link. */
		if (realpath(path, real))
			path = real;
	}
	if (buf_addf(&tmp, "%s.tmp%ld", path, (long)getpid()) < 0)
		return err_nomem(err);
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		  (mode_t)mode);
	if (fd < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path,
			     strerror(errno));
		goto cleanup;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path,
			     strerror(errno));
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp.ptr, path) < 0)
		rc = err_set(err, FACTA_EIO, "cannot write '%s': %s", path,
			     strerror(errno));
cleanup:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp.ptr);
	buf_dispose(&tmp);
	return rc;
}
