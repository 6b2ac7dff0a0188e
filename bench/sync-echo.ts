/* Child process of bench/sync.ts: a bare Socket.IO echo server (the raw baseline across processes). */
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer();
const ioServer = new Server(http, { serveClient: false });
ioServer.on('connection', (s) => s.on('echo', (x: unknown, ack: (x: unknown) => void) => ack(x)));
http.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
});
process.on('message', (msg: string) => {
  if (msg === 'close') void ioServer.close(() => process.exit(0));
});
