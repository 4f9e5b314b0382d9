# Shared by the CLI scripts: strict mode, a scratch directory and small helpers.
# Needs: TRENT_ENDPOINT, and AWS credentials/Region in the environment.
set -euo pipefail
# (No `grep -q` at the end of a pipeline: it closes the pipe early and pipefail would see SIGPIPE.)

: "${TRENT_ENDPOINT:?set TRENT_ENDPOINT to the server URL}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kms() { aws --endpoint-url "$TRENT_ENDPOINT" --output json kms "$@"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
