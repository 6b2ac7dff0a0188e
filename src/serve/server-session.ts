import * as z from 'zod';
import { InternalError, NotFoundError, ProtocolError, UnavailableError } from '../errors/errors';
import { AnkurahError } from '../errors/ankurah-error';
import { type Entity } from '../entity/entity';
import { type Event } from '../event/event';
import { type ReplicaPort } from '../node/ports';
import { type EntityRef } from '../node/peers/peer';
import { type ContextData } from '../node/policy';
import { touchedEntities } from '../node/peers/peer-queue';
import { toErrorData } from '../protocol/error-data';
import { fastRequest } from '../protocol/fast-requests';
import { measureFrame } from '../protocol/frame-size';
import { requestCost, type Limits } from '../protocol/limits';
import { wireEvent, type WireStates } from '../protocol/wire-states';
import { requestSchema, type Request, type Response } from '../protocol/messages';
import { ServerSubscriptions } from './server-subscriptions';
import { Visibility } from './visibility';
import { acceptPeer, type Accepted, type Opening } from './handshake';
import { checkParents } from './check-parents';

export { type Accepted, type Opening } from './handshake';

/** How a durable node serves its connections. */
export interface SessionOptions {
  readonly limits: Limits;
  /** Serve collections the node has no model for (off by default: a peer could otherwise create tables). */
  readonly acceptUnknownCollections?: boolean;
}

const schemas = new WeakMap<Limits, ReturnType<typeof requestSchema>>();

/**
 * One connection to a durable node, independent of the transport: validates every frame before use, applies
 * the limits, answers requests with results or errors as data, and pushes live-query updates.
 * Invariants: `handle` never throws; a malformed or refused request changes nothing; commits from one
 * connection are applied in the order they arrived.
 */
export class ServerSession {
  readonly #node: ReplicaPort;
  readonly #limits: Limits;
  readonly #vis: Visibility;
  readonly #subs: ServerSubscriptions;
  readonly #schema: ReturnType<typeof requestSchema>;
  #inFlight = 0;
  /** The cost (requestCost) of the requests being answered. */
  #cost = 0;
  #commits: Promise<unknown> = Promise.resolve();
  /** Commits of this connection not settled yet. */
  #committing = 0;
  #closed = false;

  /** Checks a hello (protocol version first) and asks the policy agent to authenticate the peer. */
  static open(node: ReplicaPort, opening: Opening): Promise<Accepted> {
    return acceptPeer(node, opening);
  }

  constructor(
    node: ReplicaPort,
    ctx: ContextData,
    push: (frame: WireStates) => void,
    options: SessionOptions,
  ) {
    this.#node = node;
    this.#limits = options.limits;
    this.#vis = new Visibility(node, ctx, options.limits, options.acceptUnknownCollections ?? false);
    this.#subs = new ServerSubscriptions(this.#vis, options.limits, (frame) => {
      if (!this.#closed) push(frame);
    });
    let schema = schemas.get(options.limits);
    if (!schema) {
      schema = requestSchema(options.limits);
      schemas.set(options.limits, schema);
    }
    this.#schema = schema;
  }

  /** The number of live queries this connection holds. */
  get subscriptions(): number {
    return this.#subs.size;
  }

  /** Answers one inbound frame; never throws. */
  async handle(raw: unknown): Promise<Response> {
    const rawId = (raw as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? rawId : -1;
    if (this.#inFlight >= this.#limits.maxInFlight) {
      return fail(id, ProtocolError.tooManyInFlight(this.#limits.maxInFlight));
    }
    const cost = requestCost(raw);
    if (this.#cost + cost > this.#limits.maxCostInFlight) {
      return fail(id, ProtocolError.costInFlight(this.#cost + cost, this.#limits.maxCostInFlight));
    }
    this.#inFlight++;
    this.#cost += cost;
    try {
      if (this.#closed || this.#node.closed) throw UnavailableError.connectionClosed();
      const size = measureFrame(raw, this.#limits.maxFrameBytes, this.#limits.maxDepth);
      if (!size.ok) throw ProtocolError.frameRefused(size.reason);
      const fast = fastRequest(raw, this.#limits);
      if (fast) return { id, ok: true, result: await this.#dispatch(fast) };
      const parsed = this.#schema.safeParse(raw);
      if (!parsed.success) throw ProtocolError.malformedRequest(z.prettifyError(parsed.error));
      return { id, ok: true, result: await this.#dispatch(parsed.data) };
    } catch (e) {
      if (!(e instanceof AnkurahError) || e instanceof InternalError) this.#internal(raw, e);
      return fail(id, e);
    } finally {
      this.#inFlight--;
      this.#cost -= cost;
    }
  }

  /** A bug (e.g. in the policy agent): the peer gets a generic INTERNAL error, the node's errors$ the detail. */
  #internal(raw: unknown, e: unknown): void {
    if (this.#node.closed) return;
    const kind: unknown = (raw as { kind?: unknown } | null)?.kind;
    const what = `answering a ${typeof kind === 'string' ? kind.slice(0, 32) : 'malformed'} request`;
    this.#node.report(e instanceof InternalError ? e : InternalError.wrap(what, e));
  }

  /** Ends the connection's live queries. */
  close(): void {
    this.#closed = true;
    this.#subs.close();
  }

  async #dispatch(req: Request): Promise<unknown> {
    switch (req.kind) {
      case 'get':
        await this.#vis.canRead(req.collection);
        return this.#statesOf([{ collection: req.collection, id: req.entityId }]);
      case 'fetch': {
        const sel = await this.#vis.selection(req.collection, req.selection);
        await this.#vis.filter(req.collection);
        return this.#vis.materialize(await this.#vis.fetch(req.collection, sel));
      }
      case 'getEvents':
        return { events: await this.#events(req.collection, req.ids) };
      case 'history':
        return this.#history(req.collection, req.entityId, req.after);
      case 'commit': {
        // Chained so that one connection's commits apply in arrival order, whatever their checks cost; with
        // none in flight the commit starts at once.
        const run =
          this.#committing === 0
            ? this.#commit(req.events)
            : this.#commits.then(() => this.#commit(req.events));
        this.#committing++;
        this.#commits = run.then(
          () => void this.#committing--,
          () => void this.#committing--,
        );
        return run;
      }
      case 'subscribe':
        return this.#subs.subscribe(req.sub, req.collection, req.selection, req.held);
      case 'update':
        return this.#subs.update(req.sub, req.selection, req.held);
      case 'unsubscribe':
        this.#subs.unsubscribe(req.sub);
        return {};
    }
  }

  async #commit(events: readonly Event[]): Promise<WireStates> {
    for (const e of events) this.#vis.served(e.collection);
    await checkParents(this.#node, events);
    await this.#node.applyRemote(events, this.#vis.ctx);
    return this.#statesOf(touchedEntities(events));
  }

  /** The states the connection may see of these entities; the others are `gone`. */
  async #statesOf(refs: readonly EntityRef[]): Promise<WireStates> {
    const live: Entity[] = [];
    const gone: EntityRef[] = [];
    const readable = new Map<string, boolean>();
    for (const ref of refs) {
      let may = readable.get(ref.collection);
      if (may === undefined) {
        may = await this.#node.policy.canAccessCollection(this.#vis.ctx, ref.collection, 'read');
        readable.set(ref.collection, may);
        await this.#vis.filter(ref.collection);
      }
      const e = may ? await this.#node.loadLocal(ref.collection, ref.id) : undefined;
      if (e) live.push(e);
      else gone.push(ref);
    }
    return this.#vis.materialize(live, gone);
  }

  /**
   * One page of an entity's events in id order, after `after`: at most `maxResultRows`, `more` when others
   * follow. A missing or hidden entity is NotFoundError, as for get (a deleted one keeps its history readable).
   */
  async #history(
    collection: string,
    id: string,
    after: string | undefined,
  ): Promise<{ events: Event[]; more: boolean }> {
    await this.#vis.canRead(collection);
    await this.#node.ensureCollection(this.#node.metaOf(collection));
    const entity = await this.#node.loadLocal(collection, id);
    if (!entity?.exists || !(await this.#vis.visible(entity))) throw NotFoundError.entity(collection, id);
    const all = await this.#node.storage.entityEvents(collection, id);
    const rest = after === undefined ? all : all.filter((e) => e.id > after);
    const page = rest.slice(0, this.#limits.maxResultRows);
    return { events: page.map(wireEvent), more: rest.length > page.length };
  }

  /** Events by id, leaving out those of entities the connection may not see. */
  async #events(collection: string, ids: readonly string[]): Promise<Event[]> {
    await this.#vis.canRead(collection);
    await this.#node.ensureCollection(this.#node.metaOf(collection));
    const events = await this.#node.storage.getEvents(collection, ids);
    const visible = new Map<string, boolean>();
    const out: Event[] = [];
    for (const e of events) {
      let ok = visible.get(e.entityId);
      if (ok === undefined) {
        const entity = await this.#node.loadLocal(collection, e.entityId);
        ok = entity !== undefined && (await this.#vis.visible(entity));
        visible.set(e.entityId, ok);
      }
      if (ok) out.push(e);
    }
    return out;
  }
}

function fail(id: number, e: unknown): Response {
  return { id, ok: false, error: toErrorData(e) };
}
