# Steps with timings, for .ci/run: `step NAME COMMAND...` runs COMMAND under set -e, prints how
# long it took, and the summary at exit lists every step's time (a failed one marked as such).
STEP_LINES=()
STEP_NAME=""
STEP_START=0
CI_START=$SECONDS

step() {
  STEP_NAME=$1
  STEP_START=$SECONDS
  shift
  printf '\n==> %s\n' "$STEP_NAME"
  "$@"
  STEP_LINES+=("$(printf '%6ds  %s' $((SECONDS - STEP_START)) "$STEP_NAME")")
  printf '<== %s: %ds\n' "$STEP_NAME" $((SECONDS - STEP_START))
  STEP_NAME=""
}

step_summary() {
  local status=$?
  if [ -n "$STEP_NAME" ]; then STEP_LINES+=("$(printf '%6ds  %s  (FAILED, exit %d)' $((SECONDS - STEP_START)) "$STEP_NAME" "$status")"); fi
  printf '\nTimings (%s cores):\n' "$(nproc)"
  printf '%s\n' "${STEP_LINES[@]}"
  printf '%6ds  total\n' $((SECONDS - CI_START))
  return "$status"
}
trap step_summary EXIT
