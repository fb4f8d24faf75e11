#!/usr/bin/env bash
# Everything the demo and the tests need beyond the Python packages in .venv:
# Debian packages (Redis for the service, Chromium for the browser tests) and the
# LanguageTool server (fetched through Maven into ~/.cache/mtclean, once).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium chromium-driver)
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: apt-get install ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing ${need_apt[*]}: install them with apt-get (needs root)" >&2
  fi
fi

echo "setup: LanguageTool"
.venv/bin/mtclean languagetool fetch
