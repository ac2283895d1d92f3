#!/usr/bin/env bash
# t0088: the human-readable show and list output of quotes, invoices and
# credit notes (issue 6), compared line by line (trailing blanks dropped):
# every amount adds up, texts, reference and relations to other documents
# are shown. Also: a quote with a non-standard treatment invoiced keeps the
# rates entered, not the effective 0 %.
. "$(dirname "$0")/lib.sh"

make_account acct
export FACTA_TODAY=2026-07-06
# show: run facta, keep stdout with trailing blanks removed.
show() { f "$@"; out=$(printf '%s\n' "$out" | sed 's/ *$//'); }

test_case "quote show"
expect_ok -A acct quote new --to 1 --date 2026-07-01 --valid-until 2026-07-31
q=$out
expect_ok -A acct quote add-line "$q" --desc "Ontwerp menukaart" --qty 10 --price 85 --vat 21
expect_ok -A acct quote add-line "$q" --desc "Drukwerk" --qty 200 --price 0,45 --vat 9 --discount 10
expect_ok -A acct quote add-line "$q" --desc "Extra ronde" --qty 2 --price 85 --vat 21 --optional
expect_ok -A acct quote edit "$q" --discount 5 --intro "Zoals besproken." --closing "Met groet" --reference PO-7
show -A acct quote show "$q"
expect_eq "quote OF2026-0001 (draft)
date         2026-07-01
valid until  2026-07-31
customer     Café 't Hoekje (relation 1)
reference    PO-7

Zoals besproken.

  1 Ontwerp menukaart                               10 x      €85.00  21%      €850.00
  2 Drukwerk                                       200 x       €0.45   9%       €81.00
  3 Extra ronde                      optional        2 x      €85.00  21%      €170.00

lines                        €931.00
discount 5,00%               -€46.55
subtotal excl. VAT           €884.45
VAT 21% over €807.50         €169.58
VAT 9% over €76.95           €6.93
total                        €1,060.96

Met groet" "$out" "quote show"

test_case "invoice show: carried over from the quote"
expect_ok -A acct quote send "$q" --no-mail
expect_ok -A acct quote accept "$q" --invoice --date 2026-07-06
expect_ok -A acct invoice finalize "$out"
n=$out
show -A acct invoice show "$n"
expect_eq "invoice 2026-0001 (open)
quote     OF2026-0001 (2026-07-01)
date      2026-07-06
due       2026-07-20
customer  Café 't Hoekje (relation 1)
reference PO-7

Zoals besproken.

  1 Ontwerp menukaart                          10 x      €85.00  21%      €850.00
  2 Drukwerk                                  200 x       €0.45   9%       €81.00

lines                        €931.00
discount 5,00%               -€46.55
subtotal excl. VAT           €884.45
VAT 21% over €807.50         €169.58
VAT 9% over €76.95           €6.93
total                        €1,060.96
paid                         €0.00
open                         €1,060.96

Met groet" "$out" "invoice show"

test_case "credit note show"
expect_ok -A acct invoice credit "$n" --lines 2 --reason "Drukfout"
c=$out
show -A acct invoice show "$c"
expect_eq "credit note 2026-0002 (issued)
credits   2026-0001 (2026-07-06)
date      2026-07-06
customer  Café 't Hoekje (relation 1)
reference PO-7
notes     Drukfout

  1 Drukwerk                                 -200 x       €0.45   9%      -€81.00

lines                        -€81.00
discount 5,00%               €4.05
subtotal excl. VAT           -€76.95
VAT 9% over -€76.95          -€6.93
total                        -€83.88" "$out" "credit note show"
show -A acct invoice show "$n"
expect_match "^credited +-€83.88$" "$out" "invoice shows the credit"
expect_match "^open +€977.08$" "$out" "open after the credit"

test_case "lists"
expect_ok -A acct invoice pay "$n" --amount 100
show -A acct invoice list
expect_eq "NUMBER       DATE       DUE        STATUS         CUSTOMER                        TOTAL         OPEN
2026-0001    2026-07-06 2026-07-20 partially_paid Café 't Hoekje              €1,060.96      €877.08
2026-0002    2026-07-06 2026-07-06 issued         Café 't Hoekje                -€83.88        €0.00" "$out" "invoice list"
show -A acct quote list
expect_eq "NUMBER       DATE       VALID      STATUS    CUSTOMER                        TOTAL
OF2026-0001  2026-07-01 2026-07-31 invoiced  Café 't Hoekje              €1,060.96" "$out" "quote list"
show -A acct quote show "$q"
expect_match "^invoiced +2026-0001$" "$out" "quote shows its invoice"

test_case "reverse-charged quote: the invoice keeps the rates entered"
expect_ok -A acct relation add --name "Bouw B.V." --address "Kade 1" --city Delft \
	--vat-id NL004495445B01 --kvk 27312152
expect_ok -A acct quote new --to 2 --date 2026-07-01
q2=$out
expect_ok -A acct quote edit "$q2" --vat-treatment reverse_nl
expect_ok -A acct quote add-line "$q2" --desc "Montage" --qty 4 --price 60 --vat 21
expect_ok -A acct quote add-line "$q2" --desc "Boeken" --qty 1 --price 20 --vat 9
show -A acct quote show "$q2"
expect_match "^VAT          reverse_nl$" "$out" "treatment shown"
expect_match "^total +€260.00$" "$out" "no VAT charged"
expect_ok -A acct quote accept "$q2"
expect_ok -A acct quote invoice "$q2"
inv=$out
expect_ok -A acct invoice set "$inv" --vat-treatment standard
f -A acct invoice show "$inv" --json
expect_match '"vat_rate": 21' "$out" "21 % kept"
expect_match '"vat_rate": 9' "$out" "9 % kept"
expect_match '"total_vat_cents": 5220' "$out" "VAT at the rates entered once standard"

test_case "lines keep their order through quote invoice and credit"
expect_ok -A acct quote new --to 1 --date 2026-07-01
q3=$out
for w in een twee drie vier vijf; do
	expect_ok -A acct quote add-line "$q3" --desc "regel $w" --qty 1 --price 10 --vat 21
done
expect_ok -A acct quote accept "$q3" --invoice
expect_ok -A acct invoice finalize "$out"
n3=$out
order() { printf '%s\n' "$out" | sed -n 's/^ *[0-9] regel \([a-z]*\).*/\1/p' | tr '\n' ' '; }
f -A acct invoice show "$n3"
expect_eq "een twee drie vier vijf " "$(order)" "invoice lines in quote order"
expect_ok -A acct invoice credit "$n3"
f -A acct invoice show "$out"
expect_eq "een twee drie vier vijf " "$(order)" "credit note lines in invoice order"

finish
