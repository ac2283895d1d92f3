#!/usr/bin/env bash
# t0045: a house style runs in a sandbox: a style that tries to run a
# command, loops forever or eats memory fails with a clear one-line error,
# does not crash facta, touches nothing, and leaves no PDF behind.
. "$(dirname "$0")/lib.sh"

make_account acct
expect_ok -A acct invoice new --to 1 --date 2026-03-15
id=$out
expect_ok -A acct invoice add-line "$id" --desc "Werk" --qty 1 --price 100 --vat 21
expect_ok -A acct invoice finalize "$id"
num=$out

mkdir styles
cp -r "$FACTA_SOURCE_DIR/styles/." styles/
export FACTA_STYLES_DIR=$T/styles
style() { # NAME BODY: a style whose render() runs BODY
	printf 'local style = { name = "%s" }\nfunction style.render(doc, page)\n%s\nend\nreturn style\n' "$1" "$2" > "styles/$1.lua"
}
style evil_exec 'os.execute("touch '"$T"'/pwned")'
style evil_io 'io.open("'"$T"'/pwned", "w")'
style evil_require 'require("os")'
style evil_loop 'while true do end'
style evil_pcall_loop 'while true do pcall(function() while true do end end) end'
style evil_memory 'local t = {} while true do t[#t + 1] = string.rep("x", 1000000) .. #t end'
style evil_rep 'local s = string.rep("x", 10000000000)'
style evil_bytecode 'load("\27Lua\84\0")()'
style typo 'page.tabel {}'
# Long C calls that never reach the instruction hook: catastrophic patterns.
big='local s = string.rep("a", 40000)'
style evil_find "$big"' string.find(s, ".-.-.-.-.-.-b")'
style evil_match "$big"' string.match(s, "(.-)(.-)(.-)(.-)(.-)(.-)b")'
style evil_gmatch "$big"' for x in string.gmatch(s, ".-.-.-.-.-.-b") do end'
style evil_gsub "$big"' string.gsub(s, "a-a-a-a-a-a-b", "x")'
style evil_method "$big"' pcall(s.find, s, ".-.-.-.-.-.-b")'
style evil_concat 'local t = {} for i = 1, 60 do t[i] = string.rep("x", 1000000) end local s = table.concat(t) string.find(s .. s, ".-.-.-b")'

test_case "sandbox refusals"
expect_fail 1 "evil_exec.lua:3: .*os" -A acct invoice pdf "$num" --style evil_exec -o out.pdf
expect_fail 1 "evil_io.lua:3: .*io" -A acct invoice pdf "$num" --style evil_io -o out.pdf
expect_fail 1 "evil_require.lua:3: .*require" -A acct invoice pdf "$num" --style evil_require -o out.pdf
expect_fail 1 "instruction budget" -A acct invoice pdf "$num" --style evil_loop -o out.pdf
expect_fail 1 "instruction budget" -A acct invoice pdf "$num" --style evil_pcall_loop -o out.pdf
expect_fail 1 "memory" -A acct invoice pdf "$num" --style evil_memory -o out.pdf
expect_fail 1 "memory|too large" -A acct invoice pdf "$num" --style evil_rep -o out.pdf
expect_fail 1 "evil_bytecode.lua:3: " -A acct invoice pdf "$num" --style evil_bytecode -o out.pdf
expect_fail 1 "typo.lua:3: attempt to call a nil value \(field 'tabel'\)" -A acct invoice pdf "$num" --style typo -o out.pdf
[ ! -e pwned ] && ok || fail "a style touched the file system"
[ ! -e out.pdf ] && ok || fail "a failed render left a PDF"

test_case "long C calls are capped by the renderer process"
before=$(snapshot acct)
export FACTA_STYLE_TIME_LIMIT_MS=1500
for s in evil_find evil_match evil_gmatch evil_gsub evil_method; do
	expect_fail 1 "^facta: style '$s.lua' ran too long \(limit 1500 ms\)$" \
		-A acct invoice pdf "$num" --style "$s" -o out.pdf
done
expect_fail 1 "style 'evil_concat.lua' (ran too long|exceeded its memory limit)" \
	-A acct invoice pdf "$num" --style evil_concat -o out.pdf
# The same through the designer's commands (file styles).
expect_fail 1 "style '(styles/)?evil_find.lua' ran too long" style preview styles/evil_find.lua -o out.pdf
expect_fail 1 "evil_gsub.lua.* ran too long" style check styles/evil_gsub.lua
unset FACTA_STYLE_TIME_LIMIT_MS
[ ! -e out.pdf ] && ok || fail "a killed render left a PDF"
expect_eq "$before" "$(snapshot acct)" "account after killed renders"
# No renderer child is left behind (none runs in this test's folder).
left=0
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/cwd" 2>/dev/null)" = "$T" ] &&
		[ "$(cat "$p/comm" 2>/dev/null)" = facta ] && left=$((left + 1))
done
expect_eq 0 "$left" "facta processes left running"

test_case "the real style still works"
expect_ok -A acct invoice pdf "$num" -o out.pdf
[ -s out.pdf ] && ok || fail "no pdf"

finish
