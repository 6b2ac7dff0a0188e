/** Browser pieces: IndexedDB persistence. Import from 'ankurah/indexeddb' in web apps (not in Node). */
export { IndexedDbStorage, type IndexedDbOptions } from './storage/indexeddb/indexeddb-storage';
export {
  connectShared,
  type SharedConnection,
  type SharedConnectionOptions,
} from './transport/shared/connect-shared';
