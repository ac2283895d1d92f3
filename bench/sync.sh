#!/usr/bin/env bash
# bench/sync.sh: the sync benchmark of issue 3 in one run (see README.md
# "Sync"): per account size, generation, commit p50, full rebuild, clone and
# the sync of one new invoice each way over a path remote and over git://
# (git daemon on 127.0.0.1), next to plain git fetch/push of the same change.
#
# usage: bench/sync.sh BUILD_DIR [SIZE...]   (default sizes: 1000 100000)
# Accounts are generated on tmpfs (/dev/shm) and measured on the disk of
# $FACTA_BENCH_DIR (default /tmp/facta-bench-sync). Rounds: $ROUNDS (5).
# $PER invoices go to one journal transaction (500; 1 writes one per
# domain call, as the CLI does: about 3.5 small commits per invoice).
# With $FACTA_BENCH_SEED/a-SIZE present (an account sync_gen made earlier)
# that copy is measured instead of generating one.
set -euo pipefail

build=$(cd "${1:?usage: bench/sync.sh BUILD_DIR [SIZE...]}" && pwd)
shift
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(1000 100000); fi
F=$build/cli/facta
GEN=$build/bench/sync_gen
work=${FACTA_BENCH_DIR:-/tmp/facta-bench-sync}
tmp=/dev/shm
[ -d "$tmp" ] && [ -w "$tmp" ] || tmp=$work
rounds=${ROUNDS:-5}
per=${PER:-500}
export FACTA_TODAY=2026-11-20 GIT_CONFIG_NOSYSTEM=1 HOME=$work/home
export FACTA_AUTHOR=bench

rm -rf "$work" && mkdir -p "$work/home"
git config --global user.name bench
git config --global user.email bench@localhost
git config --global init.defaultBranch main
daemon_pid=
cleanup() {
	[ -z "$daemon_pid" ] || kill "$daemon_pid" 2>/dev/null || true
	rm -rf "$tmp"/facta-bench-gen.*
}
trap cleanup EXIT

now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }
# median of the numbers given
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timed CMD...: runs CMD quietly, prints its wall ms
timed() {
	local t0
	t0=$(now)
	"$@" >/dev/null 2>"$work/last.err" || {
		echo "sync.sh: failed: $*" >&2
		cat "$work/last.err" >&2
		exit 1
	}
	ms "$t0" "$(now)"
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
git daemon --reuseaddr --listen=127.0.0.1 --port="$port" --base-path="$work" \
	--export-all --enable=receive-pack "$work" >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done

rows=()
row() { rows+=("$(printf '| %s | %s | %s |' "$1" "$2" "$3")"); }

# A bare fsync on the disk of $work: what one durable step costs here.
python3 - "$work" >"$work/fsync.txt" <<'EOF'
import os, sys, time
fd = os.open(os.path.join(sys.argv[1], "fsync.probe"), os.O_CREAT | os.O_WRONLY)
ts = []
for i in range(50):
    os.write(fd, b"x" * 100)
    t = time.perf_counter()
    os.fsync(fd)
    ts.append((time.perf_counter() - t) * 1e3)
ts.sort()
print("%.2f %.2f" % (ts[25], ts[45]))
EOF
read -r fs50 fs90 <"$work/fsync.txt"
row "bare fsync of a 100-byte append (disk of the accounts), p50 / p90" - "$fs50 / $fs90 ms"
s=(); g=()
for _ in $(seq "$rounds"); do s+=("$(timed "$F" --help)"); g+=("$(timed git --version)"); done
row "process start: \`facta --help\` / \`git --version\` (wall)" - "$(median "${s[@]}") / $(median "${g[@]}") ms"

for n in "${sizes[@]}"; do
	d=$work/$n
	mkdir -p "$d"
	seed=${FACTA_BENCH_SEED:-/nonexistent}/a-$n
	if [ -d "$seed" ]; then
		cp -a "$seed" "$d/a"
		row "generate $n invoices: copied from $seed" "$n" "-"
	else
		gdir=$(mktemp -d "$tmp/facta-bench-gen.XXXXXX")
		"$F" init "$gdir/a" >/dev/null 2>&1
		"$F" -A "$gdir/a" company set --name "Studio Lindeboom" \
			--address "Kanaalweg 14 B" --postcode 3526KL --city Utrecht \
			--country NL --kvk 04567821 --vat NL004495445B01 \
			--iban "NL91 ABNA 0417 1643 00" --email factuur@lindeboom.example \
			--payment-term 14 >/dev/null 2>&1
		t=$(timed "$GEN" gen "$gdir/a" "$n" "$per")
		row "generate $n invoices ($per per transaction, tmpfs, incl. rebuild)" "$n" "$((t / 1000)) s"
		cp -a "$gdir/a" "$d/a"
		rm -rf "$gdir"
	fi
	a=$d/a
	if "$F" -A "$a" doctor >"$work/doctor.out" 2>&1; then doc=clean; else doc=FAILED; cat "$work/doctor.out" >&2; fi
	row "\`facta doctor\` on the generated account" "$n" "$doc"
	w=(); u=()
	for _ in $(seq 3); do
		/usr/bin/time -f "%e %U %S" -o "$work/time.out" "$F" -A "$a" rebuild >/dev/null 2>&1
		read -r e us sy <"$work/time.out"
		w+=("$(awk -v e="$e" 'BEGIN { printf "%d", e * 1000 }')")
		u+=("$(awk -v u="$us" -v s="$sy" 'BEGIN { printf "%d", (u + s) * 1000 }')")
	done
	row "full rebuild (\`facta rebuild\`), wall / CPU of both threads (median of 3)" "$n" "$(median "${w[@]}") / $(median "${u[@]}") ms"
	c=$("$GEN" commit "$a" 50 | sed 's/.*p50 \([0-9.]*\) ms, p90 \([0-9.]*\) ms.*/\1 \/ \2/')
	row "commit of one transaction, p50 / p90 (50 commits, fsync on)" "$n" "$c ms"

	for tr in path git; do
		r=$d/r-$tr.git
		git init -q --bare "$r"
		git init -q --bare "$d/gr-$tr.git"
		if [ $tr = path ]; then url=$r; gurl=$d/gr-$tr.git
		else url=git://127.0.0.1:$port/$n/r-$tr.git; gurl=git://127.0.0.1:$port/$n/gr-$tr.git; fi
		at=$d/a-$tr
		cp -a "$a" "$at"
		"$F" -A "$at" remote add origin "$url" >/dev/null 2>&1
		t=$(timed "$F" -A "$at" sync)
		row "first push of the whole account, $tr remote" "$n" "$t ms"
		t=$(timed "$F" clone "$url" "$d/b-$tr")
		row "clone (\`facta clone\`), $tr remote" "$n" "$t ms"
		bt=$d/b-$tr
		# Plain git twins of the same repositories: ga pushes to gr,
		# gb fetches from the facta remote.
		git clone -q --mirror "$at/.git" "$d/ga-$tr.git"
		git -C "$d/ga-$tr.git" push -q "$gurl" 'refs/facta/*:refs/facta/*'
		git clone -q --mirror "$r" "$d/gb-$tr.git"
		push=(); pull=(); gpush=(); gpull=()
		for k in $(seq "$rounds"); do
			id=$("$F" -A "$at" invoice new --to 1 --date 2026-11-20 2>/dev/null)
			"$F" -A "$at" invoice add-line "$id" --desc "Werk $k" --qty 1 \
				--price 85 --vat 21 >/dev/null 2>&1
			"$F" -A "$at" invoice finalize "$id" >/dev/null 2>&1
			git -C "$d/ga-$tr.git" fetch -q "$at/.git" '+refs/facta/*:refs/facta/*'
			push+=("$(timed "$F" -A "$at" sync)")
			pull+=("$(timed "$F" -A "$bt" sync)")
			gpush+=("$(timed git -C "$d/ga-$tr.git" push -q "$gurl" 'refs/facta/replicas/*:refs/facta/replicas/*')")
			gpull+=("$(timed git -C "$d/gb-$tr.git" fetch -q "$url" '+refs/facta/*:refs/facta/*')")
		done
		da=$("$F" -A "$at" debug digest 2>/dev/null)
		db=$("$F" -A "$bt" debug digest 2>/dev/null)
		[ "$da" = "$db" ] || { echo "sync.sh: digests differ after sync ($tr, $n)" >&2; exit 1; }
		row "one new invoice (3 transactions), push: \`facta sync\` on the writer, $tr" "$n" "$(median "${push[@]}") ms"
		row "one new invoice, fetch + apply: \`facta sync\` on the clone, $tr" "$n" "$(median "${pull[@]}") ms"
		row "same change, plain \`git push\`, $tr" "$n" "$(median "${gpush[@]}") ms"
		row "same change, plain \`git fetch\`, $tr" "$n" "$(median "${gpull[@]}") ms"
	done
done

echo "| what | invoices | figure (median of $rounds rounds where repeated) |"
echo "|---|---:|---:|"
printf '%s\n' "${rows[@]}"
