/* `npm run sync-package`: writes package.json's exports and typesVersions from scripts/entries.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { exportsMap, typesVersions } from './entries';

const file = resolve(__dirname, '../package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
pkg.exports = exportsMap();
pkg.typesVersions = typesVersions();
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`package.json: ${Object.keys(pkg.exports as object).length - 1} entries`);
