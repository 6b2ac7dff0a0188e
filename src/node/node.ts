import { type Observable } from 'rxjs';
import { type StorageEngine } from '../storage/engine';
import { Context } from './api/context';
import { Kernel } from './kernel/kernel';
import { type NodeOptions } from './options';
import { type ContextData } from './policy';
import { type ReplicaPort } from './ports';

export { type NodeOptions } from './options';

/** The kernel behind each Node: reachable by transports and servers through replicaOf, not through Node. */
const kernels = new WeakMap<Node, Kernel>();

/**
 * A participant in the system. A durable node keeps every event and is authoritative for history; an
 * ephemeral node caches, works offline and syncs through durable peers. (`AnkurahNode` is the same class,
 * for code where `Node` is the DOM's global.)
 */
export class Node {
  readonly id: string;
  readonly durable: boolean;
  /** Errors that have no caller to reject (a queued commit refused later, a failing subscriber). */
  readonly errors$: Observable<Error>;
  /** The number of local commits not yet acknowledged by a durable peer (the current count first). */
  readonly pending$: Observable<number>;

  private constructor(kernel: Kernel) {
    kernels.set(this, kernel);
    this.id = kernel.id;
    this.durable = kernel.durable;
    this.errors$ = kernel.errors$.asObservable();
    this.pending$ = kernel.pending$.asObservable();
  }

  /** An authority that keeps every event and answers for history. */
  static async durable(storage: StorageEngine, options: NodeOptions = {}): Promise<Node> {
    return new Node(await Kernel.open(storage, true, options));
  }

  /**
   * A client or cache that syncs through durable peers; works offline on what it holds. Commits that an earlier
   * run kept but no durable peer acknowledged are restored from storage and sent once a peer connects.
   */
  static async ephemeral(storage: StorageEngine, options: NodeOptions = {}): Promise<Node> {
    return new Node(await Kernel.open(storage, false, options));
  }

  /** True once close() was called. */
  get closed(): boolean {
    return kernelOf(this).closed;
  }

  /** Resolves when the node can serve reads and writes (ephemeral: once a durable peer is connected). */
  async ready(): Promise<void> {
    const k = kernelOf(this);
    k.checkOpen();
    if (!k.durable) await k.peers.ready();
  }

  /** A context carrying the caller's identity and claims for the policy agent. */
  context(data: ContextData = {}): Context {
    const k = kernelOf(this);
    k.checkOpen();
    return new Context(k, data);
  }

  /** Closes the node: completes every observable and closes storage. */
  close(): Promise<void> {
    return kernelOf(this).close();
  }
}

function kernelOf(node: Node): Kernel {
  return kernels.get(node) as Kernel;
}

/**
 * The replica port of a node, for transports, servers and bindings inside the package (not exported from
 * 'ankurah': user code programs against Node, Context and the rest of the public API).
 */
export function replicaOf(node: Node): ReplicaPort {
  return kernelOf(node);
}
