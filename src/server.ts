/** Node-only server pieces: the Socket.IO server. (A scale-out fan-out between nodes is not built yet.) */
export { SocketServer, type SocketServerOptions, type SocketServerHandle } from './transport/socket-server';
