#!/usr/bin/env bash
# `cmake --install` gives a scamsim that works from any folder: installed into a temporary prefix and run from a
# folder outside the source tree, `scamsim bench` finds the shipped baseline beside the executable, the shipped
# sweeps find their base scenario, and bin/scamsim-report turns a result file into a report with the installed
# analysis package; the install still works once moved; a missing share folder is an error naming the path.
# Usage: install_test.sh BUILD_DIR WORK_DIR
set -euo pipefail
# shellcheck source=tests/app/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../app/lib.sh"
build=$(realpath "$1")
work=$2
fresh_work_dir "$work"
work=$(pwd)

"${CMAKE:-cmake}" --install "$build" --prefix "$work/prefix" > install.log || fail "cmake --install failed: $(cat install.log)"
prefix=$work/prefix
for file in bin/scamsim bin/scamsim-report share/scamsim/scenarios/baseline.toml \
  share/scamsim/scenarios/sweeps/aftercare_budget.toml share/scamsim/analysis/report \
  share/scamsim/analysis/countries.csv share/scamsim/analysis/scamsim_analysis/cli.py \
  share/doc/scamsim/LICENSE share/doc/scamsim/CITATION.cff; do
  [[ -e $prefix/$file ]] || fail "cmake --install did not install $file"
done
[[ $(readlink -f "$prefix/bin/scamsim-report") == "$prefix/share/scamsim/analysis/report" ]] ||
  fail "bin/scamsim-report leads to $(readlink -f "$prefix/bin/scamsim-report"), not the installed report"
[[ -z $(find "$prefix" -name __pycache__) ]] || fail "Python caches were installed"
[[ -s $prefix/share/bash-completion/completions/scamsim ]] || fail "the bash completion was not installed"
# The man page is built only where help2man is installed (scripts/install-deps installs it).
if command -v help2man > /dev/null; then
  [[ -s $prefix/share/man/man1/scamsim.1 ]] || fail "help2man is installed but the man page was not"
  for heading in '.SH NAME' '.SH SYNOPSIS' '.SH OPTIONS' '.SH COMMANDS' '.SS "scamsim sweep"' '.SH "EXIT STATUS"'; do
    grep -qF "$heading" "$prefix/share/man/man1/scamsim.1" || fail "the man page lacks '$heading'"
  done
  if command -v man > /dev/null; then
    man -l "$prefix/share/man/man1/scamsim.1" > man.txt 2> err.txt || fail "man cannot show the page: $(cat err.txt)"
  fi
fi

# Everything below runs in a folder with no scenarios/ and no analysis/ beside it.
mkdir elsewhere
cd elsewhere

# bench's smallest: a 2% world for a tenth of a year, one scale, the calendar engine (one run at 1 thread, one at
# all cores), no sweep line.
bench=(bench --scales 0.02 --years 0.1 --threads 2 --engines calendar --design-runs 0)
"$prefix/bin/scamsim" "${bench[@]}" > bench.txt 2> err.txt || fail "bench from another folder: $(cat err.txt)"
grep -q "^scamsim bench: $prefix/share/scamsim/scenarios/baseline.toml for 0.1 years" bench.txt ||
  fail "bench did not run the installed baseline: $(cat bench.txt)"
[[ $(grep -c "^ *0.02 *calendar " bench.txt) -eq 2 ]] || fail "bench did not time the 2% world twice: $(cat bench.txt)"

# A shipped sweep finds its base scenario relative to itself.
"$prefix/bin/scamsim" sweep "$prefix/share/scamsim/scenarios/sweeps/aftercare_budget.toml" --check > check.txt ||
  fail "the installed sweep does not check"
grep -q "; valid" check.txt || fail "sweep --check: $(cat check.txt)"

# The report command, with only what was installed (no PYTHONPATH, the source tree out of reach).
"$prefix/bin/scamsim" run "$prefix/share/scamsim/scenarios/baseline.toml" -o small.h5 --quiet \
  --set run.scale=0.02 --set run.years=0.25 --replicates 2
env -u PYTHONPATH "$prefix/bin/scamsim-report" small.h5 -o report --quiet --no-svg 2> err.txt ||
  fail "scamsim-report from another folder: $(cat err.txt)"
[[ -s report/index.html ]] || fail "the report has no index.html: $(ls report)"
ls report/figures/*.png > /dev/null 2>&1 || fail "the report has no figure: $(ls -R report)"
# The package a notebook imports, from the prefix.
module=$(PYTHONPATH=$prefix/share/scamsim/analysis /usr/bin/python3 -c \
  'import scamsim_analysis; print(scamsim_analysis.__file__)')
[[ $module == "$prefix/share/scamsim/analysis/scamsim_analysis/__init__.py" ]] ||
  fail "scamsim_analysis was imported from $module"

# A moved install still finds its scenarios (paths are relative to the executable, not the prefix it was built for).
mv "$prefix" "$work/moved"
"$work/moved/bin/scamsim" "${bench[@]}" > bench.txt 2> err.txt || fail "bench of a moved install: $(cat err.txt)"
grep -q "^scamsim bench: $work/moved/share/scamsim/scenarios/baseline.toml" bench.txt ||
  fail "the moved install ran another baseline: $(cat bench.txt)"

# Without its share folder, the error names where it looked.
mv "$work/moved/share/scamsim/scenarios" "$work/moved/share/scamsim/gone"
expect_exit 1 "$work/moved/bin/scamsim" "${bench[@]}"
grep -q "shipped scenario '$work/moved/share/scamsim/scenarios/baseline.toml' is not there" err.txt ||
  fail "the error does not name the missing scenario: $(cat err.txt)"
[[ ! -s out.txt || $(grep -c "^ *0.02 " out.txt) -eq 0 ]] || fail "bench ran without its scenario"
echo "ok: installed scamsim and scamsim-report run from another folder"
