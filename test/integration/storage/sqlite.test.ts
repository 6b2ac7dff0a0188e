import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from 'ankurah/typeorm';
import { storageContract } from './contract';

const dir = mkdtempSync(join(tmpdir(), 'ankurah-sqlite-'));

storageContract(
  'sqlite (temp file, WAL)',
  () => SqliteStorage.open(join(dir, 'contract.db')),
  { durable: true },
  async () => rmSync(dir, { recursive: true, force: true }),
);
