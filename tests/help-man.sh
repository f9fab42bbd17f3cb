#!/bin/sh
# --help and transcope(1) list the same options, for transcope and for
# transcope diff, and the binary accepts every option they name.
#
# From each side, two lists of options (-x and --name):
#   synopsis  --help's usage lines; the man page's SYNOPSIS section (for
#             diff, the .Op lines after ".Cm diff" in COMPARING REPORTS)
#   options   --help's option lines (an option at column 3 or 7); the
#             man page's .It lines in DESCRIPTION (for diff, in COMPARING
#             REPORTS)
# and each pair must be equal; an option in one but not the other is named.
# The man page is read as mdoc source (Fl hlqV, Fl Fl name), so mandoc is
# not needed.  An option is a contract: a mismatch is fixed in the
# documentation, never by dropping the option.
#
# Environment: top_srcdir, top_builddir (set by make check), or defaults.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
bin=$(cd "$builddir/src" && pwd)/transcope
page=$srcdir/man/transcope.1
[ -x "$bin" ] || { echo "help-man: no binary at $bin" >&2; exit 99; }
[ -f "$page" ] || { echo "help-man: no $page" >&2; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/transcope-help-man.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM
fail=0
pass=0

# help_opts synopsis|options < help text: one option a line.
help_opts() {
	awk -v want="$1" '
	# Every -x (a bundle -hlqV gives each letter) and --name in s.
	function emit(s,    w, n, i, j) {
		n = split(s, w, /[][ \t|,]+/)
		for (i = 1; i <= n; i++) {
			if (w[i] ~ /^--[A-Za-z][A-Za-z0-9-]*$/)
				print w[i]
			else if (w[i] ~ /^-[A-Za-z0-9]+$/)
				for (j = 2; j <= length(w[i]); j++)
					print "-" substr(w[i], j, 1)
		}
	}
	/^usage:/ { syn = 1 }
	syn && /^$/ { syn = 0 }
	syn && want == "synopsis" { sub(/^(usage:)? *transcope( diff)?/, ""); emit($0) }
	!syn && want == "options" && (/^  -[A-Za-z]/ || /^      --[A-Za-z]/) {
		# The option and its alias: up to the first word not an option.
		line = $0
		sub(/^ +/, "", line)
		n = split(line, w, / +/)
		s = ""
		for (i = 1; i <= n && w[i] ~ /^--?[A-Za-z]/; i++)
			s = s " " w[i]
		emit(s)
	}' | LC_ALL=C sort -u
}

# man_opts SECTION synopsis|options < man page: one option a line.  SECTION
# is main (SYNOPSIS and DESCRIPTION) or diff (COMPARING REPORTS).
man_opts() {
	awk -v sect="$1" -v want="$2" '
	# Every Fl in a macro line: "Fl Fl name" is --name, "Fl xyz" -x -y -z.
	function emit(s,    w, n, i, j, a) {
		n = split(s, w, /[ \t]+/)
		for (i = 1; i < n; i++) {
			if (w[i] != "Fl" && w[i] != ".Fl")
				continue
			a = w[i + 1]
			if (a == "Fl") {
				a = (i + 2 <= n) ? w[i + 2] : ""
				sub(/[,.;:)]+$/, "", a)
				if (a ~ /^[A-Za-z][A-Za-z0-9-]*$/)
					print "--" a
				i++
			} else if (a ~ /^[A-Za-z0-9]+$/) {
				for (j = 1; j <= length(a); j++)
					print "-" substr(a, j, 1)
			}
		}
	}
	/^\.Sh / { sh = $0; sub(/^\.Sh /, "", sh); indiff = 0 }
	sect == "main" && want == "synopsis" && sh == "SYNOPSIS" { emit($0) }
	sect == "main" && want == "options" && sh == "DESCRIPTION" && /^\.It / { emit($0) }
	sect == "diff" && sh == "COMPARING REPORTS" {
		if (/^\.Cm diff$/) { indiff = 1; next }
		if (indiff && !/^\.(Op|Ar) /) indiff = 0
		if (want == "synopsis" && indiff) emit($0)
		if (want == "options" && /^\.It Fl /) emit($0)
	}' "$page" | LC_ALL=C sort -u
}

# same WHAT HELP-LIST MAN-LIST
same() {
	if cmp -s "$2" "$3"; then
		pass=$((pass + 1))
		return
	fi
	fail=$((fail + 1))
	for o in $(LC_ALL=C comm -23 "$2" "$3"); do
		echo "FAIL: $1: $o in --help, not in transcope(1)"
	done
	for o in $(LC_ALL=C comm -13 "$2" "$3"); do
		echo "FAIL: $1: $o in transcope(1), not in --help"
	done
}

"$bin" --help > "$tmp/help" 2>&1 || { echo "FAIL: transcope --help failed"; exit 1; }
"$bin" diff --help > "$tmp/diffhelp" 2>&1 ||
	{ echo "FAIL: transcope diff --help failed"; exit 1; }

for cmd in main diff; do
	help=$tmp/help name="transcope"
	[ $cmd = diff ] && help=$tmp/diffhelp name="transcope diff"
	for part in synopsis options; do
		help_opts $part < "$help" > "$tmp/$cmd.$part.help"
		man_opts $cmd $part > "$tmp/$cmd.$part.man"
		# An empty list would make two broken parsers agree.
		if ! [ -s "$tmp/$cmd.$part.help" ] || ! [ -s "$tmp/$cmd.$part.man" ]
		then
			echo "FAIL: $name $part: no option found (parser out of date?)"
			fail=$((fail + 1))
			continue
		fi
		same "$name $part" "$tmp/$cmd.$part.help" "$tmp/$cmd.$part.man"
	done
	# The binary knows every option named; getopt's complaint is the
	# only sign looked for (most of these runs then stop on no file; -D
	# would list the interfaces, so is left out).
	prefix=
	[ $cmd = diff ] && prefix=diff
	for o in $(cat "$tmp/$cmd.synopsis.help" "$tmp/$cmd.options.help" \
	    "$tmp/$cmd.synopsis.man" "$tmp/$cmd.options.man" | LC_ALL=C sort -u)
	do
		case $o in -D|--list-interfaces) continue ;; esac
		# shellcheck disable=SC2086 # prefix is empty or one word
		"$bin" $prefix "$o" </dev/null >/dev/null 2>"$tmp/err"
		if grep -q "unknown option" "$tmp/err"; then
			echo "FAIL: $name: documented $o unknown: $(head -n 1 "$tmp/err")"
			fail=$((fail + 1))
		else
			pass=$((pass + 1))
		fi
	done
done

echo "help-man: $pass passed, $fail failed"
[ $fail -eq 0 ]
