import { type ModelClass } from '../../model/model-meta';

/** Injection token of the module's durable Node. */
export const ANKURAH_NODE = 'AnkurahNode';
/** Injection token of the resolved AnkurahModule options. */
export const ANKURAH_OPTIONS = 'AnkurahModuleOptions';
/** Injection token of the request-scoped Context. */
export const ANKURAH_CONTEXT = 'AnkurahContext';

const collectionTokens = new WeakMap<ModelClass, symbol>();

/** The injection token of a model's Collection (one per model class, so equal class names never collide). */
export function collectionToken(model: ModelClass): symbol {
  let token = collectionTokens.get(model);
  if (!token) {
    token = Symbol(`AnkurahCollection(${model.name})`);
    collectionTokens.set(model, token);
  }
  return token;
}
