import { BehaviorSubject, type Observable, Subscription } from 'rxjs';
import { UnavailableError } from '../../errors/errors';
import { newId } from '../../event/ids';
import { replicaOf, type Node } from '../../node/node';
import { SocketClient, type SocketClientOptions } from '../socket-client';
import { LeaderRelay } from './leader-relay';
import { Follower } from './follower';
import { holdTabLock, TabWatch, type LockManagerLike } from './tab-locks';
import { type TabChannel, type TabMessage } from './tab-messages';

/** Options of connectShared: SocketClient's, plus the name tabs of one app share. */
export interface SharedConnectionOptions extends Omit<SocketClientOptions, 'share'> {
  /** Names the BroadcastChannel and the Web Lock (default 'ankurah'); tabs with the same name share. */
  readonly name?: string;
  /** Longest wait between the leader's attempts to reach the server (ms; default 5 000). */
  readonly retryMax?: number;
}

/** One tab's part in a connection shared by the tabs of an origin. */
export interface SharedConnection {
  /** 'leader' while this tab holds the Socket.IO connection, else 'follower'. */
  readonly role: 'leader' | 'follower';
  /** Emits the role now and on every change (a follower becomes leader when the leader tab closes). */
  readonly role$: Observable<'leader' | 'follower'>;
  /** Leaves: a leader closes its socket and hands the lock to another tab; queued commits stay queued. */
  close(): void;
}

/** A channel whose posts after close are dropped (a closing socket still reports its end). */
function safe(channel: TabChannel): TabChannel {
  let open = true;
  return {
    postMessage: (m) => {
      if (open) channel.postMessage(m);
    },
    addEventListener: (t, l) => channel.addEventListener(t, l),
    removeEventListener: (t, l) => channel.removeEventListener(t, l),
    close: () => {
      open = false;
      channel.close();
    },
  };
}

/**
 * Connects an ephemeral node the way SocketClient.connect does, but shares one connection among the tabs
 * of an origin: the tab holding the Web Lock `ankurah-leader:<name>` is the leader and holds the socket;
 * the others reach the durable node through it over a BroadcastChannel. Every tab adopts every push and
 * every acknowledged commit, so tabs see each other's edits as soon as the leader has them. When the
 * leader tab closes, the lock passes to another tab, which connects and takes over. Each tab also holds
 * the lock `ankurah-tab:<name>:<tab>` for its life, taken before it calls anything; the leader asks for the
 * lock of each tab it serves, which the browser grants once that tab is gone (even crashed, with no
 * `close()`), and then ends that tab's live queries on the server. Resolves once this tab's lock is held
 * (the node is ready, as usual, once a durable peer is attached: `await node.ready()`).
 */
export async function connectShared(
  node: Node,
  url: string,
  options: SharedConnectionOptions = {},
): Promise<SharedConnection> {
  if (node.durable) throw UnavailableError.sharedNotEphemeral();
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (!locks || typeof BroadcastChannel === 'undefined') {
    throw UnavailableError.sharedUnsupported();
  }
  const name = options.name ?? 'ankurah';
  const tab = newId();
  const abort = new AbortController();
  // Taken before any call goes out: a leader that asks for it is granted it only once this tab is gone.
  await holdTabLock(locks, name, tab, abort.signal);
  const channel = safe(new BroadcastChannel(`ankurah:${name}`) as unknown as TabChannel);
  const role$ = new BehaviorSubject<'leader' | 'follower'>('follower');
  let closed = false;
  let relay: LeaderRelay | undefined;
  const follower = new Follower(node, channel, tab);
  const onMessage = (ev: MessageEvent<TabMessage>): void => {
    if (closed) return;
    if (relay) relay.handle(ev.data);
    else follower.handle(ev.data);
  };
  channel.addEventListener('message', onMessage);

  const lead = async (): Promise<void> => {
    if (closed) return;
    follower.stop('this tab became the leader');
    const watch = new TabWatch(locks, name);
    abort.signal.addEventListener('abort', () => watch.close());
    relay = new LeaderRelay(channel, tab, (t, gone) => watch.watch(t, gone));
    role$.next('leader');
    relay.announce();
    let delay = options.reconnectionDelay ?? 250;
    let client: SocketClient | undefined;
    while (!closed && !client) {
      try {
        client = await SocketClient.connect(node, url, { ...options, share: relay });
      } catch (e) {
        replicaOf(node).report(e);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, options.retryMax ?? 5_000);
      }
    }
    // Held until close(): releasing the lock lets the next tab lead.
    await new Promise<void>((release) => {
      if (closed) release();
      else abort.signal.addEventListener('abort', () => release());
    });
    client?.close();
  };
  locks.request(`ankurah-leader:${name}`, { signal: abort.signal }, lead).catch(() => undefined);
  follower.ask();

  const nodeClosing = new Subscription();
  const close = (): void => {
    if (closed) return;
    closed = true;
    nodeClosing.unsubscribe();
    if (relay) relay.closed();
    else follower.leave();
    abort.abort();
    channel.removeEventListener('message', onMessage);
    channel.close();
    role$.complete();
  };
  // Closing the node leaves too: a leader hands the lock over instead of retrying for a closed node.
  nodeClosing.add(replicaOf(node).closing$.subscribe({ complete: close }));
  return {
    get role() {
      return role$.value;
    },
    role$: role$.asObservable(),
    close,
  };
}
