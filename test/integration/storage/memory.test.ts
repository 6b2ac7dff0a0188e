import { MemoryStorage } from 'ankurah';
import { storageContract } from './contract';

storageContract('memory', async () => new MemoryStorage(), { durable: false });
