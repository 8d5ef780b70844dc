#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (Playwright drives it by executable_path,
# since Playwright's own browser download cannot work offline) and a CJK font, without
# which pdfium drops the characters of the test PDFs the corpus renders (they name the
# font without embedding it; real invoices embed theirs).
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing for the tests: ${missing[*]} — run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
