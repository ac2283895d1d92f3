#!/usr/bin/env bash
# t0070: relations in full: customers and suppliers, persons, all fields,
# contact persons (one for invoices), notes with dates, categories and
# filters, collection suppliers shown apart, remove, validation.
. "$(dirname "$0")/lib.sh"

make_account acct
test_case "a supplier with every field"
expect_ok -A acct relation add --name "Drukkerij Zwart BV" --kind supplier \
	--type company --code CRED-01 --address "Industrieweg 1" --address2 "Hal 3" \
	--postcode 7903ah --city Hoogeveen --country nl --postal-address "Postbus 7" \
	--postal-postcode 7900aa --postal-city Hoogeveen --kvk "0412 3987" \
	--vat NL865432107B01 --phone "0528-123456" --mobile 06-12345678 \
	--website www.zwart.example --email info@zwart.example \
	--invoice-email facturen@zwart.example --quote-email offertes@zwart.example \
	--salutation "Beste Piet," --iban "NL76 BUNQ 3300 1122 30" --bic bunqnl2a \
	--payment-term-days 30 --reverse-charge nee --vat-treatment standard \
	--lang en --style modern --invoice-cycle monthly --categories "drukwerk, Leveranciers,drukwerk" \
	--products "p-001,p-002" --memo "Levert op dinsdag"
n=$out
j=$("$FACTA" -A acct relation show "$n" --json)
for want in '"kind": "supplier"' '"postcode": "7903 AH"' '"postal_postcode": "7900 AA"' \
	'"kvk": "04123987"' '"iban": "NL76BUNQ3300112230"' '"bic": "BUNQNL2A"' \
	'"payment_term_days": 30' '"reverse_charge": false' '"style": "modern"' \
	'"invoice_cycle": "monthly"' '"invoice_email": "facturen@zwart.example"' \
	'"quote_email": "offertes@zwart.example"' '"country": "NL"' '"lang": "en"'; do
	expect_match "$want" "$j" "$want"
done
expect_match '"Leveranciers",' "$j" "categories sorted, deduplicated"
expect_match '"p-001",' "$j" "linked products"

test_case "a private person who is customer and supplier"
expect_ok -A acct relation add --name "Frans Jansen" --type person --kind both --postcode "3062 ab"
p=$out
expect_ok -A acct relation add --name "Bonnetjes" --kind supplier --collection yes
c=$out

test_case "contact persons, one for invoices"
expect_ok -A acct relation contact add "$n" --name "Piet Zwart" --role eigenaar --email piet@zwart.example
expect_ok -A acct relation contact add "$n" --name "Anna Boekhouding" --email anna@zwart.example --for-invoices
cid=$out
j=$("$FACTA" -A acct relation show "$n" --json)
expect_eq "2" "$(printf '%s' "$j" | grep -c '"role"')" "two contacts"
expect_match '"for_invoices": true' "$j" "one for invoices"
expect_ok -A acct relation contact remove "$n" "Piet Zwart"
expect_eq "1" "$("$FACTA" -A acct relation show "$n" --json | grep -c '"role"')" "one left"
expect_fail 3 "no contact" -A acct relation contact remove "$n" Niemand
expect_fail 2 "e-mail" -A acct relation contact add "$n" --name X --email nope

test_case "notes with dates"
expect_ok -A acct relation note add "$n" "Belde over levertijd" --date 2026-03-01
expect_ok -A acct relation note add "$n" "Nieuwe prijslijst"
j=$("$FACTA" -A acct relation show "$n" --json)
expect_match '"date": "2026-03-01"' "$j" "dated note"
expect_match '"date": "2026-03-20"' "$j" "today's note"
f -A acct relation show "$n"
expect_match "note +2026-03-01 Belde over levertijd" "$out" "note in show"

test_case "filters and collection suppliers apart"
f -A acct relation list --kind supplier
expect_match "Drukkerij Zwart" "$out" "supplier listed"
expect_match "Frans Jansen" "$out" "both is a supplier too"
if printf '%s' "$out" | grep -q "Hoekje"; then fail "customer in supplier list"; else ok; fi
f -A acct relation list --category drukwerk
expect_match "Drukkerij" "$out" "category filter"
expect_eq "1" "$(printf '%s\n' "$out" | grep -cE '^ +[0-9]+ ')" "only one"
f -A acct relation list --search hoogeveen --json
expect_eq "1" "$(printf '%s' "$out" | grep -c '"number"')" "text search"
f -A acct relation list
expect_match "collection suppliers:" "$out" "shown apart"
expect_eq "Bonnetjes" "$(printf '%s\n' "$out" | sed -n '/collection suppliers:/,$p' | grep -o Bonnetjes)" "under its heading"
f -A acct relation list --collection --json
expect_eq "1" "$(printf '%s' "$out" | grep -c '"number"')" "collection filter"

test_case "validation and remove"
before=$(snapshot acct)
expect_fail 2 "kind.*customer, supplier, both" -A acct relation add --name X --kind klantje
expect_fail 2 "vat_treatment" -A acct relation add --name X --vat-treatment weird
expect_fail 2 "bic" -A acct relation add --name X --bic 123
expect_fail 2 "E-notation" -A acct relation add --name X --phone 3,16123E+10
expect_fail 2 "iban" -A acct relation add --name X --iban NL00INGB0000000000
expect_fail 2 "payment term" -A acct relation add --name X --payment-term-days 400
expect_eq "$before" "$(snapshot acct)" "nothing written"
expect_ok -A acct invoice new --to 1
expect_fail 4 "has invoices and is kept" -A acct relation remove 1
expect_ok -A acct relation remove "$c"
expect_fail 3 "no relation $c" -A acct relation show "$c"
expect_ok -A acct relation add --name "Na Verwijderen"
expect_eq "$((c + 1))" "$out" "a removed number is not reused"
expect_ok -A acct relation --help
expect_match "invoice-email" "$out" "help lists fields"
finish
