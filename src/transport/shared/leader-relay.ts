import { UnavailableError } from '../../errors/errors';
import { type Event } from '../../event/event';
import { type DurablePeer, type PeerLink, type RemoteStates } from '../../node/peers/peer';
import { toErrorData } from '../../protocol/error-data';
import { type ConnectionShare } from '../socket-client';
import { type TabChannel, type TabMessage } from './tab-messages';

type Call = Extract<TabMessage, { t: 'call' }>;

/** Calls `gone` once the follower tab `tab` is gone, even if it died without a 'bye' (see TabWatch). */
export type WatchTab = (tab: string, gone: () => void) => void;

/**
 * The leader tab's side of a shared connection: it makes the followers' calls on its own session (their
 * live query ids prefixed by tab, so they never collide), hands every push to every tab, and hands each
 * acknowledged commit to the tabs that did not make it, so tabs see each other's edits at once. With a
 * `watch`, it watches each tab it serves from its first call on, and forgets a tab once it is gone.
 */
export class LeaderRelay implements ConnectionShare {
  readonly #channel: TabChannel;
  readonly #tab: string;
  #session: DurablePeer | undefined;
  #link: PeerLink | undefined;
  /** Each follower's live queries on the server, by tab, to end them when the tab leaves. */
  readonly #subs = new Map<string, Set<string>>();
  readonly #watch: WatchTab | undefined;
  /** The tabs watched since their first call, and those gone (their late calls are dropped). */
  readonly #watched = new Set<string>();
  readonly #gone = new Set<string>();

  constructor(channel: TabChannel, tab: string, watch?: WatchTab) {
    this.#channel = channel;
    this.#tab = tab;
    this.#watch = watch;
  }

  /** Tells every tab whether this leader holds a connection. */
  announce(): void {
    const s = this.#session;
    this.#channel.postMessage({
      t: 'state',
      leader: this.#tab,
      online: s !== undefined,
      ...(s ? { server: s.nodeId } : {}),
    });
  }

  opened(session: DurablePeer): DurablePeer {
    this.#session = session;
    this.#subs.clear();
    // The leader's own commits: the other tabs adopt the acknowledged states too.
    return new Proxy(session, {
      get: (target, key) => {
        if (key === 'commit') {
          return async (events: readonly Event[]) => {
            const ack = await target.commit(events);
            this.#share(ack, this.#tab);
            return ack;
          };
        }
        const v: unknown = Reflect.get(target, key, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  linked(link: PeerLink): void {
    this.#link = link;
    this.announce();
  }

  pushed(update: RemoteStates): void {
    this.#channel.postMessage({ t: 'push', update, except: this.#tab });
  }

  closed(): void {
    this.#session = undefined;
    this.#link = undefined;
    this.announce();
  }

  #share(update: RemoteStates, except: string): void {
    if (except !== this.#tab) this.#link?.receive(update);
    this.#channel.postMessage({ t: 'push', update, except });
  }

  #subId(tab: string, sub: string): string {
    return `${tab.slice(-10)}_${sub}`;
  }

  /** Handles one message of the channel (a leader answers calls, announcements and goodbyes). */
  handle(msg: TabMessage): void {
    if (msg.t === 'who') this.announce();
    else if (msg.t === 'call' && msg.to === this.#tab) void this.serve(msg);
    else if (msg.t === 'bye') this.#left(msg.from);
  }

  #left(tab: string): void {
    this.#gone.add(tab);
    this.forget(tab);
  }

  /** Makes one follower call on the session and answers it. */
  async serve(call: Call): Promise<void> {
    if (this.#gone.has(call.from) || call.from === this.#tab) return;
    if (this.#watch && !this.#watched.has(call.from)) {
      this.#watched.add(call.from);
      this.#watch(call.from, () => this.#left(call.from));
    }
    const session = this.#session;
    try {
      if (!session) throw UnavailableError.leaderNotConnected();
      const args = [...call.args];
      if (call.method === 'subscribe' || call.method === 'update' || call.method === 'unsubscribe') {
        const sub = this.#subId(call.from, args[0] as string);
        args[0] = sub;
        const mine = this.#subs.get(call.from) ?? new Set<string>();
        this.#subs.set(call.from, mine);
        if (call.method === 'unsubscribe') mine.delete(sub);
        else mine.add(sub);
      }
      const method = session[call.method] as (...a: unknown[]) => Promise<unknown>;
      const result = await method.apply(session, args);
      this.#channel.postMessage({ t: 'answer', to: call.from, n: call.n, result: result ?? {} });
      if (call.method === 'commit') this.#share(result as RemoteStates, call.from);
    } catch (e) {
      this.#channel.postMessage({ t: 'answer', to: call.from, n: call.n, error: toErrorData(e) });
    }
  }

  /** A follower left: its live queries end on the server. */
  forget(tab: string): void {
    const subs = this.#subs.get(tab);
    this.#subs.delete(tab);
    const session = this.#session;
    if (!subs || !session) return;
    for (const sub of subs) session.unsubscribe(sub).catch(() => undefined);
  }
}
