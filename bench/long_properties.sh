#!/usr/bin/env bash
# The slow property tests (whole conversations per example) at ten times the size CI runs them:
# before a release, or after a change to the form runtime (bot/flow*.py), the engine or /kiemtra.
# Usage: bash bench/long_properties.sh [pytest options]   (FIELDBOT_PROPERTY_SCALE=N for another size)
set -euo pipefail
cd "$(dirname "$0")/.."
export FIELDBOT_PROPERTY_SCALE="${FIELDBOT_PROPERTY_SCALE:-10}"
echo "property tests at ${FIELDBOT_PROPERTY_SCALE}× their CI size"
exec .venv/bin/python -m pytest -q -p no:cacheprovider --hypothesis-show-statistics \
  tests/test_capture_property.py tests/test_engine_property.py tests/test_capture_inspection_property.py "$@"
