import { SqliteStorage } from 'ankurah/typeorm';
import { liveQuerySuite } from './engine-suite';

liveQuerySuite('sqlite', () => SqliteStorage.open(':memory:'));
