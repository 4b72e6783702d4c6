#!/usr/bin/env bash
# Prints every CPython 3.9+ interpreter this machine has, one path per minor version
# (pyenv's versions first, then PATH), for building one wheel per interpreter.
set -euo pipefail
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for minor in 9 10 11 12 13 14; do
  found=""
  for candidate in "$root"/versions/3."$minor".*/bin/python3."$minor"; do
    [[ -x $candidate ]] && found=$candidate
  done
  if [[ -z $found ]] && command -v "python3.$minor" >/dev/null && "python3.$minor" -c '' 2>/dev/null; then
    found=$(command -v "python3.$minor")
  fi
  [[ -n $found ]] && echo "$found"
done
