/*
 * isolate.c: one render in a forked child (see isolate_int.h). Frames on a
 * socketpair carry asset requests up, assets down and the PDF or the error
 * up; the parent polls with a deadline and kills the child when it passes.
 */
#include "core/compat.h"
#include "core/buf.h"
#include "core/error.h"
#include "plugins/isolate_int.h"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

/* Frame types. */
#define FRAME_ASSET 'A'	 /* child: name of an asset it needs */
#define FRAME_REPLY 'R'	 /* parent: the asset, or code and message */
#define FRAME_PDF 'P'	 /* child: the finished PDF */
#define FRAME_ERROR 'E'	 /* child: code and message */
/* Largest frame accepted (a PDF or an asset). */
#define FRAME_MAX ((size_t)256 << 20)

struct frame_head {
	uint32_t type;
	int32_t code;
	uint32_t len;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int send_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t k = send(fd, c, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

static int send_frame(int fd, int type, int code, const void *p, size_t n)
{
	struct frame_head h = { (uint32_t)type, code, (uint32_t)n };

	if (n > FRAME_MAX)
		return -1;
	return send_all(fd, &h, sizeof(h)) || send_all(fd, p, n) ? -1 : 0;
}

/*
 * Reads n bytes; deadline 0 blocks. Returns 0, -1 on EOF or error, -2 when
 * the deadline passed.
 */
static int recv_all(int fd, void *p, size_t n, uint64_t deadline)
{
	char *c = p;

	while (n) {
		ssize_t k;

		if (deadline) {
			struct pollfd pfd = { fd, POLLIN, 0 };
			uint64_t t = now_ms();
			int r;

			if (t >= deadline)
				return -2;
			r = poll(&pfd, 1, (int)(deadline - t));
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return -1;
			if (r == 0)
				return -2;
		}
		k = recv(fd, c, n, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads one frame's head and body into body (reset first). */
static int recv_frame(int fd, struct frame_head *h, struct buf *body,
		      uint64_t deadline)
{
	int r = recv_all(fd, h, sizeof(*h), deadline);

	if (r < 0)
		return r;
	if (h->len > FRAME_MAX)
		return -1;
	buf_reset(body);
	if (buf_grow(body, (size_t)h->len + 1) < 0)
		return -1;
	r = recv_all(fd, body->ptr, h->len, deadline);
	if (r < 0)
		return r;
	body->len = h->len;
	body->ptr[body->len] = '\0';
	return 0;
}

/* The child's asset callback: asks the parent over the socket. */
static int child_asset(void *payload, const char *name, struct buf *out,
		       struct facta_err *err)
{
	int fd = *(int *)payload;
	struct frame_head h;
	struct buf body = BUF_INIT;
	int ret;

	if (send_frame(fd, FRAME_ASSET, 0, name, strlen(name)) < 0 ||
	    recv_frame(fd, &h, &body, 0) < 0 || h.type != FRAME_REPLY) {
		ret = err_set(err, FACTA_EIO, "cannot fetch asset '%s'", name);
		goto cleanup;
	}
	if (h.code < 0) {
		ret = err_set(err, h.code, "%s", body.ptr);
		goto cleanup;
	}
	ret = buf_add(out, body.ptr, body.len);
	if (ret < 0)
		ret = err_set(err, ret, "asset '%s' is too large", name);
cleanup:
	buf_dispose(&body);
	return ret;
}

#if !defined(__SANITIZE_ADDRESS__)
/* Current address space of this process in bytes, or 0 if unknown. */
static size_t vm_size(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%lu", &pages) != 1)
		pages = 0;
	fclose(f);
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}
#endif

static void set_limits(const struct isolate *iso)
{
	struct rlimit cpu, as;
	size_t vm;

	cpu.rlim_cur = (rlim_t)(iso->time_ms / 1000 + 1);
	cpu.rlim_max = cpu.rlim_cur + 1;
	setrlimit(RLIMIT_CPU, &cpu);
#if !defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer reserves terabytes of shadow memory up front. */
	vm = iso->mem_extra ? vm_size() : 0;
	if (vm) {
		as.rlim_cur = as.rlim_max = (rlim_t)(vm + iso->mem_extra);
		setrlimit(RLIMIT_AS, &as);
	}
#else
	(void)as;
	(void)vm;
#endif
}

static _Noreturn void child(int fd, const struct isolate *iso)
{
	struct facta_err err = { 0 };
	struct buf pdf = BUF_INIT;
	int ret;

	set_limits(iso);
	ret = iso->run(iso->payload, &pdf, iso->asset ? child_asset : NULL,
		       &fd, &err);
#if defined(__SANITIZE_ADDRESS__)
	/* _exit skips LeakSanitizer: check the render's memory here. */
	if (__lsan_do_recoverable_leak_check())
		ret = err_set(&err, FACTA_ENOMEM,
			      "%s: the renderer leaked memory", iso->what);
#endif
	if (ret < 0)
		send_frame(fd, FRAME_ERROR, ret, err.msg, strlen(err.msg));
	else
		send_frame(fd, FRAME_PDF, 0, pdf.ptr, pdf.len);
	/* No atexit handlers, no stdio flush of the parent's buffers. */
	_exit(0);
}

/* Answers one asset request from the child. */
static int reply_asset(int fd, const struct isolate *iso, const char *name)
{
	struct facta_err err = { 0 };
	struct buf data = BUF_INIT;
	int ret = FACTA_ENOTFOUND, sent;

	if (iso->asset)
		ret = iso->asset(iso->asset_payload, name, &data, &err);
	else
		err_set(&err, ret, "no asset '%s'", name);
	if (ret < 0)
		sent = send_frame(fd, FRAME_REPLY, ret, err.msg,
				  strlen(err.msg));
	else
		sent = send_frame(fd, FRAME_REPLY, 0, data.ptr, data.len);
	buf_dispose(&data);
	return sent;
}

static int died(const struct isolate *iso, int status, int timed_out,
		struct facta_err *err)
{
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

	if (timed_out || sig == SIGXCPU)
		return err_set(err, FACTA_EPLUGIN,
			       "%s ran too long (limit %lu ms)", iso->what,
			       iso->time_ms);
	if (sig)
		return err_set(err, FACTA_EPLUGIN,
			       "%s stopped the renderer (signal %d: out of "
			       "memory or a crash)",
			       iso->what, sig);
	return err_set(err, FACTA_EPLUGIN,
		       "%s: the renderer ended without a result", iso->what);
}

int isolate_run(struct buf *out, const struct isolate *iso,
		struct facta_err *err)
{
	struct buf body = BUF_INIT;
	struct frame_head h;
	uint64_t deadline;
	int sv[2], status = 0, timed_out = 0, ret = 0, r;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(err, FACTA_EIO, "cannot start the renderer: %s",
			       strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = err_set(err, FACTA_EIO, "cannot start the renderer: %s",
			      strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return ret;
	}
	if (pid == 0) {
		close(sv[0]);
		child(sv[1], iso);
	}
	close(sv[1]);
	deadline = now_ms() + iso->time_ms;
	for (;;) {
		r = recv_frame(sv[0], &h, &body, deadline);
		if (r == -2) {
			timed_out = 1;
			break;
		}
		if (r < 0)
			break;
		if (h.type == FRAME_ASSET) {
			if (reply_asset(sv[0], iso, body.ptr) < 0)
				break;
			continue;
		}
		if (h.type == FRAME_PDF) {
			ret = buf_add(out, body.ptr, body.len);
			if (ret < 0)
				ret = err_set(err, ret, "pdf too large");
			goto done;
		}
		if (h.type == FRAME_ERROR) {
			ret = err_set(err, h.code < 0 ? h.code : FACTA_EPLUGIN,
				      "%s", body.ptr);
			goto done;
		}
		break;
	}
	/* No result: out of time, dead, or speaking nonsense. */
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ret = died(iso, status, timed_out, err);
	pid = 0;
done:
	if (pid > 0) {
		/* It exits right after its last frame. */
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	close(sv[0]);
	buf_dispose(&body);
	return ret;
}
