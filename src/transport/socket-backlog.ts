import { type Socket } from 'socket.io';

/* Backpressure on one Socket.IO connection: what it has not read yet, and cutting it. */

type EngineSocket = Socket['conn'];

/**
 * Bytes written to a connection and not yet passed to the operating system: Engine.IO's write buffer (which
 * grows while the transport still sends earlier packets) plus what the WebSocket buffers in user space.
 */
export function backlogOf(conn: EngineSocket): () => number {
  let queued = 0;
  const size = (packet: unknown): number => {
    const data: unknown = (packet as { data?: unknown } | null)?.data;
    if (typeof data === 'string') return data.length;
    return data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0;
  };
  conn.on('packetCreate', (packet: unknown) => void (queued += size(packet)));
  conn.on('flush', (buffer: unknown) => {
    if (Array.isArray(buffer)) for (const packet of buffer) queued -= size(packet);
    queued = Math.max(0, queued); // packets written before this count started
  });
  return () => queued + (webSocketOf(conn)?.bufferedAmount ?? 0);
}

interface WebSocketLike {
  readonly bufferedAmount: number;
  terminate(): void;
}

/** The `ws` WebSocket under a connection's WebSocket transport (undefined for HTTP long-polling). */
function webSocketOf(conn: EngineSocket): WebSocketLike | undefined {
  const ws: unknown = (conn.transport as unknown as { socket?: unknown }).socket;
  const like = ws as Partial<WebSocketLike> | undefined;
  return typeof like?.bufferedAmount === 'number' && typeof like.terminate === 'function'
    ? (ws as WebSocketLike)
    : undefined;
}

/** Ends a connection at once, dropping what it buffered (a close handshake would wait for a stalled reader). */
export function terminate(conn: EngineSocket): void {
  const ws = webSocketOf(conn);
  if (ws) ws.terminate();
  else conn.close(true);
}
