import { type Socket } from 'socket.io';
import { type Packed } from './frame-codec';

type EngineSocket = Socket['conn'];

interface Corkable {
  cork(): void;
  uncork(): void;
}

/** What `sendWhole` reaches into (Engine.IO and `ws` internals; checked by test/integration/sync/socket-writes). */
interface EngineInternals {
  readonly transport: {
    writable: boolean;
    readonly name: string;
    readonly socket?: { readonly _socket?: Partial<Corkable> };
  };
  flush(): void;
}

/**
 * Runs `send`, the Socket.IO emit or acknowledgement of `packed`, so that all the parts of its packet leave in
 * one write (a packet without an attachment is one part: sent as is).
 *
 * A packet with a binary attachment is encoded as several Engine.IO packets (the header, then the binary),
 * and Engine.IO hands the next one to the WebSocket only once the write of the previous one has completed
 * (a tick later): two system calls, and the receiver may wake twice, with the binary part a full write
 * behind. Holding the transport while the packet is encoded queues every part; one flush then gives them to
 * the WebSocket together, and corking the TCP socket makes them one write. When a write is still in
 * progress the parts queue up as before, behind it.
 */
export function sendWhole(conn: EngineSocket, packed: Packed, send: () => void): void {
  if (packed.args.length < 2) {
    send();
    return;
  }
  const engine = conn as unknown as EngineInternals;
  const transport = engine.transport;
  const tcp = transport.socket?._socket;
  if (
    transport.name !== 'websocket' ||
    !transport.writable ||
    typeof tcp?.cork !== 'function' ||
    typeof tcp.uncork !== 'function' ||
    typeof engine.flush !== 'function'
  ) {
    send();
    return;
  }
  transport.writable = false;
  try {
    send();
  } finally {
    transport.writable = true;
  }
  tcp.cork();
  try {
    engine.flush();
  } finally {
    tcp.uncork();
  }
}
