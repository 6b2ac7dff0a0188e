import { type RemoteStates } from '../../node/peers/peer';
import { type ErrorData } from '../../protocol/messages';

/** The DurablePeer methods a follower tab calls through the leader. */
export type PeerMethod =
  | 'get'
  | 'fetch'
  | 'getEvents'
  | 'history'
  | 'commit'
  | 'subscribe'
  | 'update'
  | 'unsubscribe';

/**
 * The messages tabs exchange on the BroadcastChannel. Every tab receives every message; `to` names the one
 * it is for. Values travel by structured clone (binary stays binary); errors travel as ErrorData.
 */
export type TabMessage =
  /** A tab that just started asks the leader to announce itself. */
  | { readonly t: 'who'; readonly from: string }
  /** The leader's state: whether it holds a connection, and to which durable node. */
  | { readonly t: 'state'; readonly leader: string; readonly online: boolean; readonly server?: string }
  /** A follower's call of a DurablePeer method. */
  | {
      readonly t: 'call';
      readonly from: string;
      readonly to: string;
      readonly n: number;
      readonly method: PeerMethod;
      readonly args: readonly unknown[];
    }
  /** The leader's answer to one call. */
  | { readonly t: 'answer'; readonly to: string; readonly n: number; readonly result: unknown }
  | { readonly t: 'answer'; readonly to: string; readonly n: number; readonly error: ErrorData }
  /** States every tab adopts: a push from the server, or another tab's acknowledged commit. */
  | { readonly t: 'push'; readonly update: RemoteStates; readonly except?: string }
  /** A follower is leaving: the leader ends its live queries on the server. */
  | { readonly t: 'bye'; readonly from: string };

/** The channel between tabs (BroadcastChannel's shape). */
export interface TabChannel {
  postMessage(message: TabMessage): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<TabMessage>) => void): void;
  removeEventListener(type: 'message', listener: (ev: MessageEvent<TabMessage>) => void): void;
  close(): void;
}
