/*
 * isolate.c: renders in a forked child (see isolate_int.h). Frames on a
 * socketpair carry asset requests up, assets down and each document's PDF
 * or error up, tagged with the document's index; the parent polls with a
 * deadline per document and kills the child when it passes.
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
	uint32_t job; /* the index of the job it belongs to */
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

static int send_frame(int fd, int type, int code, size_t job, const void *p,
		      size_t n)
{
	struct frame_head h = { (uint32_t)type, code, (uint32_t)job,
				(uint32_t)n };

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

/* The child's side of the socket, and the job it renders. */
struct link {
	int fd;
	size_t job;
};

/* The child's asset callback: asks the parent over the socket. */
static int child_asset(void *payload, const char *name, struct buf *out,
		       struct facta_err *err)
{
	const struct link *k = payload;
	struct frame_head h;
	struct buf body = BUF_INIT;
	int ret;

	if (send_frame(k->fd, FRAME_ASSET, 0, k->job, name, strlen(name)) < 0 ||
	    recv_frame(k->fd, &h, &body, 0) < 0 || h.type != FRAME_REPLY ||
	    h.job != k->job) {
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

/*
 * The limits of one document, set before it in the child: CPU seconds
 * from what the child used so far, address space from what it holds now.
 * Only the soft limits move (the next document may need them raised
 * again); the style cannot touch them, and the parent's wall clock is the
 * hard stop.
 */
static void set_limits(const struct isolate_job *job)
{
	struct rlimit cpu, as;
	struct rusage ru;
	size_t vm;

	getrusage(RUSAGE_SELF, &ru);
	if (getrlimit(RLIMIT_CPU, &cpu) == 0) {
		rlim_t used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec);

		cpu.rlim_cur = used + 1 + (rlim_t)(job->time_ms / 1000 + 1);
		if (cpu.rlim_max != RLIM_INFINITY &&
		    cpu.rlim_cur > cpu.rlim_max)
			cpu.rlim_cur = cpu.rlim_max;
		setrlimit(RLIMIT_CPU, &cpu);
	}
#if !defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer reserves terabytes of shadow memory up front. */
	vm = job->mem_extra ? vm_size() : 0;
	if (vm && getrlimit(RLIMIT_AS, &as) == 0) {
		as.rlim_cur = (rlim_t)(vm + job->mem_extra);
		if (as.rlim_max != RLIM_INFINITY && as.rlim_cur > as.rlim_max)
			as.rlim_cur = as.rlim_max;
		setrlimit(RLIMIT_AS, &as);
	}
#else
	(void)as;
	(void)vm;
#endif
}

/* The child: renders jobs first.. and sends each result as it is done. */
static _Noreturn void child(int fd, const struct isolate *iso, size_t first)
{
	/* Over its CPU limit the child must die, whatever facta inherited. */
	signal(SIGXCPU, SIG_DFL);
	for (size_t i = first; i < iso->njobs; i++) {
		const struct isolate_job *job = &iso->jobs[i];
		struct link k = { fd, i };
		struct facta_err err = { 0 };
		struct buf pdf = BUF_INIT;
		int ret, sent;

		set_limits(job);
		ret = iso->run(iso->payload, i, &pdf,
			       job->asset ? child_asset : NULL, &k, &err);
#if defined(__SANITIZE_ADDRESS__)
		/* _exit skips LeakSanitizer: check the render's memory here. */
		if (__lsan_do_recoverable_leak_check())
			ret = err_set(&err, FACTA_ENOMEM,
				      "%s: the renderer leaked memory",
				      job->what);
#endif
		if (ret < 0)
			sent = send_frame(fd, FRAME_ERROR, ret, i, err.msg,
					  strlen(err.msg));
		else
			sent = send_frame(fd, FRAME_PDF, 0, i, pdf.ptr,
					  pdf.len);
		buf_dispose(&pdf);
		if (sent < 0)
			_exit(1);
	}
	/* No atexit handlers, no stdio flush of the parent's buffers. */
	_exit(0);
}

/* Answers one asset request from the child. */
static int reply_asset(int fd, const struct isolate_job *job, size_t i,
		       const char *name)
{
	struct facta_err err = { 0 };
	struct buf data = BUF_INIT;
	int ret = FACTA_ENOTFOUND, sent;

	if (job->asset)
		ret = job->asset(job->asset_payload, name, &data, &err);
	else
		err_set(&err, ret, "no asset '%s'", name);
	if (ret < 0)
		sent = send_frame(fd, FRAME_REPLY, ret, i, err.msg,
				  strlen(err.msg));
	else
		sent = send_frame(fd, FRAME_REPLY, 0, i, data.ptr, data.len);
	buf_dispose(&data);
	return sent;
}

static int died(const struct isolate_job *job, int status, int timed_out,
		struct facta_err *err)
{
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

	if (timed_out || sig == SIGXCPU)
		return err_set(err, FACTA_EPLUGIN,
			       "%s ran too long (limit %lu ms)", job->what,
			       job->time_ms);
	if (sig)
		return err_set(err, FACTA_EPLUGIN,
			       "%s stopped the renderer (signal %d: out of "
			       "memory or a crash)",
			       job->what, sig);
	return err_set(err, FACTA_EPLUGIN,
		       "%s: the renderer ended without a result", job->what);
}

/* A renderer child for jobs first..; its socket in *fd. */
static int spawn(pid_t *pid, int *fd, const struct isolate *iso,
		 size_t first, struct facta_err *err)
{
	int sv[2], ret;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return err_set(err, FACTA_EIO, "cannot start the renderer: %s",
			       strerror(errno));
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		ret = err_set(err, FACTA_EIO, "cannot start the renderer: %s",
			      strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return ret;
	}
	if (*pid == 0) {
		close(sv[0]);
		child(sv[1], iso, first);
	}
	close(sv[1]);
	*fd = sv[0];
	return 0;
}

static void reap(pid_t pid, int *status, int kill_it)
{
	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/*
 * Waits for job i's result, answering its asset requests. Returns 0 with
 * the frame in *h and body, or -1 when the child gave none (*timed_out
 * tells whether its time ran out).
 */
static int result(int fd, const struct isolate *iso, size_t i,
		  struct frame_head *h, struct buf *body, int *timed_out)
{
	const struct isolate_job *job = &iso->jobs[i];
	uint64_t deadline = now_ms() + job->time_ms;
	int r;

	*timed_out = 0;
	for (;;) {
		r = recv_frame(fd, h, body, deadline);
		if (r == -2)
			*timed_out = 1;
		if (r < 0 || h->job != i)
			return -1;
		if (h->type == FRAME_PDF || h->type == FRAME_ERROR)
			return 0;
		if (h->type != FRAME_ASSET ||
		    reply_asset(fd, job, i, body->ptr) < 0)
			return -1;
	}
}

int isolate_batch(const struct isolate *iso, struct facta_err *err)
{
	struct buf body = BUF_INIT;
	struct frame_head h;
	size_t next = 0;
	int ret = 0;

	while (next < iso->njobs && ret >= 0) {
		int fd = -1, status = 0, timed_out;
		pid_t pid = 0;

		ret = spawn(&pid, &fd, iso, next, err);
		if (ret < 0)
			break;
		while (next < iso->njobs && ret >= 0) {
			struct facta_err jerr = { 0 };
			int rc = 0;

			if (result(fd, iso, next, &h, &body, &timed_out) < 0) {
				/* Out of time, dead, or speaking nonsense. */
				reap(pid, &status, 1);
				pid = 0;
				rc = died(&iso->jobs[next], status, timed_out,
					  &jerr);
				ret = iso->done(iso->done_payload, next, NULL,
						rc, &jerr);
				next++;
				break;
			}
			if (h.type == FRAME_ERROR)
				rc = err_set(&jerr,
					     h.code < 0 ? h.code
							: FACTA_EPLUGIN,
					     "%s", body.ptr);
			ret = iso->done(iso->done_payload, next,
					rc < 0 ? NULL : &body, rc, &jerr);
			next++;
		}
		/* It exits after its last frame; stopped early, it dies. */
		if (pid > 0)
			reap(pid, &status, next < iso->njobs);
		close(fd);
	}
	buf_dispose(&body);
	return ret < 0 ? ret : 0;
}
