#!/bin/sh
# Regenerate the golden files on purpose, after a deliberate change of
# output.  Review the diff (git diff tests/golden) before committing it.
exec "$(dirname "$0")/run-golden.sh" --regen
