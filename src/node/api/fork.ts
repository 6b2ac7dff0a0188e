import { type Entity } from '../../entity/entity';
import { ValidationError, type FieldViolation } from '../../errors/errors';
import { EMPTY_CLOCK, type Clock } from '../../event/clock';
import { type Operations } from '../../event/event';
import { type FieldMeta, type ModelMeta } from '../../model/model-meta';
import { checkFieldValue, type StoredValue } from '../../model/value-check';
import { sameValue } from '../../property/lww';
import { type TextEditor } from '../../property/text-editor';
import { type MutableSource, type TextHandle } from './mutable';
import { type TextClients, type TextLease } from '../text-clients';

/**
 * Refuses use of a closed transaction; the message names `action` and, when given, `model.field`. Parts are
 * passed separately so that an open transaction builds no message.
 */
export type Guard = (action: string, model?: string, field?: string) => void;

/**
 * A transaction's private copy of one entity: the snapshot it started from plus pending writes.
 * Nothing here is visible to other readers until the transaction commits.
 */
export class Fork implements MutableSource {
  readonly meta: ModelMeta;
  readonly id: string;
  /** The entity as the transaction found it; none for an entity the transaction creates. */
  readonly base: Entity | undefined;
  readonly baseHead: Clock;
  // Pending writes by field name (declared fields only, so a plain record is safe and cheaper than a Map).
  #writes: Record<string, StoredValue> = {};
  #texts: Map<string, TextEditor> | undefined;
  /** The transaction's mutable over this fork. */
  mutable: object | undefined;
  #leases: TextLease[] | undefined;
  readonly #clients: TextClients;
  readonly #guard: Guard;
  #deleted = false;

  /** A fork of `base`, or of a new entity `id` when `base` is a string. */
  constructor(meta: ModelMeta, base: Entity | string, guard: Guard, clients: TextClients) {
    this.#clients = clients;
    this.meta = meta;
    if (typeof base === 'string') {
      this.id = base;
      this.base = undefined;
      this.baseHead = EMPTY_CLOCK;
    } else {
      this.id = base.id;
      this.base = base;
      this.baseHead = base.head;
    }
    this.#guard = guard;
  }

  /** True when the transaction creates this entity. */
  get isNew(): boolean {
    return this.base === undefined;
  }

  get collection(): string {
    return this.meta.collection;
  }

  get deleted(): boolean {
    return this.#deleted;
  }

  value(field: string): unknown {
    const t = this.#texts?.get(field);
    if (t) return t.toString();
    return hasOwn(this.#writes, field) ? this.#writes[field] : this.base?.value(field);
  }

  /**
   * Sets a new entity's initial values (the fork must be new and untouched); returns every field's violation:
   * a value `set` refuses, a required LWW field missing from `data`. Missing text fields start empty.
   */
  initialize(data: Readonly<Record<string, unknown>>): FieldViolation[] | undefined {
    // Written in field-name order when it can be: the creation event's writes are then already the order of
    // the state's values, and storage can keep one record for both (see MemoryStorage).
    if (!this.#initializeSorted(data)) {
      this.#writes = {};
      let problems: FieldViolation[] | undefined;
      const fields = this.meta.fields;
      for (const k in data) {
        if (!hasOwn(data, k)) continue;
        try {
          const f = fields.get(k);
          // The transaction is open and the fork new: `set` without its guards.
          if (f?.backend === 'lww') this.#writes[k] = checkFieldValue(this.meta.name, f, data[k]);
          else this.set(k, data[k]);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          (problems ??= []).push(...e.violations);
        }
      }
      if (problems) return this.#defaults(data, problems);
    }
    return this.#defaults(data, undefined);
  }

  /**
   * The common creation: every key of `data` a declared LWW field with a valid value, written in name order.
   * False (with only `#writes` touched) for anything else, which the general loop then handles.
   */
  #initializeSorted(data: Readonly<Record<string, unknown>>): boolean {
    let keys = 0;
    for (const k in data) {
      if (!hasOwn(data, k)) continue;
      keys++;
    }
    let seen = 0;
    const model = this.meta.name;
    for (const f of sortedFields(this.meta)) {
      if (!hasOwn(data, f.name)) continue;
      if (f.backend !== 'lww') return false;
      seen++;
      try {
        this.#writes[f.name] = checkFieldValue(model, f, data[f.name]);
      } catch (e) {
        if (e instanceof ValidationError) return false;
        throw e;
      }
    }
    return seen === keys;
  }

  /** Adds the violations of required LWW fields missing from `data` and starts missing text fields empty. */
  #defaults(
    data: Readonly<Record<string, unknown>>,
    problems: FieldViolation[] | undefined,
  ): FieldViolation[] | undefined {
    for (const f of unsetFields(this.meta)) {
      if (f.name in data) continue;
      if (f.backend === 'lww') {
        (problems ??= []).push({ field: f.name, constraints: { isDefined: `${f.name} is required` } });
      } else this.set(f.name, '');
    }
    return problems;
  }

  set(field: string, value: unknown): void {
    this.#guard('set', this.meta.name, field);
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
      // A new entity's empty text needs no Yjs document; its creation event records '' as a plain value (the
      // document overrides it once edited), so every engine stores, filters and sorts it as '', never null.
      if (this.isNew && !stored && !this.#texts?.has(field)) {
        this.#writes[field] = '';
        return;
      }
      this.#editor(field).replace(typeof stored === 'string' ? stored : '');
    } else this.#writes[field] = stored;
  }

  text(field: string): TextHandle {
    this.#guard('edit', this.meta.name, field);
    if (this.meta.fields.get(field)?.backend !== 'text') {
      throw ValidationError.field(this.meta.name, field, 'isText', `${field} is not a @Text() field`);
    }
    const editor = this.#editor(field);
    const guard = (op: string): void => {
      this.#guard(`${op} text of`, this.meta.name, field);
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
    let e = this.#texts?.get(field);
    if (!e) {
      const lease = this.#clients.lease(
        `${this.collection}\u0000${this.id}\u0000${field}`,
        this.base?.textDoc(field),
      );
      (this.#leases ??= []).push(lease);
      e = lease.editor;
      (this.#texts ??= new Map()).set(field, e);
    }
    return e;
  }

  /** Ends the text leases: the transaction committed (`kept`) or was dropped. */
  settle(kept: boolean): void {
    for (const l of this.#leases ?? []) {
      if (kept) l.committed();
      else l.released();
    }
  }

  /** The operations of this fork's event, or undefined when it changes nothing. */
  operations(): Operations | undefined {
    if (this.#deleted) return Object.freeze({ delete: true });
    const base = this.base;
    // A new entity's writes are its event's writes as they are (the fork is not written after commit starts).
    const lww: Record<string, StoredValue> = base ? {} : Object.freeze(this.#writes);
    let hasLww = false;
    if (base)
      for (const k in this.#writes) {
        const v = this.#writes[k] as StoredValue;
        if (!base || !sameValue(v, base.value(k))) {
          lww[k] = v;
          hasLww = true;
        }
      }
    let text: Record<string, Uint8Array> | undefined;
    for (const [k, e] of this.#texts ?? []) {
      const u = e.update();
      if (u) (text ??= {})[k] = u;
    }
    if (!hasLww && !text && base) return undefined;
    return Object.freeze(text ? (hasLww || !base ? { lww, text } : { text }) : { lww });
  }

  /** Every field's value as it will be after commit (read-only: it may be the fork's own record). */
  values(): Readonly<Record<string, unknown>> {
    if (!this.base && !this.#texts) return this.#writes;
    const out: Record<string, unknown> = this.base ? { ...this.base.values() } : {};
    for (const k in this.#writes) out[k] = this.#writes[k];
    for (const [k, e] of this.#texts ?? []) out[k] = e.toString();
    return out;
  }
}

const unset = new WeakMap<ModelMeta, readonly FieldMeta[]>();
const byName = new WeakMap<ModelMeta, readonly FieldMeta[]>();

/** The model's fields in name order (code-unit order, as the LWW state sorts them). */
function sortedFields(meta: ModelMeta): readonly FieldMeta[] {
  let fields = byName.get(meta);
  if (!fields) {
    fields = [...meta.fields.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    byName.set(meta, fields);
  }
  return fields;
}

/** The fields a creation must mention or gets a default for: required LWW fields and text fields, in order. */
function unsetFields(meta: ModelMeta): readonly FieldMeta[] {
  let fields = unset.get(meta);
  if (!fields) {
    fields = [...meta.fields.values()].filter(
      (f) => (!f.optional && f.backend === 'lww') || f.backend === 'text',
    );
    unset.set(meta, fields);
  }
  return fields;
}

function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}
