#!/usr/bin/env bash
# t0065: input and files that once broke an account: text that is not one
# clean line, far dates, ambiguous quantities, odd output paths, damaged
# views, foreign git repositories, the same draft finalized twice offline.
. "$(dirname "$0")/lib.sh"

make_account acct
expect_ok -A acct invoice new --to 1 --date 2026-03-15
id=$out

test_case "text fields"
before=$(snapshot acct)
expect_fail 2 "one line only" -A acct company set --name "$(printf 'Regel1\nRegel2')"
expect_fail 2 "direction override" -A acct company set --name "$(printf 'Evil \u202eKPN')"
expect_fail 2 "not valid UTF-8" -A acct company set --name "$(printf 'Caf\xe9')"
expect_fail 2 "control character" -A acct company set --name "$(printf 'Tab\there')"
expect_fail 2 "too long" -A acct company set --name "$(printf 'x%.0s' $(seq 1 400))"
expect_fail 2 "too long" -A acct invoice add-line "$id" --desc "$(printf 'y%.0s' $(seq 1 2500))" --qty 1 --price 1 --vat 21
expect_eq "$before" "$(snapshot acct)" "unchanged"
long=$(printf 'Ä%.0s' $(seq 1 250))
expect_ok -A acct invoice add-line "$id" --desc "$long" --qty 1 --price 1 --vat 21
expect_ok -A acct relation add --name "${long:0:100}"
expect_match "Ä" "$(git -C acct log -1 --format=%s "refs/facta/replicas/$(cat acct/.facta/replica)")" "summary cut at a character"
expect_ok -A acct invoice add-line "$id" --desc "$(printf 'Twee regels\nmet uitleg')" --qty 1 --price 10 --vat 21

test_case "dates and quantities"
expect_fail 2 "year must be between 1900 and 2999" -A acct invoice new --to 1 --date 9999-12-20
expect_fail 2 "ambiguous" -A acct invoice add-line "$id" --desc X --qty 1.000 --price 1 --vat 21
expect_fail 2 "ambiguous" -A acct invoice add-line "$id" --desc X --qty 2,500 --price 1 --vat 21
expect_ok -A acct invoice add-line "$id" --desc X --qty 0,125 --price 8 --vat 21

test_case "number formats cannot make paths; numbers are used once"
expect_fail 2 "number format" -A acct company set --number-format "../{NNNN}"
expect_fail 2 "number format" -A acct company set --number-format "x/{NNNN}"

test_case "ids in capitals"
up=$(printf '%s' "${id:0:8}" | tr a-f A-F)
expect_ok -A acct invoice show "$up"

test_case "output paths"
expect_ok -A acct invoice finalize "$id"
num=$out
"$FACTA" -A acct invoice pdf "$num" -o - > stdout.pdf 2>/dev/null
expect_eq "%PDF" "$(head -c 4 stdout.pdf)" "pdf on stdout"
expect_ok -A acct invoice pdf "$num" -o /dev/null
[ -c /dev/null ] && ok || fail "/dev/null replaced"
mkdir real; ln -s real/target.pdf link.pdf
expect_ok -A acct invoice pdf "$num" -o link.pdf
[ -L link.pdf ] && [ -s real/target.pdf ] && ok || fail "symlink replaced instead of its target"
expect_ok -A acct invoice pdf "$num" -o real
[ -s "real/$num.pdf" ] && ok || fail "-o FOLDER writes FOLDER/NUMBER.pdf"
expect_ok -A acct invoice pdf "$num" -o real/
expect_eq "%PDF" "$(head -c 4 "real/$num.pdf")" "again, with a slash"

test_case "a damaged view is made anew"
d=$("$FACTA" -A acct debug digest)
echo garbage > acct/.facta/view.db
rm -f acct/.facta/view.db-wal acct/.facta/view.db-shm
expect_eq "$d" "$("$FACTA" -A acct debug digest)" "digest after garbage view"
expect_ok -A acct rebuild

test_case "a git repository that is no account"
git init -q plain
expect_fail 3 "not a facta account" -A plain invoice list
[ ! -e plain/.facta ] && ok || fail "created .facta in a foreign repository"

test_case "the same draft finalized on two devices offline"
git init -q --bare remote.git
expect_ok -A acct remote add origin "$T/remote.git"
expect_ok -A acct invoice new --to 1 --date 2026-03-16
twice=$out
expect_ok -A acct invoice add-line "$twice" --desc "Werk" --qty 1 --price 50 --vat 21
expect_ok -A acct sync
expect_ok clone "$T/remote.git" other
# Both go offline: the remote disappears for a while.
mv remote.git remote.away
f -A acct invoice finalize "$twice"
a_status=$status
f -A other invoice finalize "$twice"
b_status=$status
mv remote.away remote.git
if [ "$a_status" -eq 0 ] && [ "$b_status" -eq 0 ]; then
	expect_ok -A acct sync
	expect_ok -A other sync
	expect_ok -A acct sync
	expect_eq "$("$FACTA" -A acct debug digest)" "$("$FACTA" -A other debug digest)" "same digest without a rebuild"
	expect_eq "$("$FACTA" -A acct invoice show "${twice:0:8}" --json)" "$("$FACTA" -A other invoice show "${twice:0:8}" --json)" "same frozen invoice everywhere"
else
	# Offline finalize was refused on at least one side: no double number.
	ok
fi

finish
