#!/usr/bin/env bash
# t0048: exporting many invoice PDFs at once (invoice pdf REF... -o DIR,
# --all [--year Y]) from one renderer process: the same bytes as one at a
# time, names with ĳ ł ß ø come back exactly (pdftotext), qpdf --check
# passes, a document whose style runs too long is named and the others are
# still written, an unknown REF writes nothing.
. "$(dirname "$0")/lib.sh"
for tool in pdftotext qpdf; do
	command -v $tool >/dev/null || { echo "$tool missing"; echo "0 passed, 1 failed"; exit 1; }
done
text() { pdftotext -layout "$1" - 2>/dev/null; }
qcheck() { # FILE
	if qpdf --check "$1" >/dev/null 2>&1; then ok; else fail "qpdf --check $1: $(qpdf --check "$1" 2>&1 | tail -2)"; fi
}

make_account acct
expect_ok -A acct relation add --name "Ĳsbrand van Dĳk" --address "Ĳsselkade 3" \
	--postcode "8011 AB" --city Zwolle
expect_ok -A acct relation add --name "Łukasz Żółć-Straße" --address "Østergade 7" \
	--postcode 1100 --city København --country DK
expect_ok -A acct relation add --name "Slow BV" --address "Weg 1" \
	--postcode "1234 AB" --city Ede
invoice() { # RELATION DATE DESC
	expect_ok -A acct invoice new --to "$1" --date "$2"
	local id=$out
	expect_ok -A acct invoice add-line "$id" --desc "$3" --qty 2 --price 18,50 --vat 21
	expect_ok -A acct invoice finalize "$id"
}
invoice 1 2025-12-20 "Koffie voor Café 't Hoekje"
n1=$out
invoice 2 2026-01-10 "Appeltaart met ĳs, Smørrebrød, Weißwurst"
n2=$out
invoice 3 2026-02-03 "Pierogi z Łodzi, Ærø-ost"
n3=$out
invoice 4 2026-02-04 "Langzaam werk"
n4=$out
invoice 1 2026-02-05 "Nog een keer koffie"
n5=$out
expect_ok -A acct invoice new --to 1
draft=$out
expect_ok -A acct invoice add-line "$draft" --desc "Concept" --qty 1 --price 10 --vat 21

test_case "several numbers into a folder"
expect_ok -A acct invoice pdf "$n2" "$n3" -o out
expect_eq "$(printf 'out/%s.pdf\nout/%s.pdf' "$n2" "$n3")" "$out" "prints the files"
expect_match "2 PDFs written to out" "$errout" "says how many"
for n in "$n2" "$n3"; do qcheck "out/$n.pdf"; done
t2=$(text "out/$n2.pdf")
expect_match "Ĳsbrand van Dĳk" "$t2" "ĳ name"
expect_match "Appeltaart met ĳs, Smørrebrød, Weißwurst" "$t2" "ĳ ø ß line"
t3=$(text "out/$n3.pdf")
expect_match "Łukasz Żółć-Straße" "$t3" "ł ż ó ć ß name"
expect_match "Østergade 7" "$t3" "ø address"
expect_match "Pierogi z Łodzi, Ærø-ost" "$t3" "ł æ ø line"

test_case "a batch gives the bytes of one at a time"
for n in "$n2" "$n3"; do
	expect_ok -A acct invoice pdf "$n" -o "one-$n.pdf"
	cmp -s "one-$n.pdf" "out/$n.pdf" && ok || fail "batch pdf of $n differs"
done

test_case "--all and --year"
expect_ok -A acct invoice pdf --all -o all
expect_eq 5 "$(printf '%s\n' "$out" | wc -l)" "every finalized invoice, no draft"
expect_eq "" "$(ls all | grep draft)" "no draft exported"
for n in "$n1" "$n2" "$n3" "$n4" "$n5"; do
	[ -s "all/$n.pdf" ] && ok || fail "all/$n.pdf missing"
done
cmp -s "all/$n3.pdf" "out/$n3.pdf" && ok || fail "--all pdf differs"
expect_ok -A acct invoice pdf --all --year 2025 -o y2025
expect_eq "y2025/$n1.pdf" "$out" "only 2025"
expect_fail 2 "--year takes YYYY" -A acct invoice pdf "$n1" --year 2025
expect_fail 2 "--year takes YYYY" -A acct invoice pdf --all --year 25
expect_fail 2 "give invoice numbers or --all" -A acct invoice pdf "$n1" --all

test_case "an unknown number writes nothing"
f -A acct invoice pdf "$n1" 2099-9999 -o none
[ "$status" -ne 0 ] && ok || fail "unknown number accepted"
[ ! -e none ] && ok || fail "folder made for a failed export"

test_case "a document that runs too long is named, the others are written"
# a loop for one customer only: the samples of style add pass
cat > slowstyle.lua <<'EOF'
local s = {}
function s.render(doc, page)
	if doc.customer.name == "Slow BV" then
		-- a long C call the instruction hook never sees
		string.find(string.rep("a", 40000), ".-.-.-.-.-.-b")
	end
	page.text(doc.customer.name .. " " .. (doc.number or ""))
end
return s
EOF
expect_ok -A acct style add slowstyle.lua --name slowstyle
export FACTA_STYLE_TIME_LIMIT_MS=1500
f -A acct invoice pdf "$n3" "$n4" "$n5" --style slowstyle -o slow
unset FACTA_STYLE_TIME_LIMIT_MS
expect_eq 1 "$status" "exit status of a failed document"
expect_match "^facta: $n4: style 'slowstyle.lua' ran too long \(limit 1500 ms\)$" "$errout" "names the document"
expect_match "^facta: 1 of 3 PDFs not written \(see above\)$" "$errout" "sums up"
expect_eq "$(printf 'slow/%s.pdf\nslow/%s.pdf' "$n3" "$n5")" "$out" "the others are written"
expect_match "$n5" "$(text "slow/$n5.pdf")" "after the killed one"
[ ! -e "slow/$n4.pdf" ] && ok || fail "pdf of the failed document written"

test_case "style check renders its samples in one batch"
expect_ok style check slowstyle.lua
expect_match "ok \(16 sample documents rendered\)" "$errout" "all samples"

finish
