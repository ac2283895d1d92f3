#!/usr/bin/env bash
# t0075: periodic invoices end to end (scenario 7): a monthly hosting invoice
# with VORIGE_MAAND_JAAR, a missed month caught up with its own dates,
# repeated runs that make nothing, and two devices that both run on 3 July
# (one offline) and end with exactly one numbered invoice per period;
# invoice finalize of a periodic draft claims its period first; the
# template's terms reach the invoices; claims over git:// and smart HTTP.
. "$(dirname "$0")/lib.sh"

export FACTA_TODAY=2026-04-20
make_account desk
expect_ok -A desk relation edit 1 --lang nl

test_case "new, lines, preview"
expect_fail 2 "not after today" -A desk periodic new --to 1 --schedule monthly --start 2026-04-20
expect_fail 2 "unknown schedule" -A desk periodic new --to 1 --schedule daily --start 2026-05-01
expect_fail 3 "relation" -A desk periodic new --to 9 --schedule monthly --start 2026-05-01
expect_ok -A desk periodic new --to 1 --schedule monthly --start 2026-05-01 --auto \
	--notes "Periode VORIGE_MAAND_JAAR"
id=$out
expect_match '^[0-9a-f]{32}$' "$id" "new prints the id"
expect_fail 2 "unknown replacement code 'VORIGE_MAAAND'" -A desk periodic add-line "$id" \
	--desc "Hosting VORIGE_MAAAND" --qty 1 --price 25 --vat 21
expect_fail 2 "no lines" -A desk periodic activate "$id"
expect_ok -A desk periodic add-line "$id" --desc "Hosting VORIGE_MAAND_JAAR" --qty 1 --price 25 --vat 21
f -A desk periodic list
expect_match "concept" "$out" "a new schedule is a concept"
expect_ok -A desk periodic preview "${id:0:8}" --next 12
expect_eq 12 "$(printf '%s\n' "$out" | grep -c '^invoice ')" "12 runs previewed"
expect_match "invoice 2026-05-01  due 2026-05-15  total €30.25" "$out" "first run"
expect_match "Hosting april 2026" "$out" "code resolved for May's run"
expect_match "Hosting december 2026" "$out" "January 2027's run"
f -A desk periodic preview "$id" --next 2 --json
expect_match '"total_incl_cents": 3025' "$out" "preview json in cents"
expect_ok -A desk periodic activate "$id"
expect_fail 4 "already active" -A desk periodic activate "$id"

test_case "sync to a second device"
git init -q --bare remote.git
expect_ok -A desk remote add origin "$T/remote.git"
expect_ok -A desk sync
expect_ok clone "$T/remote.git" laptop

test_case "1 May: the first invoice"
FACTA_TODAY=2026-04-30 expect_ok -A laptop periodic run
expect_eq "" "$out" "nothing before the start"
FACTA_TODAY=2026-05-01 expect_ok -A laptop periodic run
expect_eq "2026-0001" "$out" "numbered"
f -A laptop invoice show 2026-0001 --json
expect_match '"description": "Hosting april 2026"' "$out" "Hosting april 2026"
expect_match '"date": "2026-05-01"' "$out" "dated on the scheduled day"
FACTA_TODAY=2026-05-01 expect_ok -A laptop periodic run
expect_eq "" "$out" "a second run makes nothing"
expect_ok -A desk sync

test_case "3 July: desktop offline, laptop online"
git -C desk remote set-url origin "$T/unreachable.git"
FACTA_TODAY=2026-07-03 expect_ok -A desk periodic run
expect_match "offline" "$errout" "desktop says it is offline"
expect_match "2 invoice\(s\) left as drafts" "$errout" "and numbers nothing"
f -A desk invoice list --json
expect_eq 2 "$(printf '%s\n' "$out" | grep -c '"status": "draft"')" "two drafts on the desktop"
FACTA_TODAY=2026-07-03 expect_ok -A laptop periodic run
expect_eq "2026-0002
2026-0003" "$out" "June and July, each once"
f -A laptop invoice show 2026-0002 --json
expect_match '"date": "2026-06-01"' "$out" "June's own date"
expect_match '"description": "Hosting mei 2026"' "$out" "mei 2026"
log=$(git -C laptop log -p "refs/facta/replicas/$(cat laptop/.facta/replica)")
expect_match '"notes":"Periode mei 2026"' "$log" "notes resolved too (frozen)"
f -A laptop invoice show 2026-0003 --json
expect_match '"date": "2026-07-01"' "$out" "July's own date"
expect_match '"description": "Hosting juni 2026"' "$out" "juni 2026"
FACTA_TODAY=2026-07-03 expect_ok -A laptop periodic run
expect_eq "" "$out" "repeated run makes nothing"

test_case "after both sync: one invoice per period"
git -C desk remote set-url origin "$T/remote.git"
expect_ok -A desk sync
expect_ok -A laptop sync
FACTA_TODAY=2026-07-03 expect_ok -A desk periodic run
expect_eq "" "$out" "the desktop makes nothing more"
expect_eq 2 "$(printf '%s\n' "$errout" | grep -c 'void: draft .* never numbered')" "two copies reported"
expect_ok -A desk sync
expect_ok -A laptop sync
for dev in desk laptop; do
	f -A $dev invoice list --json
	expect_eq 3 "$(printf '%s\n' "$out" | grep -c '"number": "2026-')" "$dev: three numbered invoices"
	expect_eq 0 "$(printf '%s\n' "$out" | grep -c '"status": "draft"')" "$dev: no draft left in the list"
done
expect_eq "$("$FACTA" -A desk debug digest)" "$("$FACTA" -A laptop debug digest)" "same view on both"
d=$("$FACTA" -A desk debug digest)
expect_ok -A desk rebuild
expect_eq "$d" "$("$FACTA" -A desk debug digest)" "rebuild gives the same view"
f -A desk periodic show "$id"
expect_eq 2 "$(printf '%s\n' "$out" | grep -c '(void')" "show marks the void copies"
void=$(printf '%s\n' "$out" | grep '(void' | head -1 | awk '{print $2}')
expect_fail 4 "void copy" -A desk invoice finalize "$void"

test_case "a period claimed by another device is voided, not numbered"
git -C remote.git update-ref "refs/facta/claims/periodic/$id/2026-08-01" \
	"$(echo ffffffffffffffffffffffffffffffff | git -C remote.git hash-object -w --stdin)"
FACTA_TODAY=2026-08-02 expect_ok -A laptop periodic run
expect_eq "" "$out" "nothing numbered"
expect_match "claimed by copy ffffffff" "$errout" "claim lost"
f -A laptop invoice list --json
expect_eq 3 "$(printf '%s\n' "$out" | grep -c '"number": "2026-')" "still three"

test_case "draft mode, weekly, end date, state overview"
expect_ok -A desk periodic new --to 1 --schedule weekly --every 2 --start 2026-07-06 \
	--end 2026-08-03 --draft
w=$out
expect_ok -A desk periodic add-line "$w" --desc "Onderhoud week HUIDIGE_WEEK_JAAR" --qty 2 --price 40 --vat 21
expect_ok -A desk periodic activate "$w"
FACTA_TODAY=2026-09-01 expect_ok -A desk periodic run
expect_eq 3 "$(printf '%s\n' "$out" | grep -cE '^[0-9a-f]{32}$')" "three drafts, ids on stdout"
f -A desk invoice list --json --status draft
expect_match "2026-07-06" "$out" "first run"
expect_match "2026-08-03" "$out" "last run on the end date"
expect_ok -A desk periodic deactivate "$w"
f -A desk periodic list --state inactive
expect_match "${w:0:8}  inactive" "$out" "overview by state"
f -A desk periodic list --json
expect_match '"state": "active"' "$out" "json list"
expect_fail 2 "unknown state" -A desk periodic list --state paused

test_case "invoice finalize of a periodic draft claims its period first"
drafts=$(FACTA_TODAY=2026-09-01 "$FACTA" -A desk invoice list --json --status draft |
	grep -o '"id": "[0-9a-f]*"' | cut -d'"' -f4)
d1=$(printf '%s\n' "$drafts" | sed -n 1p)
d2=$(printf '%s\n' "$drafts" | sed -n 2p)
d3=$(printf '%s\n' "$drafts" | sed -n 3p)
expect_eq 3 "$(printf '%s\n' "$drafts" | grep -c .)" "three periodic drafts"
FACTA_TODAY=2026-09-01 expect_ok -A desk invoice finalize "$d1"
expect_eq "2026-0005" "$out" "numbered after the claim (September was 0004)"
claims=$(git -C remote.git for-each-ref --format='%(refname)' "refs/facta/claims/periodic/$w/")
expect_eq 1 "$(printf '%s\n' "$claims" | grep -c .)" "the claim is on the remote"
expect_match "facta-holder: $d1 $(cat desk/.facta/replica)" \
	"$(git -C remote.git log -1 --format=%B "$(printf '%s\n' "$claims" | head -1)")" \
	"the claim names the copy and this device"
git -C desk remote set-url origin "$T/unreachable.git"
before=$(snapshot desk)
FACTA_TODAY=2026-09-01 expect_fail 6 "must first be claimed on the remote" -A desk invoice finalize "$d2"
expect_eq "$before" "$(snapshot desk)" "refused offline, nothing changed"
git -C desk remote set-url origin "$T/remote.git"
p3=$(FACTA_TODAY=2026-09-01 "$FACTA" -A desk invoice show "$d3" --json | grep -o '"date": "[0-9-]*"' | head -1 | cut -d'"' -f4)
git -C remote.git update-ref "refs/facta/claims/periodic/$w/$p3" \
	"$(git -C remote.git commit-tree -m "claim
facta-holder: eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ffffffffffffffffffffffffffffffff" \
		"$(git -C remote.git hash-object -t tree /dev/null)")"
FACTA_TODAY=2026-09-01 expect_fail 4 "claimed by copy eeeeeeee.*void" -A desk invoice finalize "$d3"
f -A desk periodic show "$w"
expect_match "$p3  $d3  \(void" "$out" "the losing draft is void"
FACTA_TODAY=2026-09-01 expect_fail 4 "void copy" -A desk invoice finalize "$d3"

test_case "help and failures change nothing"
expect_ok periodic --help
expect_match "VORIGE_MAAND_JAAR" "$out" "help mentions codes"
before=$(snapshot desk)
expect_fail 2 "give --to" -A desk periodic new --schedule monthly
expect_fail 3 "no periodic invoice" -A desk periodic show abcdef12
expect_fail 2 "nothing to change" -A desk periodic edit "$w"
expect_eq "$before" "$(snapshot desk)" "account unchanged"

test_case "the template's terms reach the invoices"
make_account terms
expect_ok -A terms relation edit 1 --lang nl
expect_ok -A terms periodic new --to 1 --schedule quarterly --start 2026-05-01 --auto \
	--vat-treatment standard --prices incl --discount 10 --show-vat incl \
	--intro "Hosting VORIGE_KWARTAAL_JAAR" --closing "Met dank, HUIDIGE_MAAND_JAAR" \
	--reference "PO HUIDIGE_JAAR" --style classic --notes "Periode VORIGE_MAAND"
t=$out
expect_fail 2 "unknown VAT display" -A terms periodic edit "$t" --show-vat both
expect_fail 2 "treatment" -A terms periodic edit "$t" --vat-treatment sideways
expect_fail 2 "unknown replacement code" -A terms periodic edit "$t" --closing "VORIGE_KWARTAAAL"
expect_ok -A terms periodic add-line "$t" --desc "Hosting" --qty 2 --price 121 --vat 21 --discount 50
expect_ok -A terms periodic add-line "$t" --desc "Support" --qty 1,5 --price 109 --vat 9 --unit uur
expect_ok -A terms periodic activate "$t"
f -A terms periodic show "$t"
expect_match "VAT       standard, prices incl. VAT" "$out" "show: the terms"
expect_match "finalize \(number\) and send by e-mail" "$out" "show says auto sends"
FACTA_TODAY=2026-05-01 f -A terms periodic preview "$t" --next 1 --json
pv=$out
expect_match '"intro": "Hosting 1e kwartaal 2026"' "$pv" "intro resolved for the period"
expect_match '"discount_cents": 2845' "$pv" "document discount in the preview"
ptotal=$(printf '%s\n' "$pv" | grep -o '"total_incl_cents": [0-9]*' | grep -o '[0-9]*$')
FACTA_TODAY=2026-05-01 expect_ok -A terms periodic run
expect_eq "2026-0001" "$out" "numbered without a remote"
f -A terms invoice list --json
expect_match "\"total_incl_cents\": $ptotal" "$out" "run's total == preview's ($ptotal)"
frozen=$(git -C terms log -p "refs/facta/replicas/$(cat terms/.facta/replica)" | grep '"op":"invoice.finalize"')
for want in '"vat_treatment":"standard"' '"prices_incl":true' '"discount_bp":1000' \
	'"show_vat":"incl"' '"intro":"Hosting 1e kwartaal 2026"' '"closing":"Met dank, mei 2026"' \
	'"customer_reference":"PO 2026"' '"style":"classic"' '"notes":"Periode april"' \
	'"discount_bp":5000' '"unit":"uur"'; do
	expect_match "$want" "$frozen" "frozen invoice has $want"
done
expect_ok -A terms invoice pdf 2026-0001 -o terms.pdf

# Claims over smart transports: three devices each made a copy of the same
# period offline; they run at once and exactly one copy is numbered.
. "$(dirname "$0")/servers.sh"
mkdir srv
start_git_daemon "$T/srv" || exit 1
start_http "$T/srv" || exit 1
transport() { # NAME URL
	local name=$1 url=$2 i nums pid codes
	test_case "claims over $name"
	git init -q --bare "srv/$name.git"
	make_account "$name-1"
	expect_ok -A "$name-1" periodic new --to 1 --schedule monthly --start 2026-05-01 --auto
	local s=$out
	expect_ok -A "$name-1" periodic add-line "$s" --desc "Hosting VORIGE_MAAND_JAAR" --qty 1 --price 25 --vat 21
	expect_ok -A "$name-1" periodic activate "$s"
	expect_ok -A "$name-1" remote add origin "$url/$name.git"
	expect_ok -A "$name-1" sync
	for i in 2 3; do expect_ok clone "$url/$name.git" "$name-$i"; done
	for i in 1 2 3; do
		git -C "$name-$i" remote set-url origin "$url/nowhere-$name.git"
		FACTA_TODAY=2026-05-01 expect_ok -A "$name-$i" periodic run
		git -C "$name-$i" remote set-url origin "$url/$name.git"
	done
	pids=()
	for i in 1 2 3; do
		FACTA_TODAY=2026-05-01 "$FACTA" -A "$name-$i" periodic run \
			>"$name-$i.out" 2>"$name-$i.err" &
		pids+=($!)
	done
	codes=""
	for pid in "${pids[@]}"; do wait "$pid"; codes="$codes$?"; done
	expect_eq "000" "$codes" "$name: every run ends cleanly ($(cat "$name"-?.err | tr '\n' ' '))"
	for i in 1 2 3; do
		grep -q '^2026-' "$name-$i.out" && continue
		expect_match 'claimed by copy|is claimed for invoice|void: draft' \
			"$(cat "$name-$i.err")" "$name-$i learns who holds the period"
	done
	nums=$(cat "$name"-?.out | grep -c '^2026-')
	expect_eq 1 "$nums" "$name: one number for the period"
	expect_eq 1 "$(git -C "srv/$name.git" for-each-ref "refs/facta/claims/periodic/$s/" | grep -c .)" \
		"$name: one claim on the remote"
	for i in 1 2 3 1 2 3; do expect_ok -A "$name-$i" sync; done
	for i in 1 2 3; do
		FACTA_TODAY=2026-05-01 expect_ok -A "$name-$i" periodic run
		expect_eq "" "$out" "$name-$i: nothing more is numbered"
		f -A "$name-$i" invoice list --json
		expect_eq 1 "$(printf '%s\n' "$out" | grep -c '"number": "2026-')" "$name-$i: one invoice"
		expect_eq 0 "$(printf '%s\n' "$out" | grep -c '"status": "draft"')" "$name-$i: no draft"
	done
	expect_eq "$("$FACTA" -A "$name-1" debug digest)" "$("$FACTA" -A "$name-3" debug digest)" \
		"$name: same view"
}
transport git "$GIT_URL"
transport http "$HTTP_URL"
stop_servers

finish
