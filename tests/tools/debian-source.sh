#!/usr/bin/env bash
# Fetches a Debian source package (apt-get source) without changing the machine's apt configuration.
#
#   debian-source.sh entry SUITE COMPONENT                 print the deb-src entry that fetch would use
#   debian-source.sh fetch PACKAGE SUITE COMPONENT DEST    apt-get source PACKAGE into DEST
#   debian-source.sh forget-legacy-entry                   remove the deb-src file that earlier versions added
#
# Why a private source list: a deb-src entry added to the machine's sources must agree with every entry for the same
# URI and suite — a one-line "deb-src http://deb.debian.org/debian bookworm main" beside a deb822 entry with
# Signed-By makes apt refuse to read any source list ("Conflicting values set for option Signed-By"), which broke apt
# for everything else on the machine. So the entry is written to a directory of our own ($GITHUBSTS_APT_DIR, default
# $GITHUBSTS_CACHE/apt) that only the apt-get calls below read (Dir::Etc::SourceList/SourceParts, Dir::State::Lists,
# Dir::Cache); the machine's sources, lists and caches are never written, whatever form they are in.
#
# The entry is the machine's own, as apt itself parsed it (apt-get indextargets, so deb822 .sources and one-line
# .list files, Enabled: no, comments and continuation lines mean what apt says they mean):
#   1. the machine's deb-src entry for SUITE/COMPONENT, if it has one, copied;
#   2. else its deb entry for SUITE/COMPONENT as a deb-src entry: same URIs and options (Signed-By included);
#   3. else Debian's mirror, http://deb.debian.org/debian, signed by the Debian archive keyring.
# If apt-get update with that entry fails, or its Sources index lacks PACKAGE, the private directory is removed and
# the reason printed; nothing else is left behind.
#
# GITHUBSTS_APT_OPTIONS: extra apt-get options, whitespace-separated (the tests point apt at a temporary apt root
# with "-o Dir::Etc=... -o Dir::State=..." this way, so they need no network and change nothing on the machine).
set -euo pipefail

say() { echo "debian-source: $*" >&2; }

read -r -a machine_options <<< "${GITHUBSTS_APT_OPTIONS:-}"
private_dir="${GITHUBSTS_APT_DIR:-${GITHUBSTS_CACHE:-/var/cache/githubsts}/apt}"
private_options=(
  -o "Dir::Etc::SourceList=$private_dir/sources.list"
  -o "Dir::Etc::SourceParts=$private_dir/sources.list.d"
  -o "Dir::State::Lists=$private_dir/lists"
  -o "Dir::Cache=$private_dir/cache"
)

# Prints the machine's index targets as "TYPE<TAB>SUITE<TAB>COMPONENT<TAB>FILE:N", in apt's own order; N is the
# stanza of a .sources file or the line of a one-line file.
machine_targets() {
  local targets
  if ! targets=$(apt-get "${machine_options[@]}" indextargets --no-release-info \
                   --format $'$(TARGET_OF)\t$(RELEASE)\t$(COMPONENT)\t$(SOURCESENTRY)' 2>&1); then
    say "the machine's apt sources cannot be read, so no entry can be derived from them. apt said:"
    printf '%s\n' "$targets" >&2
    return 1
  fi
  printf '%s\n' "$targets"
}

# From TARGETS, prints "TYPE<TAB>FILE:N" for the first entry of TYPE (deb, deb-src) covering SUITE/COMPONENT, or nothing.
first_entry() {
  local targets=$1 type=$2 suite=$3 component=$4
  awk -F '\t' -v t="$type" -v s="$suite" -v c="$component" '$1 == t && $2 == s && $3 == c { print $1 "\t" $4; exit }' <<< "$targets"
}

# Stanza N (1-based) of a deb822 file as deb-src for SUITE/COMPONENT: comments and Enabled dropped, Types, Suites and
# Components replaced, every other field (URIs, Signed-By with its continuation lines, ...) kept as written. Apt counts
# a paragraph only when it has a line that is not a comment; field names are case-insensitive.
deb822_stanza_as_source() {
  local file=$1 n=$2 suite=$3 component=$4
  awk -v want="$n" -v suite="$suite" -v component="$component" '
    function flush() { if (has_field) count++; has_field = 0 }
    /^[ \t]*$/ { flush(); next }
    /^#/ { next }
    {
      if ($0 !~ /^[ \t]/) { has_field = 1; name = tolower($0); sub(/:.*/, "", name) }
      if (count + 1 != want) next
      if ($0 ~ /^[ \t]/) { if (keep) print; next }
      keep = 1
      if (name == "types") { print "Types: deb-src"; keep = 0 }
      else if (name == "suites") { print "Suites: " suite; keep = 0 }
      else if (name == "components") { print "Components: " component; keep = 0 }
      else if (name == "enabled") { keep = 0 }
      else print
    }' "$file"
}

# Line N of a one-line sources file as deb-src for SUITE/COMPONENT, keeping its [options] and URI.
one_line_as_source() {
  local file=$1 n=$2 suite=$3 component=$4 line
  line=$(sed -n "${n}p" "$file")
  if [[ $line =~ ^[[:space:]]*deb(-src)?[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+) ]]; then
    printf 'deb-src %s%s %s %s\n' "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" "$suite" "$component"
  else
    say "cannot read the entry at $file:$n"
    return 1
  fi
}

# Prints the private source file's name on the first line, then its content.
private_entry() {
  local suite=$1 component=$2 targets found type where file n
  targets=$(machine_targets) || return 1
  found=$(first_entry "$targets" deb-src "$suite" "$component")
  [ -n "$found" ] || found=$(first_entry "$targets" deb "$suite" "$component")
  if [ -z "$found" ]; then
    say "the machine has no apt entry for $suite/$component; using http://deb.debian.org/debian"
    echo "githubsts-$suite-src.sources"
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: %s\n' "$suite" "$component"
    [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] && echo 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
    return 0
  fi
  type=${found%%$'\t'*}
  where=${found#*$'\t'}
  file=${where%:*}
  n=${where##*:}
  say "deb-src entry for $suite/$component derived from the machine's $type entry at $where"
  case "$file" in
    *.sources)
      echo "githubsts-$suite-src.sources"
      deb822_stanza_as_source "$file" "$n" "$suite" "$component" ;;
    *)
      echo "githubsts-$suite-src.list"
      one_line_as_source "$file" "$n" "$suite" "$component" ;;
  esac
}

# Removes the private directory and explains: REASON, the entry it used, and apt's own error lines.
fail_and_forget() {
  local reason=$1 entry=$2 output=${3:-}
  rm -rf "$private_dir"
  say "$reason"
  say "removed $private_dir; the machine's apt configuration was not changed. The entry was:"
  sed 's/^/    /' <<< "$entry" >&2
  if [ -n "$output" ]; then
    say "apt said:"
    { grep -E '^(E|W|Err)[:0-9]' <<< "$output" || tail -n 20 <<< "$output"; } | sed 's/^/    /' >&2
  fi
  exit 1
}

fetch() {
  local package=$1 suite=$2 component=$3 dest=$4 entry name content output
  entry=$(private_entry "$suite" "$component")
  name=$(head -n 1 <<< "$entry")
  content=$(tail -n +2 <<< "$entry")
  rm -rf "$private_dir"
  mkdir -p "$private_dir/sources.list.d" "$private_dir/lists/partial" "$private_dir/cache/archives/partial"
  : > "$private_dir/sources.list"
  printf '%s\n' "$content" > "$private_dir/sources.list.d/$name"
  local apt=(apt-get "${machine_options[@]}" "${private_options[@]}")
  output=$("${apt[@]}" -o APT::Update::Error-Mode=any update 2>&1) \
    || fail_and_forget "apt-get update with a deb-src entry for $suite/$component failed" "$content" "$output"
  output=$(apt-cache "${machine_options[@]}" "${private_options[@]}" showsrc --only-source "$package" 2>&1) || true
  grep -qxF "Package: $package" <<< "$output" \
    || fail_and_forget "the Sources index for $suite/$component has no source package $package" "$content" "$output"
  mkdir -p "$dest"
  output=$(cd "$dest" && "${apt[@]}" source -qq "$package" 2>&1) \
    || fail_and_forget "apt-get source $package failed" "$content" "$output"
}

# Versions before this script wrote this exact file, which made apt refuse its sources on deb822 machines.
forget_legacy_entry() {
  local parts legacy
  parts=$(apt-config "${machine_options[@]}" shell parts Dir::Etc::sourceparts/d | sed -n "s/^parts='\(.*\)'$/\1/p")
  legacy="${parts%/}/githubsts-bookworm-src.list"
  if [ -f "$legacy" ] && [ "$(cat "$legacy")" = 'deb-src http://deb.debian.org/debian bookworm main' ]; then
    rm -f "$legacy"
    say "removed $legacy, written by an earlier version of the installer (apt refuses it beside a deb822 entry with Signed-By)"
  fi
}

case "${1:-}" in
  entry) [ $# -eq 3 ] || { echo "usage: $0 entry SUITE COMPONENT" >&2; exit 2; }
         private_entry "$2" "$3" | tail -n +2 ;;
  fetch) [ $# -eq 5 ] || { echo "usage: $0 fetch PACKAGE SUITE COMPONENT DEST" >&2; exit 2; }
         fetch "$2" "$3" "$4" "$5" ;;
  forget-legacy-entry) forget_legacy_entry ;;
  *) echo "usage: $0 entry SUITE COMPONENT | fetch PACKAGE SUITE COMPONENT DEST | forget-legacy-entry" >&2; exit 2 ;;
esac
