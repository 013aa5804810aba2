# Shared helpers for LanSpread's scripts. Source it; do not execute it.
# - lanspread_java_home: a JDK >= 21 (JAVA_HOME if suitable, else the newest under /usr/lib/jvm)
# - lanspread_ensure_packages: installs Debian packages the build/test/run needs (as root, when missing)
# - lanspread_with_display: runs a command with a display (xvfb-run when DISPLAY is unset)

LANSPREAD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

lanspread_die() { echo "lanspread: $*" >&2; exit 1; }

# Prints the major version of the JDK at $1, or nothing.
lanspread_jdk_major() {
  local home="$1" v
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  echo "${v%%.*}"
}

lanspread_java_home() {
  local min=21 best="" best_major=0 candidate major
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(lanspread_jdk_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -d "$candidate" ] && [ ! -L "$candidate" ] || continue
    major=$(lanspread_jdk_major "$candidate")
    [ -n "$major" ] || continue
    if [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major="$major"; fi
  done
  if [ -z "$best" ]; then
    echo "lanspread: no JDK >= $min found (JAVA_HOME='${JAVA_HOME:-}' and nothing suitable under /usr/lib/jvm)." >&2
    echo "lanspread: install one, e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+, or point JAVA_HOME at it." >&2
    return 1
  fi
  echo "$best"
}

# lanspread_ensure_packages CMD:PACKAGE ... : installs PACKAGE when CMD (a command or a file path) is missing.
lanspread_ensure_packages() {
  local missing=() spec cmd pkg
  for spec in "$@"; do
    cmd="${spec%%:*}"; pkg="${spec#*:}"
    if [ "${cmd#/}" != "$cmd" ]; then compgen -G "$cmd" > /dev/null && continue
    else command -v "$cmd" > /dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    lanspread_die "missing packages: ${missing[*]} (run as root, or install them: apt-get install ${missing[*]})"
  fi
  echo "lanspread: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq > /dev/null || lanspread_die "apt-get update failed"
  apt-get install -y -qq "${missing[@]}" > /dev/null || lanspread_die "apt-get install ${missing[*]} failed"
}

# The Debian packages a graphical run needs: GTK 3 for SWT, Xvfb when headless, X tools for the smoke test.
lanspread_ensure_gui_packages() {
  lanspread_ensure_packages \
    '/usr/lib/x86_64-linux-gnu/libgtk-3.so.0*:libgtk-3-0' \
    'xvfb-run:xvfb' 'xauth:xauth' 'xdotool:xdotool' 'xwininfo:x11-utils' 'import:imagemagick'
}

lanspread_with_display() {
  if [ -n "${DISPLAY:-}" ]; then "$@"; else xvfb-run -a -s "-screen 0 1440x900x24" "$@"; fi
}
