#!/usr/bin/env bash
# t0095: sending invoices and quotes by e-mail to a real SMTP server
# (python3-aiosmtpd on 127.0.0.1): headers, RFC 2047 subject, the PDF
# attachment with its RFC 2231 name, the journaled sending; a refused
# recipient or a server that is down gives exit 6 and records nothing;
# periodic --auto runs send exactly one mail per period.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/servers.sh"

box="$T/box"
start_smtp() {
	local pf="$T/.smtp.port.$RANDOM"
	/usr/bin/python3 "$FACTA_SOURCE_DIR/tests/cli/smtp_server.py" "$box" "$pf" &
	server_pids+=($!)
	for _ in $(seq 100); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	[ -s "$pf" ] || { echo "cannot start smtp server" >&2; exit 1; }
	SMTP_URL="smtp://127.0.0.1:$(cat "$pf")"
}
mails() { ls "$box" 2>/dev/null | grep -c '\.eml$'; }
# part MSG WHAT: a fact of the message, read with Python's email parser.
part() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
what = sys.argv[2]
att = [p for p in m.iter_attachments()]
if what == "subject": print(m["Subject"])
elif what == "raw-subject": print(m.get("Subject").__class__ and open(sys.argv[1], "rb").read().decode("ascii").split("Subject:")[1].split("\r\nDate")[0])
elif what == "from": print(m["From"])
elif what == "to": print(m["To"])
elif what == "msgid": print(m["Message-ID"])
elif what == "body": print(m.get_body(("plain",)).get_content())
elif what == "nattach": print(len(att))
elif what == "filename": print(att[0].get_filename())
elif what == "ctype": print(att[0].get_content_type())
elif what == "pdf": sys.stdout.buffer.write(att[0].get_content())
elif what == "maxline": print(max(len(l) for l in open(sys.argv[1], "rb").read().split(b"\r\n")))
PY
}

make_account acct
expect_ok -A acct company set --name "Studio Zoë Lindeboom"
expect_ok -A acct relation edit 1 --invoice-email "facturen@hoekje.example" \
	--quote-email "offertes@hoekje.example"
expect_ok -A acct invoice new --to 1
id=$out
expect_ok -A acct invoice add-line "$id" --desc "Ontwerp menukaart" --qty 1 --price 100 --vat 21
expect_ok -A acct invoice finalize "$id"
num=$out

test_case "no mail server: a clear error, nothing recorded"
before=$(snapshot acct)
expect_fail 2 "no mail server set up on this device" -A acct invoice send "$num"
expect_eq "$before" "$(snapshot acct)" "nothing written without a server"

test_case "a draft is not sent"
expect_ok -A acct invoice new --to 1
draft=$out
expect_fail 4 "is a draft: finalize it" -A acct invoice send "$draft"

test_case "settings per device, mode 0600"
start_smtp
expect_ok -A acct mail set --smtp "$SMTP_URL" --user facta-test --password-stdin <<<"s3cret"
expect_eq "600" "$(stat -c %a acct/.facta/mail.conf)" "mail.conf mode"
f -A acct mail show
expect_match "smtp	$SMTP_URL" "$out" "show: url"
expect_match "password	\(set\)" "$out" "show: password hidden"
if grep -q s3cret <<<"$out"; then fail "show prints the password"; else ok; fi
if git -C acct log --all -p | grep -q s3cret; then fail "password in the journal"; else ok; fi
expect_fail 2 "smtp://HOST:PORT" -A acct mail set --smtp "http://x"
# aiosmtpd offers no AUTH over plain text: the test server takes no login.
expect_ok -A acct mail set --user "" --password-stdin <<<""

test_case "invoice send: the message as received"
expect_ok -A acct invoice send "$num"
expect_eq "" "$out" "nothing on stdout"
expect_match "sent invoice $num to facturen@hoekje.example" "$errout" "stderr names the recipient"
expect_eq 1 "$(mails)" "one message received"
msg="$box/1.eml"
expect_eq "from factuur@lindeboom.example" "$(sed -n 1p "$box/1.env")" "envelope sender"
expect_eq "to facturen@hoekje.example" "$(sed -n 2p "$box/1.env")" "envelope recipient"
expect_eq "Factuur $num van Studio Zoë Lindeboom" "$(part "$msg" subject)" "utf-8 subject decodes"
expect_match '^Subject: =\?UTF-8\?Q\?Factuur_2026-0001_van_Studio_Zo=C3=AB_Lindeboom\?=' \
	"$(tr -d '\r' <"$msg")" "subject is an RFC 2047 word"
expect_eq "Studio Zoë Lindeboom <factuur@lindeboom.example>" "$(part "$msg" from)" "from"
expect_eq "Café 't Hoekje <facturen@hoekje.example>" "$(part "$msg" to)" "to"
expect_match '^<[0-9a-f]{32}\.facta@lindeboom\.example>$' "$(part "$msg" msgid)" "message id"
body=$(part "$msg" body)
expect_match "^Beste Café 't Hoekje," "$body" "greeting in Dutch"
expect_match "factuur $num van 20 maart 2026 voor een bedrag van € 121,00" "$body" "amount and date as the pack formats them"
expect_match "vóór 3 april 2026" "$body" "due date"
expect_eq 1 "$(part "$msg" nattach)" "one attachment"
expect_eq "application/pdf" "$(part "$msg" ctype)" "attachment type"
expect_eq "Factuur $num Café 't Hoekje.pdf" "$(part "$msg" filename)" "rfc 2231 file name"
expect_match "filename\*0\*=UTF-8''Factuur%20" "$(tr -d '\r' <"$msg")" "file name is RFC 2231 encoded"
part "$msg" pdf >att.pdf
expect_eq "%PDF" "$(head -c 4 att.pdf)" "attachment is a pdf"
expect_match "$num" "$(pdftotext -layout att.pdf - 2>/dev/null)" "pdf text has the number"
ml=$(part "$msg" maxline)
if [ "$ml" -le 78 ]; then ok; else fail "a line of $ml characters"; fi

test_case "the sending is in the journal"
f -A acct mail list --json
expect_match '"to": "facturen@hoekje.example"' "$out" "list: recipient"
expect_match "\"number\": \"$num\"" "$out" "list: number"
expect_match "\"message_id\": \"$(part "$msg" msgid | tr -d '<>')\"" "$out" "list: message id"
expect_match '"date": "2026-03-20"' "$out" "list: date"
f -A acct mail list
expect_match "2026-03-20  invoice +$num +facturen@hoekje.example" "$out" "list: text"
if git -C acct log -p --all | grep -Eq '"op": ?"document.sent"'; then ok; else fail "no document.sent op"; fi

test_case "--to overrides, --dry-run writes the message and sends nothing"
before=$(snapshot acct)
expect_ok -A acct invoice send "$num" --to "boekhouding@hoekje.example" --dry-run -o dry.eml
expect_eq "dry.eml" "$out" "dry run prints the file"
expect_eq 1 "$(mails)" "dry run sent nothing"
expect_eq "$before" "$(snapshot acct)" "dry run recorded nothing"
expect_eq "Café 't Hoekje <boekhouding@hoekje.example>" "$(part dry.eml to)" "dry run: --to"
expect_fail 2 "--dry-run needs -o" -A acct invoice send "$num" --dry-run
expect_fail 2 "invalid recipient" -A acct invoice send "$num" --to "a@b.example>, c@d.example"

test_case "a refused recipient: exit 6, nothing recorded"
before=$(snapshot acct)
expect_fail 6 "refused recipient 'refuse@hoekje.example' \(reply 550\)" \
	-A acct invoice send "$num" --to refuse@hoekje.example
expect_eq "$before" "$(snapshot acct)" "refused: nothing recorded"
expect_eq 1 "$(mails)" "refused: nothing delivered"

test_case "server down: exit 6, nothing recorded"
down="smtp://127.0.0.1:$(free_port)"
FACTA_SMTP_URL=$down expect_fail 6 "cannot reach the mail server '127.0.0.1:[0-9]+'" \
	-A acct invoice send "$num"
expect_eq "$before" "$(snapshot acct)" "down: nothing recorded"

test_case "quote send: mailed to the quote address, status sent"
expect_ok -A acct quote new --to 1
q=$out
expect_ok -A acct quote add-line "$q" --desc "Huisstijl" --qty 1 --price 500 --vat 21
expect_ok -A acct quote send "$q"
expect_eq 2 "$(mails)" "quote mailed"
expect_eq "to offertes@hoekje.example" "$(sed -n 2p "$box/2.env")" "quote e-mail"
expect_eq "Offerte $q van Studio Zoë Lindeboom" "$(part "$box/2.eml" subject)" "quote subject"
expect_match "geldig tot 19 april 2026" "$(part "$box/2.eml" body)" "validity in the body"
expect_eq "Offerte $q Café 't Hoekje.pdf" "$(part "$box/2.eml" filename)" "quote file name"
f -A acct quote show "$q" --json
expect_match '"status": "sent"' "$out" "quote is sent"
expect_ok -A acct quote accept "$q"
expect_fail 4 "is accepted and cannot be sent" -A acct quote send "$q"
expect_ok -A acct quote new --to 1
q2=$out
expect_ok -A acct quote add-line "$q2" --desc "Logo" --qty 1 --price 50 --vat 21
before=$(snapshot acct)
expect_fail 6 "refused recipient" -A acct quote send "$q2" --to refuse@x.example
expect_eq "$before" "$(snapshot acct)" "refused quote stays a draft"

test_case "English customer gets English text"
expect_ok -A acct relation add --name "Tiny Ltd" --country GB --lang en \
	--address "1 High St" --postcode "EC1A 1BB" --city London --email ap@tiny.example
expect_ok -A acct invoice new --to 2
eid=$out
expect_ok -A acct invoice add-line "$eid" --desc "Consulting" --qty 2 --price 80 --vat 21
expect_ok -A acct invoice finalize "$eid"
enum=$out
expect_ok -A acct invoice send "$enum"
m3=$box/$(mails).eml
expect_eq "Invoice $enum from Studio Zoë Lindeboom" "$(part "$m3" subject)" "english subject"
expect_match "^Dear Tiny Ltd," "$(part "$m3" body)" "english body"
expect_match "Invoice $enum Tiny Ltd.pdf" "$(part "$m3" filename)" "english file name"

test_case "periodic --auto: one mail per period, never twice"
n0=$(mails)
expect_ok -A acct periodic new --to 1 --schedule monthly --start 2026-04-01 --auto
pid=$out
expect_ok -A acct periodic add-line "$pid" --desc "Hosting VORIGE_MAAND_JAAR" --qty 1 --price 25 --vat 21
expect_ok -A acct periodic activate "$pid"
FACTA_TODAY=2026-05-03 expect_ok -A acct periodic run
nums=$out
expect_eq 2 "$(wc -l <<<"$nums")" "two periods numbered"
expect_eq $((n0 + 2)) "$(mails)" "two mails, one per period"
FACTA_TODAY=2026-05-03 expect_ok -A acct periodic run
expect_eq $((n0 + 2)) "$(mails)" "running again sends nothing"
subjects=$(for i in $(seq $((n0 + 1)) $((n0 + 2))); do part "$box/$i.eml" subject; done | sort)
expect_eq "$(for n in $nums; do echo "Factuur $n van Studio Zoë Lindeboom"; done | sort)" "$subjects" "each numbered invoice mailed once"
part "$box/$((n0 + 1)).eml" pdf >p1.pdf
expect_match "Hosting (maart|april) 2026" "$(pdftotext -layout p1.pdf - 2>/dev/null)" "periodic pdf attached"
f -A acct mail list --json
expect_eq 5 "$(grep -c '"message_id"' <<<"$out")" "five sendings recorded"

test_case "periodic run with the server down: numbered, not sent, told"
expect_ok -A acct periodic deactivate "$pid"
expect_ok -A acct periodic new --to 1 --schedule monthly --start 2026-06-01 --auto
pid2=$out
expect_ok -A acct periodic add-line "$pid2" --desc "Onderhoud" --qty 1 --price 10 --vat 21
expect_ok -A acct periodic activate "$pid2"
n1=$(mails)
FACTA_SMTP_URL=$down FACTA_TODAY=2026-06-01 f -A acct periodic run
expect_eq 1 "$status" "run reports the failed sending"
expect_match "not sent: cannot reach the mail server.*facta invoice send" "$errout" "says how to send it"
expect_eq "$n1" "$(mails)" "nothing delivered"
expect_ok -A acct invoice send "$out"
expect_eq $((n1 + 1)) "$(mails)" "sent by hand afterwards"

test_case "another device sees the sendings"
git init -q --bare remote.git
expect_ok -A acct remote add origin "$T/remote.git"
expect_ok -A acct sync
expect_ok clone "$T/remote.git" laptop
f -A laptop mail list --json
expect_eq 6 "$(grep -c '"message_id"' <<<"$out")" "laptop lists every sending"
expect_eq "$("$FACTA" -A acct debug digest)" "$("$FACTA" -A laptop debug digest)" "digests equal"
expect_fail 2 "no mail server set up" -A laptop invoice send "$num"

stop_servers
finish
