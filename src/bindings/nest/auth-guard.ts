import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { replicaOf, type Node } from '../../node/node';
import { ANKURAH_NODE } from './tokens';

/** The parts of an HTTP request the guard reads and writes (Express and Fastify requests both fit). */
interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  user?: unknown;
}

/**
 * Authenticates an HTTP request with the node's PolicyAgent, exactly as a Socket.IO connection: a
 * `Authorization: Bearer <token>` header becomes `handshake.auth = { token }` (no header: `auth` is null), and
 * what `authenticate` returns becomes `req.user` (the data @InjectContext() builds its Context from). A refusal
 * (AccessDeniedError) answers 403 through AnkurahExceptionFilter.
 */
@Injectable()
export class AnkurahAuthGuard implements CanActivate {
  constructor(@Inject(ANKURAH_NODE) private readonly node: Node) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header) : null;
    const auth = match ? { token: match[1] } : null;
    req.user = await replicaOf(this.node).policy.authenticate({
      auth,
      ...(req.ip ? { address: req.ip } : {}),
    });
    return true;
  }
}
