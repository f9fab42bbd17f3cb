#!/bin/sh
# Fail a CI job when a service's transport behaviour changes.
#
#     sh doc/ci-example.sh CAPTURE GOLDEN.json
#
# CAPTURE is a fresh capture of the service's test traffic; GOLDEN.json a
# report of a good run, checked in (make it with: transcope --json -o
# GOLDEN.json CAPTURE).  Exit 0: all good; 3: a limit was broken or the
# behaviour moved beyond tolerance; 1 or 2: usage or input error.
# The test suite runs this very file (tests/ci-example.sh).
set -eu
capture=$1
golden=$2
report=${REPORT:-transcope-report.json}

# 1. Limits that must always hold (each failure is printed with its value).
transcope --json -o "$report" \
    --assert 'state.RSTR == 0' \
    --assert 'retransmission_rate < 0.05' \
    --assert 'handshake.rtt_s.p95 < 200ms' \
    "$capture"

# 2. Nothing moved beyond tolerance since the golden run.
transcope diff --tolerance rtt=25%,handshake=25% "$golden" "$report"
