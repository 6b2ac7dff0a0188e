import { replicaOf, type Node } from '../../node/node';
import { type PeerLink } from '../../node/peers/peer';
import { RelayPeer } from './relay-peer';
import { type TabChannel, type TabMessage } from './tab-messages';

/**
 * A follower tab's side of a shared connection: attaches its node to a RelayPeer while the leader is
 * online, detaches it when the leader goes offline or another tab takes over, and hands the node the
 * answers and the states the leader relays.
 */
export class Follower {
  readonly #node: Node;
  readonly #channel: TabChannel;
  readonly #tab: string;
  #follow: { peer: RelayPeer; link: PeerLink } | undefined;

  constructor(node: Node, channel: TabChannel, tab: string) {
    this.#node = node;
    this.#channel = channel;
    this.#tab = tab;
  }

  /** Asks the leader, if any, to announce itself. */
  ask(): void {
    this.#channel.postMessage({ t: 'who', from: this.#tab });
  }

  /** Handles one message of the channel. */
  handle(msg: TabMessage): void {
    const follow = this.#follow;
    if (msg.t === 'state') {
      if (follow && (follow.peer.leader !== msg.leader || !msg.online))
        this.stop('the leader tab went offline');
      if (msg.online && msg.server && !this.#follow) {
        const peer = new RelayPeer(this.#channel, this.#tab, msg.leader, msg.server);
        this.#follow = { peer, link: replicaOf(this.#node).peers.attach(peer) };
      }
    } else if (msg.t === 'answer' && msg.to === this.#tab) {
      follow?.peer.answer(msg);
    } else if (msg.t === 'push' && msg.except !== this.#tab) {
      follow?.link.receive(msg.update);
    }
  }

  /** Detaches from the leader: calls in flight fail as on a lost connection. */
  stop(reason: string): void {
    const follow = this.#follow;
    if (!follow) return;
    this.#follow = undefined;
    follow.peer.fail(reason);
    follow.link.detach();
  }

  /** Leaves for good: the leader ends this tab's live queries on the server. */
  leave(): void {
    this.#channel.postMessage({ t: 'bye', from: this.#tab });
    this.stop('the shared connection was closed');
  }
}
