#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The report page in headless Chromium, in TAP: it loads from file:// with
# no console error and no script error, its scripts run to the end, the key
# numbers are in the rendered DOM, a hostile message stays text, and a
# screenshot is kept (REPORT_SCREENSHOT, else ./report-screenshot.png: in
# the build's tests/ under make check). The error checks are shown to work
# on a copy of the page with a deliberate script error. Skips when
# chromium is missing (contrib/install-deps installs it).
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
browser=$(command -v chromium || command -v chromium-browser)
if [ -z "$browser" ]; then
	echo "1..0 # SKIP chromium is not installed (Debian package chromium)"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
shot=${REPORT_SCREENSHOT:-$PWD/report-screenshot.png}
. "$here/tap_checks.sh"
. "$here/report_run.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
echo "1..17"

# browse PAGE OUT [FLAG...]: loads PAGE headless; the output in OUT, the
# browser's log (console messages included) in OUT.log. Bounded: a browser
# that hangs fails the check instead of the suite.
browse() {
	page=$1 result=$2
	shift 2
	rm -rf "$work/profile"
	HOME=$work XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache \
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-extensions --no-first-run \
		--user-data-dir="$work/profile" --enable-logging=stderr --v=0 \
		"$@" "file://$page" >"$result" 2>"$result.log"
}

# lacks DESCRIPTION FILE PATTERN: no line of FILE matches the extended regex.
lacks() {
	n=$((n + 1))
	if grep -qE -- "$3" "$2"; then
		echo "not ok $n - $1"
		grep -E -- "$3" "$2" | sed 's/^/# /'
	else
		echo "ok $n - $1"
	fi
}

# matches DESCRIPTION FILE PATTERN: a line of FILE matches the extended regex.
matches() {
	n=$((n + 1))
	if grep -qE -- "$3" "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: no /$3/ in $2"
	fi
}

fixture_run report-300 "$work/runs"
page=$work/runs/$id/report.html
check "the report is written" 0 "$scalable" report "$work/runs/$id"
check "the page loads (--dump-dom)" 0 browse "$page" dom --dump-dom
lacks "no console error" dom.log 'CONSOLE|Uncaught'
lacks "no script error recorded on <html>" dom 'data-js-error="'
holds "its scripts ran to the end" dom 'data-ready="1"'
holds "the run id is shown" dom "<span id=\"run-id\">$id</span>"
holds "the task count is shown" dom 'id="n-tasks">300<'
holds "the failed count is shown" dom 'id="n-failed">31<'
holds "the failed attempts are shown" dom 'id="n-failures">32<'
holds "the OOM finding is shown" dom 'OOM — 30 occurrences'
holds "the memory request is shown" dom '<td class="n">256M</td>'
lacks "the hostile message added no element" dom '<img|<script>document'
lacks "and ran nothing" dom '<title>[12]</title>'

# The same checks must fail on a page with a script error.
sed 's|</main>|</main><script>noSuchFunction();</script>|' "$page" >"$work/broken.html"
browse "$work/broken.html" broken --dump-dom
matches "a deliberate error shows in the console log" broken.log 'Uncaught ReferenceError'
matches "and on <html data-js-error>" broken 'data-js-error="[^"]*noSuchFunction'

rm -f "$shot"
check "a screenshot" 0 browse "$page" shot --screenshot="$shot" --window-size=1280,2000
n=$((n + 1))
if [ -s "$shot" ]; then
	echo "ok $n - screenshot kept: $shot"
else
	echo "not ok $n - no screenshot at $shot"
	sed 's/^/# /' shot.log
fi
exit 0
