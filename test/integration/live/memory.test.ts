import { MemoryStorage } from 'ankurah';
import { liveQuerySuite } from './engine-suite';

liveQuerySuite('memory', async () => new MemoryStorage());
