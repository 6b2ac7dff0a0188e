/** Socket.IO event names of the Ankurah protocol (one namespace per server; names are versioned by hello). */
export const EVENTS = {
  /** Server → client, once per connection: the durable node's hello. */
  hello: 'ankurah:hello',
  /** Client → server with an acknowledgement callback: one request frame. */
  request: 'ankurah:req',
  /** Server → client: an update for the connection's live queries. */
  push: 'ankurah:push',
  /** Server → client: an error that has no request to answer (a frame sent without acknowledgement). */
  error: 'ankurah:error',
} as const;
