import { MetadataError } from '../errors/errors';
import { findModelMeta, modelMeta } from '../model/registry';
import { type ModelClass, type ModelMeta } from '../model/model-meta';
import { type CollectionSpec } from '../storage/engine';

/** The collections a node knows: its declared models, plus collections learnt at run time. */
export class Schema {
  readonly #byCollection = new Map<string, ModelMeta>();

  constructor(models: readonly ModelClass[]) {
    for (const m of models) this.add(m);
  }

  /** Adds a model class; throws when another class already claims its collection on this node. */
  add(model: ModelClass): ModelMeta {
    const meta = modelMeta(model);
    const known = this.#byCollection.get(meta.collection);
    if (known && known.ctor !== model && findModelMeta(known.ctor)) {
      throw MetadataError.single(
        meta.name,
        undefined,
        `collection '${meta.collection}' is already served by ${known.name} on this node`,
        'give one of the models another collection name',
      );
    }
    this.#byCollection.set(meta.collection, meta);
    return meta;
  }

  get(collection: string): ModelMeta | undefined {
    return this.#byCollection.get(collection);
  }

  /** A field-less model for a collection this node has no class for (entities are schema-less underneath). */
  dynamic(collection: string): ModelMeta {
    let meta = this.#byCollection.get(collection);
    if (!meta) {
      const ctor = { [collection]: class {} }[collection] as ModelClass;
      meta = { ctor, name: collection, collection, fields: new Map() };
      this.#byCollection.set(collection, meta);
    }
    return meta;
  }

  all(): ModelMeta[] {
    return [...this.#byCollection.values()];
  }
}

/** What a storage engine needs to know of a model: its materialised columns and indexes. */
export function collectionSpec(meta: ModelMeta): CollectionSpec {
  return {
    name: meta.collection,
    columns: [...meta.fields.values()].map((f) => ({ name: f.name, type: f.type, index: f.index })),
  };
}
