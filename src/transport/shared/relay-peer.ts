import { UnavailableError } from '../../errors/errors';
import { type Event } from '../../event/event';
import { type DurablePeer, type HeldEntity, type RemoteStates } from '../../node/peers/peer';
import { type Selection } from '../../query/ast';
import { fromErrorData } from '../../protocol/error-data';
import { type PeerMethod, type TabChannel, type TabMessage } from './tab-messages';

/**
 * A follower tab's durable peer: every call goes to the leader tab over the channel, which makes it on its
 * own connection. Calls still unanswered when the leader goes away reject with UnavailableError, as on a
 * lost connection (the node retries its queued commits and live queries on the next peer).
 */
export class RelayPeer implements DurablePeer {
  readonly nodeId: string;
  readonly #channel: TabChannel;
  readonly #tab: string;
  readonly #leader: string;
  readonly #waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #n = 0;
  #gone: string | undefined;

  constructor(channel: TabChannel, tab: string, leader: string, serverNodeId: string) {
    this.#channel = channel;
    this.#tab = tab;
    this.#leader = leader;
    this.nodeId = serverNodeId;
  }

  /** The leader tab this peer relays through. */
  get leader(): string {
    return this.#leader;
  }

  /** Hands over the leader's answer to one of this peer's calls. */
  answer(msg: Extract<TabMessage, { t: 'answer' }>): void {
    const w = this.#waiting.get(msg.n);
    if (!w) return;
    this.#waiting.delete(msg.n);
    if ('error' in msg) w.reject(fromErrorData(msg.error));
    else w.resolve(msg.result);
  }

  /** The leader is gone: every unanswered call and every later one rejects. */
  fail(reason: string): void {
    this.#gone = reason;
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const w of waiting) w.reject(UnavailableError.leaderGone(reason));
  }

  #call<T>(method: PeerMethod, args: readonly unknown[]): Promise<T> {
    if (this.#gone) return Promise.reject(UnavailableError.leaderGone(this.#gone));
    const n = ++this.#n;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(n, { resolve: resolve as (v: unknown) => void, reject });
      this.#channel.postMessage({ t: 'call', from: this.#tab, to: this.#leader, n, method, args });
    });
  }

  get(collection: string, id: string): Promise<RemoteStates> {
    return this.#call('get', [collection, id]);
  }

  fetch(collection: string, selection: Selection): Promise<RemoteStates> {
    return this.#call('fetch', [collection, selection]);
  }

  getEvents(collection: string, ids: readonly string[]): Promise<readonly Event[]> {
    return this.#call('getEvents', [collection, ids]);
  }

  history(collection: string, id: string): Promise<readonly Event[]> {
    return this.#call('history', [collection, id]);
  }

  commit(events: readonly Event[]): Promise<RemoteStates> {
    return this.#call('commit', [events]);
  }

  subscribe(
    sub: string,
    collection: string,
    selection: Selection,
    held: readonly HeldEntity[],
  ): Promise<RemoteStates> {
    return this.#call('subscribe', [sub, collection, selection, held]);
  }

  update(sub: string, selection: Selection, held: readonly HeldEntity[]): Promise<RemoteStates> {
    return this.#call('update', [sub, selection, held]);
  }

  unsubscribe(sub: string): Promise<void> {
    return this.#call('unsubscribe', [sub]);
  }
}
