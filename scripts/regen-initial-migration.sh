#!/usr/bin/env bash
# Development helper while no migration has shipped: rebuild the initial migration of both dialects.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f src/db/migrations/*/Migration*.ts
for d in sqlite postgresql; do
  printf "import type { MigrationObject } from '@mikro-orm/core';\n\nexport const ${d}Migrations: MigrationObject[] = [];\n" > src/db/migrations/$d/index.ts
done
rm -rf dist && npx tsc -p tsconfig.build.json && node dist/src/cli/create-migration.js
