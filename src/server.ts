/** Node-only server pieces: the Socket.IO server and scale-out fan-out. */
export { SocketServer, type SocketServerOptions, type SocketServerHandle } from './transport/socket-server';
