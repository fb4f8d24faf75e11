#!/usr/bin/env bash
# Everything the demo and the tests need beyond the Python packages.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "setup: python packages installed in .venv"
