/*
 * repo_stream.c: the TCP connection under git://, http:// and https://
 * remotes. libgit2's own socket stream leaves the kernel's delayed ACKs
 * on, and git's servers write their replies in small pieces with Nagle's
 * algorithm on: each round of the fetch negotiation then waited 40 ms
 * (the delayed-ACK timer) for a reply of a few hundred bytes. This stream
 * acknowledges at once (TCP_QUICKACK before every read) and sends at once
 * (TCP_NODELAY). ssh remotes keep libgit2's stream: its ssh transport reads
 * the socket out of it.
 */
#include "core/compat.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <git2/sys/stream.h>

#include "sync/repo_int.h"

struct tcp_stream {
	git_stream parent;
	char *host, *port;
	int fd;
};

static int tcp_connect(git_stream *gs)
{
	struct tcp_stream *s = (struct tcp_stream *)gs;
	struct addrinfo hints = {0}, *res = NULL;
	int one = 1, rc, saved = 0;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(s->host, s->port, &hints, &res)) != 0) {
		git_error_set(GIT_ERROR_NET, "cannot resolve '%s': %s",
			      s->host, gai_strerror(rc));
		return -1;
	}
	for (struct addrinfo *a = res; a && s->fd < 0; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC,
				a->ai_protocol);

		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
			s->fd = fd;
			break;
		}
		saved = errno;
		close(fd);
	}
	freeaddrinfo(res);
	if (s->fd < 0) {
		git_error_set(GIT_ERROR_NET, "cannot connect to %s:%s: %s",
			      s->host, s->port, strerror(saved ? saved : EIO));
		return -1;
	}
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

static ssize_t tcp_read(git_stream *gs, void *data, size_t len)
{
	struct tcp_stream *s = (struct tcp_stream *)gs;
	int one = 1;
	ssize_t n;

	/* Quick-ACK mode does not stick: the kernel leaves it on its own. */
	setsockopt(s->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	do
		n = recv(s->fd, data, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		git_error_set(GIT_ERROR_NET, "cannot read from %s: %s",
			      s->host, strerror(errno));
	return n;
}

static ssize_t tcp_write(git_stream *gs, const char *data, size_t len,
			 int flags)
{
	struct tcp_stream *s = (struct tcp_stream *)gs;
	ssize_t n;

	(void)flags;
	do
		n = send(s->fd, data, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		git_error_set(GIT_ERROR_NET, "cannot write to %s: %s",
			      s->host, strerror(errno));
	return n;
}

static int tcp_close(git_stream *gs)
{
	struct tcp_stream *s = (struct tcp_stream *)gs;
	int rc = s->fd >= 0 ? close(s->fd) : 0;

	s->fd = -1;
	return rc < 0 ? -1 : 0;
}

static void tcp_free(git_stream *gs)
{
	struct tcp_stream *s = (struct tcp_stream *)gs;

	if (s->fd >= 0)
		close(s->fd);
	free(s->host);
	free(s->port);
	free(s);
}

static int tcp_new(git_stream **out, const char *host, const char *port)
{
	struct tcp_stream *s = calloc(1, sizeof(*s));

	if (!s || !(s->host = strdup(host)) || !(s->port = strdup(port))) {
		if (s)
			free(s->host);
		free(s);
		git_error_set_oom();
		return -1;
	}
	s->fd = -1;
	s->parent.version = GIT_STREAM_VERSION;
	s->parent.connect = tcp_connect;
	s->parent.read = tcp_read;
	s->parent.write = tcp_write;
	s->parent.close = tcp_close;
	s->parent.free = tcp_free;
	*out = &s->parent;
	return 0;
}

int repo_stream_for(const char *url)
{
	static git_stream_registration tcp = {GIT_STREAM_VERSION, tcp_new,
					      NULL};
	bool ours = url && (!strncasecmp(url, "git://", 6) ||
			    !strncasecmp(url, "http://", 7) ||
			    !strncasecmp(url, "https://", 8));

	return git_stream_register(GIT_STREAM_STANDARD, ours ? &tcp : NULL);
}
