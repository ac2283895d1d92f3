#!/usr/bin/env bash
# t0090: a seeded randomized simulation: 4 devices on one remote doing random
# work (relations, edits of one field, drafts, finalize, pay), random
# partitions (a device's remote disappears), random sync order, syncs killed
# with -9 at random points. At the end: the same digest everywhere, every
# view equal to a rebuild, every series gap-free and duplicate-free (doctor).
# FACTA_SIM_SEED replays a run; FACTA_SIM_STEPS sets its length (300).
. "$(dirname "$0")/lib.sh"

seed=${FACTA_SIM_SEED:-$(( $(date +%s) % 100000 ))}
steps=${FACTA_SIM_STEPS:-300}
RANDOM=$seed
echo "simulation seed $seed, $steps steps (replay: FACTA_SIM_SEED=$seed)"
N=4
points=(fetch-done sync-fetched push-objects-sent push-ref-moved)

git init -q --bare remote.git
make_account d1
ln -s "$T/remote.git" link1
expect_ok -A d1 remote add origin "$T/link1"
expect_ok -A d1 sync
expect_ok -A d1 device set --offline-series L1
for i in $(seq 2 $N); do
	ln -s "$T/remote.git" "link$i"
	expect_ok clone "$T/link$i" "d$i"
	expect_ok -A "d$i" device set --offline-series "L$i"
done
declare -A drafts numbers online
for i in $(seq $N); do drafts[$i]=""; numbers[$i]=""; online[$i]=1; done

run() { "$FACTA" "$@" >"$T/.out" 2>>"$T/sim.log"; }

for step in $(seq "$steps"); do
	i=$((RANDOM % N + 1))
	d="d$i"
	case $((RANDOM % 10)) in
	0) run -A "$d" relation add --name "Klant $step" --address "Straat $step" --city Utrecht ;;
	1) run -A "$d" relation edit 1 --city "Stad $step" ;;
	2 | 3)
		if run -A "$d" invoice new --to 1 --date 2026-03-15; then
			id=$(cat "$T/.out")
			run -A "$d" invoice add-line "$id" --desc "Werk $step" --qty 1 --price "$((RANDOM % 500 + 1))" --vat 21 &&
				drafts[$i]="${drafts[$i]} $id"
		fi ;;
	4)
		set -- ${drafts[$i]}
		if [ $# -gt 0 ]; then
			id=$1; shift; drafts[$i]="$*"
			if run -A "$d" invoice finalize "$id"; then
				numbers[$i]="${numbers[$i]} $(cat "$T/.out")"
			else
				drafts[$i]="${drafts[$i]} $id" # offline without series? keep it
			fi
		fi ;;
	5)
		set -- ${numbers[$i]}
		# $RANDOM in the parent shell only: a subshell reseeds it.
		n=$((RANDOM % ($# + 1)))
		[ "$n" -gt 0 ] && run -A "$d" invoice pay "${!n}" --amount 1 ;;
	6)
		if [ "${online[$i]}" = 1 ]; then rm "link$i"; online[$i]=0
		else ln -s "$T/remote.git" "link$i"; online[$i]=1; fi ;;
	7)
		if [ "${online[$i]}" = 1 ]; then
			point=${points[$((RANDOM % ${#points[@]}))]}
			(FACTA_TEST_KILL_AT=$point "$FACTA" -A "$d" sync >/dev/null 2>>"$T/sim.log") 2>/dev/null
		fi ;;
	*) [ "${online[$i]}" = 1 ] && run -A "$d" sync ;;
	esac
done

test_case "everything converges (seed $seed)"
for i in $(seq $N); do [ -e "link$i" ] || ln -s "$T/remote.git" "link$i"; done
for round in 1 2; do
	for i in $(seq $N); do
		"$FACTA" -A "d$i" sync 2>>"$T/sim.log" || fail "sync of d$i (seed $seed): $(tail -1 "$T/sim.log")"
	done
done
want=$("$FACTA" -A d1 debug digest)
for i in $(seq $N); do
	expect_eq "$want" "$("$FACTA" -A "d$i" debug digest)" "digest of d$i (seed $seed)"
	expect_ok -A "d$i" doctor
	printf '%s\n' "$out" | grep -q PROBLEM && fail "doctor on d$i (seed $seed): $out"
	expect_ok -A "d$i" rebuild
	expect_eq "$want" "$("$FACTA" -A "d$i" debug digest)" "rebuild of d$i (seed $seed)"
done
finished=$(printf '%s\n' ${numbers[@]} | grep -c . || true)
echo "simulation: $finished invoices finalized"
[ "$finished" -gt 0 ] && ok || fail "nothing was finalized (seed $seed)"
finish
