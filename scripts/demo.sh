#!/usr/bin/env bash
# demo.sh: installs what is needed, builds facta, and runs its main job on
# realistic Dutch data: an account, a customer, two invoices (21 % and 9 %)
# finalized and rendered to PDF, synced to a bare git repository and cloned
# onto a "second laptop" whose invoice list and view digest match the first.
# Everything lands in ./demo-out (removed and made anew on each run).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install-deps.sh"
cmake -S "$top" -B "$top/build" >/dev/null
cmake --build "$top/build" -j "$(nproc 2>/dev/null || echo 2)" --target facta
facta=$top/build/cli/facta
export FACTA_STYLES_DIR=$top/styles
out=$top/demo-out
rm -rf "$out"
mkdir -p "$out"
cd "$out"
# Dates relative to today: the first invoice is overdue, the second is open.
d1=$(date -d "-40 days" +%F)
d2=$(date -d "-5 days" +%F)
pay=$(date -d "-20 days" +%F)
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { step "facta $*"; "$facta" "$@"; }

run init desk
export FACTA_ACCOUNT=$out/desk
run company set --name "Studio Lindeboom" --address "Kanaalweg 14 B" \
	--postcode 3526KL --city Utrecht --country NL --kvk 04567821 \
	--vat NL004495445B01 --iban "NL91 ABNA 0417 1643 00" \
	--email factuur@lindeboom.example --payment-term 14
step 'customer=$(facta relation add --name "Café '"'"'t Hoekje" ...)'
customer=$("$facta" relation add --name "Café 't Hoekje" --address "Oudegracht 12" \
	--postcode "3511 AB" --city Utrecht --kvk 08123456 --email jan@hoekje.example)
echo "$customer"

step 'id=$(facta invoice new --to '"$customer"' --date '"$d1"')'
id=$("$facta" invoice new --to "$customer" --date "$d1")
echo "$id"
run invoice add-line "$id" --desc "Ontwerp menukaart en huisstijl, twee correctierondes" \
	--qty 12,5 --price 85,00 --vat 21
run invoice add-line "$id" --desc "Drukwerk menukaarten (200 stuks)" --qty 1 --price 312,40 --vat 21
step 'n1=$(facta invoice finalize '"${id:0:8}"')'
n1=$("$facta" invoice finalize "$id")
echo "$n1"

step 'id=$(facta invoice new --to '"$customer"' --date '"$d2"')'
id=$("$facta" invoice new --to "$customer" --date "$d2")
echo "$id"
run invoice add-line "$id" --desc "Workshop fotografie voor het team" --qty 3 --price 65 --vat 21
run invoice add-line "$id" --desc "Lunch workshop (Müller catering)" --qty 8 --price 14,95 --vat 9
run invoice add-line "$id" --desc "Appeltaart bij de koffie" --qty 2 --price 18,50 --vat 9
step 'n2=$(facta invoice finalize '"${id:0:8}"')'
n2=$("$facta" invoice finalize "$id")
echo "$n2"

run invoice pay "$n1" --amount 700,00 --date "$pay"
run invoice show "$n2"
run invoice pdf "$n1" -o "$out/$n1.pdf"
run invoice pdf "$n2" -o "$out/$n2-en.pdf" --lang en

step "git init --bare remote.git"
git init -q --bare "$out/remote.git"
run remote add origin "$out/remote.git"
run sync
unset FACTA_ACCOUNT
run clone "file://$out/remote.git" laptop

step "compare the two laptops"
"$facta" -A desk invoice list | tee desk.list
"$facta" -A laptop invoice list > laptop.list
desk=$("$facta" -A desk debug digest)
laptop=$("$facta" -A laptop debug digest)
echo "desk   digest $desk"
echo "laptop digest $laptop"
if cmp -s desk.list laptop.list && [ "$desk" = "$laptop" ]; then
	printf '\nThe second laptop holds the same invoices. PDFs: %s\n' "$(ls "$out"/*.pdf | tr '\n' ' ')"
else
	echo "demo: the clone differs from the original" >&2
	exit 1
fi
