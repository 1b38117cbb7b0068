#!/usr/bin/env bash
# Regenerates dist/, the GraphiQL files the server embeds (src/graphql/graphiql.rs), from the versions
# package-lock.json pins. To move to another version: change package.json, run
# `npm install --package-lock-only --ignore-scripts`, then this script, and commit all four together.
# Needs Node and the npm registry; the server's build and run need neither.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --ignore-scripts --no-audit --no-fund
mkdir -p dist
# The builds end with a source-map comment; the maps are not served, so drop the comment.
strip_map() { sed -e '/^\/[\/*][#@] sourceMappingURL=/d' -e 's#/\*[#@] sourceMappingURL=[^*]*\*/##' "$1" > "$2"; }
strip_map node_modules/graphiql/graphiql.min.js dist/graphiql.min.js
strip_map node_modules/graphiql/graphiql.min.css dist/graphiql.min.css
strip_map node_modules/react/umd/react.production.min.js dist/react.production.min.js
strip_map node_modules/react-dom/umd/react-dom.production.min.js dist/react-dom.production.min.js

{
  for pkg in graphiql react react-dom; do
    version=$(node -p "require('./node_modules/$pkg/package.json').version")
    printf '%s %s\n\n' "$pkg" "$version"
    cat "node_modules/$pkg/LICENSE"
    printf '\n\n'
  done
} > dist/LICENSES.txt

node -p "require('./node_modules/graphiql/package.json').version" > dist/VERSION
rm -rf node_modules
ls -l dist
