#!/usr/bin/env bash
# What the commands that write a file (run, sweep, compare, calibrate) check about -o/--output before their
# work (issue 12): it is a regular file or none, never a device, FIFO, socket or directory, with or without
# --force; never one of the command's inputs; a link to nothing is not replaced without --force; temporaries
# of killed processes are removed; a folder that cannot be written, too little disk or too little memory is
# found before the work starts.
# Usage: output_cli_test.sh SCAMSIM SOURCE_DIR WORK_DIR CASE
# Exit 77 (ctest's "skipped") when the machine cannot stage the case, with the reason.
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scamsim=$1
src=$2
work=$3
case_name=$4
fresh_work_dir "$work"
tiny="$src/tests/scenarios/tiny.toml"

# A calibration file and its scenario, copied here so that a command that wrongly overwrote them could only
# damage the copies.
copy_calibration() {
  cp "$src/tests/scenarios/quiet.toml" quiet.toml
  sed 's#^scenario = .*#scenario = "quiet.toml"#' "$src/tests/scenarios/calibration/quiet_revenue.toml" > calib.toml
}
copy_sweep() {
  cp "$tiny" tiny.toml
  sed 's#^scenario = .*#scenario = "tiny.toml"#' "$src/tests/scenarios/sweeps/tiny_grid.toml" > sweep.toml
}

# `expect RC PATTERN CMD...`: runs CMD, which must exit RC with stderr matching PATTERN (grep -E).
expect() {
  local pattern=$2
  expect_exit "$1" "${@:3}"
  grep -Eq -- "$pattern" err.txt || fail "'$*': stderr lacks /$pattern/: $(cat err.txt)"
}

# Every command that writes -o, each given OUT as its output.
commands_writing() {
  local out=$1
  shift
  copy_calibration
  copy_sweep
  expect "$@" "$scamsim" run "$tiny" -o "$out" -q --set run.years=1
  expect "$@" "$scamsim" run "$tiny" -o "$out" -q --set run.years=1 --force
  expect "$@" "$scamsim" sweep sweep.toml -o "$out" -q --force
  expect "$@" "$scamsim" compare "$tiny" "$tiny" -o "$out" --replicates 2 -q --set run.years=1 --force
  expect "$@" "$scamsim" calibrate calib.toml -o "$out" -q --force
}

case "$case_name" in
  refuses_devices_fifos_folders)
    # A device: /dev/null for a user, who could not replace it anyway; for root, which could, a twin of it made
    # here, so that a regression would replace only the twin.
    device=/dev/null
    if [[ $(id -u) -eq 0 ]]; then
      mknod null_twin c 1 3 || skip "running as root without mknod: no device to try that a regression cannot damage"
      device=null_twin
    fi
    commands_writing "$device" 1 "'$device' is a device, not a regular file"
    [[ -c $device ]] || fail "$device is no longer a device"
    mkfifo pipe
    commands_writing pipe 1 "'pipe' is a FIFO \(named pipe\), not a regular file"
    [[ -p pipe ]] || fail "the FIFO was replaced"
    mkdir folder
    commands_writing folder 1 "'folder' is a directory, not a regular file"
    [[ -d folder ]] || fail "the folder was replaced"
    ln -s "$device" link_to_device
    commands_writing link_to_device 1 "is a device \(through a link\)"
    [[ -L link_to_device ]] || fail "the link was replaced"
    ;;
  refuses_its_input)
    copy_calibration
    copy_sweep
    cp tiny.toml t.toml
    cp t.toml t.before
    expect 1 "'t.toml' is the scenario" "$scamsim" run t.toml -o t.toml --force -q
    # The same file by another name, and through a link.
    mkdir sub
    expect 1 "is the scenario" "$scamsim" run t.toml -o ./sub/../t.toml --force -q
    ln -s t.toml t_link.toml
    expect 1 "is the scenario" "$scamsim" run t.toml -o t_link.toml --force -q
    cmp -s t.toml t.before || fail "run overwrote its scenario"
    # A file the scenario is based on.
    printf 'base = "t.toml"\nname = "child"\n' > child.toml
    expect 1 "'t.toml' is a file the scenario is based on" "$scamsim" run child.toml -o t.toml --force -q
    cmp -s t.toml t.before || fail "run overwrote the scenario's base"
    cp calib.toml calib.before
    expect 1 "is the calibration file or its scenario" "$scamsim" calibrate calib.toml -o calib.toml --force -q
    cmp -s calib.toml calib.before || fail "calibrate overwrote its calibration file"
    cp quiet.toml quiet.before
    expect 1 "is the calibration file or its scenario" "$scamsim" calibrate calib.toml -o quiet.toml --force -q
    cmp -s quiet.toml quiet.before || fail "calibrate overwrote the scenario it fits"
    cp sweep.toml sweep.before
    expect 1 "is the sweep file or its scenario" "$scamsim" sweep sweep.toml -o sweep.toml --force -q
    expect 1 "is the sweep file or its scenario" "$scamsim" sweep sweep.toml -o tiny.toml --force -q
    cmp -s sweep.toml sweep.before || fail "sweep overwrote its sweep file"
    cmp -s tiny.toml t.before || fail "sweep overwrote its scenario"
    expect 1 "is one of the scenarios being compared" \
      "$scamsim" compare tiny.toml t.toml -o t.toml --force --replicates 2 -q
    cmp -s t.toml t.before || fail "compare overwrote a scenario"
    ;;
  dangling_link_needs_force)
    ln -s no_such_target.h5 dangling.h5
    expect 1 "'dangling.h5' is a link to nothing \('no_such_target.h5'\); add --force" \
      "$scamsim" run "$tiny" -o dangling.h5 -q --set run.years=1
    [[ -L dangling.h5 && ! -e no_such_target.h5 ]] || fail "the link or its target changed without --force"
    "$scamsim" run "$tiny" -o dangling.h5 -q --set run.years=1 --force || fail "--force did not replace the link"
    [[ -f dangling.h5 && ! -L dangling.h5 ]] || fail "--force did not write a file in the link's place"
    ;;
  stale_temporaries_removed)
    # Ids of processes that are gone: a child that has exited and been reaped.
    sh -c 'exit 0' &
    dead=$!
    wait $dead
    if kill -0 "$dead" 2> /dev/null; then skip "process id $dead was reused at once"; fi
    echo partial > ".out.h5.tmp-$dead"
    echo partial > ".other.h5.tmp-$dead"  # another output's: not ours to judge
    echo live > ".out.h5.tmp-$$"           # a live process's (this script's): left alone
    "$scamsim" run "$tiny" -o out.h5 -q --set run.years=1
    [[ ! -e ".out.h5.tmp-$dead" ]] || fail "the dead process's temporary is still there: $(ls -a)"
    [[ -e ".other.h5.tmp-$dead" ]] || fail "another output's temporary was removed"
    [[ -e ".out.h5.tmp-$$" ]] || fail "a live process's temporary was removed"
    # The same for compare and calibrate, which share the output code.
    echo partial > ".cmp.h5.tmp-$dead"
    "$scamsim" compare "$tiny" "$tiny" -o cmp.h5 --replicates 2 -q --set run.years=1 > /dev/null
    [[ ! -e ".cmp.h5.tmp-$dead" ]] || fail "compare left the dead process's temporary"
    ;;
  unwritable_folder_found_first)
    # Root passes permission checks, so a folder is made unwritable for everyone by mounting it read-only in a
    # private mount namespace (unshare); without one, permissions do for a user other than root.
    mkdir ro
    probe="$scamsim run $tiny -o ro/out.h5 -q --replicates 200 --set run.years=5"
    if unshare -rm true 2> /dev/null; then
      runner=(unshare -rm sh -c "mount -t tmpfs -o ro,size=1m tmpfs ro && exec $probe")
    elif [[ $(id -u) -ne 0 ]]; then
      chmod 555 ro
      runner=(sh -c "exec $probe")
    else
      skip "running as root without unshare: no way to make a folder root cannot write"
    fi
    start=$(date +%s%N)
    expect 1 "-o/--output: cannot write in the folder '.*ro': (Read-only file system|Permission denied)" "${runner[@]}"
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))
    # 200 replicates of five years take a while: the refusal must come before them.
    [[ $elapsed_ms -lt 5000 ]] || fail "the refusal took ${elapsed_ms} ms: it came after the work"
    chmod 755 ro
    ;;
  too_little_space_found_first)
    mkdir small
    # 1 MB of disk; 400 replicates of tiny's 3 countries over a year need ~100 MB of series, at least ~7 MB
    # however well they compress.
    probe="$scamsim run $tiny -o small/out.h5 -q --replicates 400 --set run.years=1"
    if unshare -rm true 2> /dev/null; then
      runner=(unshare -rm sh -c "mount -t tmpfs -o size=1m tmpfs small && exec $probe")
    else
      skip "no unshare: cannot make a small file system"
    fi
    expect 1 "-o/--output: the folder '.*small' has [0-9.]+ [kM]B free, and the results need at least [0-9.]+ MB" \
      "${runner[@]}"
    grep -Eq "400 replicates x 36[56] steps x 3 countries" err.txt || fail "the message lacks the figures: $(cat err.txt)"
    [[ ! -e small/out.h5 ]] || fail "an output was written"
    ;;
  too_little_memory_found_first)
    # Replicates are written as they finish, so memory holds only those in flight, but each holds its world:
    # a hundred million people at scale 100, two at a time, need terabytes, more than any machine running this has;
    # refused with the figure before the runs start.
    start=$(date +%s%N)
    expect 1 "the run needs about [0-9.]+ [TP]B of memory \\(2 replicates x [0-9]+ steps x 3 countries: the replicates in flight" \
      "$scamsim" run "$tiny" -o out.h5 -q --replicates 2 --threads 2 --set run.scale=100 \
      --set operations.0.workers=100000000
    grep -Eq "and this machine has [0-9.]+ [kMGT]?B available" err.txt || fail "no figure of the memory: $(cat err.txt)"
    elapsed_ms=$((($(date +%s%N) - start) / 1000000))
    [[ $elapsed_ms -lt 5000 ]] || fail "the refusal took ${elapsed_ms} ms: it came after the work"
    [[ ! -e out.h5 ]] || fail "an output was written"
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
echo "ok: $case_name"
