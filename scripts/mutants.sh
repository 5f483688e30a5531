#!/usr/bin/env bash
# Mutation testing of the rule modules with cargo-mutants (stable Rust): which
# deliberate bugs in the rules do the tests catch? Not part of CI (slow);
# bounded in time because the machine is shared.
#
#   scripts/mutants.sh                       # the README's sample: every area, shard 0
#   MUTANTS_SHARD=1 scripts/mutants.sh       # another sample of the same size
#   MUTANTS_AREAS="check clean" scripts/mutants.sh
#   MUTANTS_FULL=1 scripts/mutants.sh        # every mutant (about 1 500: hours)
#   MUTANTS_IN_PLACE=1 scripts/mutants.sh    # mutate this checkout (a dedicated
#                                            # worktree only: its target/ stays warm)
#   MUTANTS_TIMEOUT=3600 scripts/mutants.sh  # bound per area, seconds (default 1500)
#
# Areas and their sample: the mutants of an area in cargo-mutants' order, every
# N-th one (round-robin shard K/N), N chosen so that one area takes minutes:
#   check = src/check.rs (1/8), clean = src/clean (1/12),
#   parse = src/parse (1/60), map = src/map (1/30).
# Tests per mutant: the library's unit tests and the bundled-corpus end-to-end
# test (`cargo test --lib --test corpus`). A mutant "survives" when these miss it;
# the whole suite catches more, so the figure is an upper bound on survival.
# Mutants that cannot change behaviour are excluded in .cargo/mutants.toml, each
# with its reason.
#
# Results: mutants.out/AREA/mutants.out/{caught,missed,timeout,unviable}.txt and
# one summary line per area on stdout (what the README quotes).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo-mutants >/dev/null 2>&1; then
  cargo install --locked cargo-mutants
fi
declare -A glob=([check]=src/check.rs [clean]='src/clean/**/*.rs' [parse]='src/parse/**/*.rs' [map]='src/map/**/*.rs')
declare -A shards=([check]=8 [clean]=12 [parse]=60 [map]=30)
areas=(${MUTANTS_AREAS:-check clean parse map})
common=(--timeout 120 --build-timeout 900 --cargo-arg=--lib --cargo-arg=--test=corpus)
if [ "${MUTANTS_IN_PLACE:-0}" = 1 ]; then
  common+=(--in-place)
else
  # A copy of the tree builds in a temporary directory; copying target/ saves
  # building every dependency again there.
  common+=(-j 1 --copy-target=true)
fi
mkdir -p mutants.out
for a in "${areas[@]}"; do
  sample=(--shard "${MUTANTS_SHARD:-0}/${shards[$a]}" --sharding round-robin)
  [ "${MUTANTS_FULL:-0}" = 1 ] && sample=()
  rc=0
  timeout "${MUTANTS_TIMEOUT:-1500}" nice cargo mutants "${common[@]}" --file "${glob[$a]}" \
    "${sample[@]}" -o "mutants.out/$a" >"mutants.out/$a.log" 2>&1 || rc=$?
  # cargo-mutants exits 2 when mutants were missed, 3 on timeouts: results, not failures.
  case $rc in 0 | 2 | 3) ;; *) echo "$a: cargo mutants failed ($rc), see mutants.out/$a.log" >&2 ;; esac
  d="mutants.out/$a/mutants.out"
  n() { [ -f "$d/$1.txt" ] && wc -l <"$d/$1.txt" || echo 0; }
  echo "$a: caught $(n caught), missed $(n missed), timeout $(n timeout), unviable $(n unviable)"
done
