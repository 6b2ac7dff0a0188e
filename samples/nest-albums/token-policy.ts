import { AccessDeniedError, type Access, type ContextData, type Handshake, type PolicyAgent } from 'ankurah';

/** The claims of a caller, as the policy derives them from a token. */
export interface Claims extends ContextData {
  readonly user: string;
  readonly role: 'editor' | 'viewer' | 'system';
}

/** The sample's users: a token each (a real app would verify a signed token or look up a session). */
export const DEMO_TOKENS: Readonly<Record<string, Claims>> = {
  'alice-token': { user: 'alice', role: 'editor' },
  'bob-token': { user: 'bob', role: 'viewer' },
};

/** The context the server's own code acts with (injected collections). */
export const SYSTEM_CLAIMS: Claims = { user: 'system', role: 'system' };

/**
 * Token auth for both doors of the server: Socket.IO connections (`auth: { token }`) and HTTP requests
 * (`Authorization: Bearer <token>`, through AnkurahAuthGuard). Editors write, viewers only read.
 */
export class TokenPolicy implements PolicyAgent {
  constructor(private readonly tokens: Readonly<Record<string, Claims>> = DEMO_TOKENS) {}

  authenticate(handshake: Handshake): Claims {
    const token = (handshake.auth as { token?: unknown } | null)?.token;
    const claims = typeof token === 'string' ? this.tokens[token] : undefined;
    if (!claims) throw AccessDeniedError.create('a valid token is required (Authorization: Bearer <token>)');
    return claims;
  }

  canAccessCollection(ctx: ContextData, _collection: string, access: Access): boolean {
    const role = (ctx as Partial<Claims>).role;
    return access === 'read' ? role !== undefined : role === 'editor' || role === 'system';
  }

  filterPredicate(): string | null {
    return null;
  }

  checkEvent(ctx: ContextData): boolean {
    const role = (ctx as Partial<Claims>).role;
    return role === 'editor' || role === 'system';
  }
}
