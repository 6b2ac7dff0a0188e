/** Node-only server pieces: the Socket.IO server and the fan-out between durable nodes on one database. */
export { SocketServer, type SocketServerOptions, type SocketServerHandle } from './transport/socket-server';
export { Fanout, type FanoutBus, type FanoutOptions, type FanoutEvent } from './fanout/fanout';
export { RedisFanout, type RedisFanoutOptions } from './fanout/redis-fanout';
export { PostgresFanout, type PostgresFanoutOptions } from './fanout/postgres-fanout';
