#!/usr/bin/env bash
# System packages the tests use: Chromium (pages in a real browser), jing with Java (RELAX NG validation) and
# libical's GObject bindings for the system python3 (the calendar checks Evolution and many servers apply).
# Installs them with apt when missing and we may; otherwise says why, and the tests that need them skip.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v jing >/dev/null 2>&1 || missing+=(jing)
# python3-gi is a Debian package for /usr/bin/python3, not for the venv: the tests run the check through it.
/usr/bin/python3 -c "import gi; gi.require_version('ICalGLib', '3.0')" >/dev/null 2>&1 || missing+=(gir1.2-ical-3.0 python3-gi)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: cannot install ${missing[*]} (needs root and apt-get); tests that need them will skip" >&2
  exit 0
fi
echo "installing ${missing[*]} with apt-get" >&2
if ! { apt-get update -qq && apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}"; } >/tmp/statusgen-apt.log 2>&1; then
  echo "note: apt-get could not install ${missing[*]} (see /tmp/statusgen-apt.log); tests that need them will skip" >&2
fi
exit 0
