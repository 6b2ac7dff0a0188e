import { Inject } from '@nestjs/common';
import { type ModelClass } from '../../model/model-meta';
import { type Context } from '../../node/api/context';
import { type ContextData } from '../../node/policy';
import { ANKURAH_CONTEXT, ANKURAH_NODE, collectionToken } from './tokens';

/** Injects the Collection of a model listed in AnkurahModule.forFeature (acting with `systemContext`). */
export function InjectCollection(model: ModelClass): ParameterDecorator & PropertyDecorator {
  return Inject(collectionToken(model));
}

/** Injects the request-scoped Context built from the request's user (makes the injecting class request-scoped). */
export function InjectContext(): ParameterDecorator & PropertyDecorator {
  return Inject(ANKURAH_CONTEXT);
}

/** Injects the module's durable Node. */
export function InjectNode(): ParameterDecorator & PropertyDecorator {
  return Inject(ANKURAH_NODE);
}

/** A Context whose data has the app's claims type: `@InjectContext() ctx: RequestContext<Claims>`. */
export type RequestContext<C extends ContextData = ContextData> = Context & { readonly data: Readonly<C> };
