#!/usr/bin/env bash
# t0073: KvK search and profile, relation add --from-kvk and refresh, VIES
# checks stored as evidence, against a real HTTP server on 127.0.0.1 that
# answers with the fixtures of tests/data; offline and unavailable cases.
. "$(dirname "$0")/lib.sh"
data="$FACTA_SOURCE_DIR/tests/data"
/usr/bin/python3 "$FACTA_SOURCE_DIR/tests/cli/lookup_server.py" "$data" "$T/port" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
port=$(cat "$T/port")
base="http://127.0.0.1:$port"

make_account acct
test_case "config is per device, mode 0600"
expect_ok -A acct kvk config --url "$base/kvk" --api-key test-key
expect_ok -A acct vat config --url "$base/vies"
expect_eq "600" "$(stat -c %a acct/.facta/lookup.conf)" "config mode"
git -C acct ls-files | grep -q lookup.conf && fail "config in the journal" || ok

test_case "kvk search: hits, no hits, links array"
expect_ok -A acct kvk search lindeboom
expect_match "04567821 +000051234567 +Lindeboom Webwerk B.V." "$out" "first hit"
expect_match "70123456 .*Lindeboom Consultancy.* no$" "$out" "inactive foreign hit"
f -A acct kvk search lindeboom --json
expect_eq "4" "$(printf '%s' "$out" | grep -c '"kvk"')" "four hits"
expect_ok -A acct kvk search nobody
expect_eq "" "$out" "no hits is not an error"
expect_match "no companies found" "$errout" "no hits message"
expect_ok -A acct kvk search links
expect_match "Lindeboom Studio Zwolle" "$out" "links array accepted"
expect_ok -A acct kvk search --kvk 04567821
expect_ok -A acct kvk search --postcode 3526KL --number 14
expect_match "Kanaalweg|Utrecht" "$out" "postcode search"

test_case "relation add --from-kvk fills name and address"
expect_ok -A acct relation add --from-kvk 04567821 --email info@lindeboom.example
num=$out
f -A acct relation show "$num" --json
expect_match '"name": "Lindeboom Webwerk B.V."' "$out" "name"
expect_match '"address": "Kanaalweg 14 B"' "$out" "street"
expect_match '"postcode": "3526 KL"' "$out" "postcode normalised"
expect_match '"kvk": "04567821"' "$out" "kvk"
expect_match '"website": "www.lindeboom-webwerk.example"' "$out" "website"

test_case "refresh shows and applies the differences"
expect_ok -A acct relation edit "$num" --city Zwolle --name "Oude Naam"
expect_ok -A acct relation refresh "$num" --dry-run
expect_match "city +'Zwolle' -> 'Utrecht'" "$out" "city diff"
expect_match "name +'Oude Naam' -> 'Lindeboom Webwerk B.V.'" "$out" "name diff"
f -A acct relation show "$num" --json
expect_match '"city": "Zwolle"' "$out" "dry run changed nothing"
expect_ok -A acct relation refresh "$num"
f -A acct relation show "$num" --json
expect_match '"city": "Utrecht"' "$out" "refreshed"
expect_ok -A acct relation refresh "$num"
expect_match "matches the kvk" "$errout" "nothing left to change"

test_case "vies: valid answer stored as evidence"
expect_ok -A acct relation add --name "De Smet & Peeters BV" --country BE --vat BE0412345614
be=$out
expect_ok -A acct vat check BE0412345614
expect_match "BE0412345614 valid" "$out" "valid"
expect_match "consultation +WAPIAAAAZ8kQ3mB2" "$out" "consultation number"
expect_match "Kortrijksesteenweg 210/3" "$out" "address lines"
f -A acct relation show "$be" --json
expect_match '"request_id": "WAPIAAAAZ8kQ3mB2"' "$out" "evidence stored"
expect_match '"result": "valid"' "$out" "result stored"
expect_match '"date": "2026-03-20"' "$out" "evidence date"

test_case "vies: invalid, '---' is absent"
expect_ok -A acct relation add --name "Ongeldig BV"
nl=$out
expect_ok -A acct vat check NL001234567B02 --relation "$nl"
expect_match "NL001234567B02 invalid" "$out" "invalid"
if printf '%s' "$out" | grep -q -- '---'; then fail "--- shown"; else ok; fi
f -A acct relation show "$nl" --json
expect_match '"result": "invalid"' "$out" "invalid stored"

test_case "vies unavailable is unknown, never invalid"
expect_ok -A acct relation add --name "Müller" --country DE --vat DE314159262
before=$(snapshot acct)
expect_fail 6 "unknown, try again" -A acct vat check DE314159262
expect_eq "$before" "$(snapshot acct)" "nothing stored"

test_case "a refused api key, and an offline machine"
expect_ok -A acct kvk config --api-key wrong
expect_fail 2 "refused the api key" -A acct kvk search lindeboom
kill $server; wait $server 2>/dev/null
before=$(snapshot acct)
FACTA_KVK_API_KEY=test-key expect_fail 6 "cannot reach the kvk api at '127.0.0.1:$port': offline" \
	-A acct relation add --from-kvk 04567821
expect_fail 6 "cannot reach the vies service" -A acct vat check BE0412345614
expect_eq "$before" "$(snapshot acct)" "offline changed nothing"
finish
