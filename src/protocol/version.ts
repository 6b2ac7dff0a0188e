/** The wire protocol version; peers speaking another version are refused at hello with both versions named. */
export const PROTOCOL_VERSION = 2;
