#!/usr/bin/env bash
# servers.sh: git servers on 127.0.0.1 for the CLI tests, started and stopped
# by the test itself: `git daemon` with receive-pack, and smart HTTP through
# git http-backend behind tests/cli/git_http.py. Source after lib.sh.

# free_port: a TCP port nobody listens on right now.
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

server_pids=()
stop_servers() {
	for p in "${server_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	server_pids=()
}
trap stop_servers EXIT

# start_git_daemon ROOT: serves ROOT's bare repositories; sets $GIT_URL.
start_git_daemon() {
	local root=$1 port i
	for i in 1 2 3 4 5; do
		port=$(free_port)
		git daemon --reuseaddr --listen=127.0.0.1 --port="$port" \
			--base-path="$root" --export-all --enable=receive-pack \
			--informative-errors "$root" >"$T/.daemon.log" 2>&1 &
		server_pids+=($!)
		for _ in $(seq 50); do
			if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
				GIT_URL="git://127.0.0.1:$port"
				return 0
			fi
			sleep 0.1
		done
	done
	echo "cannot start git daemon" >&2
	return 1
}

# start_http ROOT [TOKEN]: smart HTTP for ROOT; sets $HTTP_URL. With
# GIT_HTTP_TLS=CERT:KEY set, https (the URL still says http: see start_https).
start_http() {
	local root=$1 token=${2:-} pf="$T/.http.port.$RANDOM"
	/usr/bin/python3 "$FACTA_SOURCE_DIR/tests/cli/git_http.py" "$root" "$pf" $token &
	server_pids+=($!)
	for _ in $(seq 100); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	[ -s "$pf" ] || { echo "cannot start http server" >&2; return 1; }
	HTTP_URL="http://127.0.0.1:$(cat "$pf")"
}

# start_https ROOT CERT KEY: smart HTTP over TLS with that certificate;
# sets $HTTPS_URL.
start_https() {
	GIT_HTTP_TLS="$2:$3" start_http "$1" || return 1
	HTTPS_URL=${HTTP_URL/http:/https:}
}
