import { type Entity } from '../entity/entity';
import { ValidationError } from '../errors/errors';
import { type Clock } from '../event/clock';
import { type Operations } from '../event/event';
import { type ModelMeta } from '../model/model-meta';
import { checkFieldValue, type StoredValue } from '../model/value-check';
import { sameValue } from '../property/lww';
import { type TextEditor } from '../property/text';
import { type MutableSource, type TextHandle } from './mutable';
import { type TextClients, type TextLease } from './text-clients';

/**
 * A transaction's private copy of one entity: the snapshot it started from plus pending writes.
 * Nothing here is visible to other readers until the transaction commits.
 */
export class Fork implements MutableSource {
  readonly meta: ModelMeta;
  readonly base: Entity;
  readonly baseHead: Clock;
  readonly isNew: boolean;
  readonly #writes = new Map<string, StoredValue>();
  readonly #texts = new Map<string, TextEditor>();
  readonly #leases: TextLease[] = [];
  readonly #clients: TextClients;
  readonly #guard: (what: string) => void;
  #deleted = false;

  constructor(
    meta: ModelMeta,
    base: Entity,
    isNew: boolean,
    guard: (what: string) => void,
    clients: TextClients,
  ) {
    this.#clients = clients;
    this.meta = meta;
    this.base = base;
    this.baseHead = base.head;
    this.isNew = isNew;
    this.#guard = guard;
  }

  get id(): string {
    return this.base.id;
  }

  get collection(): string {
    return this.base.collection;
  }

  get deleted(): boolean {
    return this.#deleted;
  }

  value(field: string): unknown {
    const t = this.#texts.get(field);
    if (t) return t.toString();
    return this.#writes.has(field) ? this.#writes.get(field) : this.base.value(field);
  }

  set(field: string, value: unknown): void {
    this.#guard(`set ${this.meta.name}.${field}`);
    this.#checkNotDeleted();
    const f = this.meta.fields.get(field);
    if (!f) {
      throw ValidationError.field(
        this.meta.name,
        field,
        'isDeclared',
        `${this.meta.name} declares no field '${field}'; declared fields are ${[...this.meta.fields.keys()].join(', ')}`,
      );
    }
    const stored = checkFieldValue(this.meta.name, f, value);
    if (f.backend === 'text') {
      // A new entity's empty text needs no Yjs document: it reads as '' until first edited.
      if (this.isNew && !stored && !this.#texts.has(field)) return;
      this.#editor(field).replace(typeof stored === 'string' ? stored : '');
    } else this.#writes.set(field, stored);
  }

  text(field: string): TextHandle {
    this.#guard(`edit ${this.meta.name}.${field}`);
    if (this.meta.fields.get(field)?.backend !== 'text') {
      throw ValidationError.field(this.meta.name, field, 'isText', `${field} is not a @Text() field`);
    }
    const editor = this.#editor(field);
    const guard = (op: string): void => {
      this.#guard(`${op} text of ${this.meta.name}.${field}`);
      this.#checkNotDeleted();
    };
    return {
      insert: (i, s) => (guard('insert into'), editor.insert(i, s)),
      delete: (i, n) => (guard('delete from'), editor.delete(i, n)),
      replace: (s) => (guard('replace'), editor.replace(s)),
      toString: () => editor.toString(),
      get length() {
        return editor.length;
      },
    };
  }

  markDeleted(): void {
    this.#checkNotDeleted();
    this.#deleted = true;
  }

  #checkNotDeleted(): void {
    if (this.#deleted) {
      throw ValidationError.field(
        this.meta.name,
        'id',
        'notDeleted',
        `${this.id} was deleted in this transaction`,
      );
    }
  }

  #editor(field: string): TextEditor {
    let e = this.#texts.get(field);
    if (!e) {
      const lease = this.#clients.lease(
        `${this.collection}\u0000${this.id}\u0000${field}`,
        this.base.textDoc(field),
      );
      this.#leases.push(lease);
      e = lease.editor;
      this.#texts.set(field, e);
    }
    return e;
  }

  /** Ends the text leases: the transaction committed (`kept`) or was dropped. */
  settle(kept: boolean): void {
    for (const l of this.#leases) {
      if (kept) l.committed();
      else l.released();
    }
  }

  /** The operations of this fork's event, or undefined when it changes nothing. */
  operations(): Operations | undefined {
    if (this.#deleted) return Object.freeze({ delete: true });
    const lww: Record<string, StoredValue> = {};
    for (const [k, v] of this.#writes) if (this.isNew || !sameValue(v, this.base.value(k))) lww[k] = v;
    const text: Record<string, Uint8Array> = {};
    for (const [k, e] of this.#texts) {
      const u = e.update();
      if (u) text[k] = u;
    }
    const hasLww = Object.keys(lww).length > 0;
    const hasText = Object.keys(text).length > 0;
    if (!hasLww && !hasText && !this.isNew) return undefined;
    return Object.freeze({ ...(hasLww || this.isNew ? { lww } : {}), ...(hasText ? { text } : {}) });
  }

  /** Every field's value as it will be after commit. */
  values(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...this.base.values() };
    for (const [k, v] of this.#writes) out[k] = v;
    for (const [k, e] of this.#texts) out[k] = e.toString();
    return out;
  }
}
