import { Module, Scope, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, REQUEST } from '@nestjs/core';
import { type ModelClass } from '../../model/model-meta';
import { type Context } from '../../node/api/context';
import { type Collection } from '../../node/api/collection';
import { Node } from '../../node/node';
import { AnkurahAuthGuard } from './auth-guard';
import { AnkurahExceptionFilter } from './exception-filter';
import { AnkurahLifecycle } from './lifecycle';
import { requestContext } from './request-context';
import { openStorage, type AnkurahModuleAsyncOptions, type AnkurahModuleOptions } from './options';
import { ANKURAH_CONTEXT, ANKURAH_NODE, ANKURAH_OPTIONS, collectionToken } from './tokens';

const nodeProvider: Provider = {
  provide: ANKURAH_NODE,
  inject: [ANKURAH_OPTIONS],
  useFactory: async (o: AnkurahModuleOptions): Promise<Node> =>
    Node.durable(await openStorage(o.storage), {
      ...o.node,
      ...(o.models ? { models: o.models } : {}),
      ...(o.policy ? { policy: o.policy } : {}),
    }),
};

const contextProvider: Provider = {
  provide: ANKURAH_CONTEXT,
  scope: Scope.REQUEST,
  inject: [ANKURAH_NODE, ANKURAH_OPTIONS, REQUEST],
  useFactory: (node: Node, o: AnkurahModuleOptions, request: unknown): Context =>
    requestContext(node, request, o.contextData),
};

/** The global module forRoot returns: the node, its lifecycle, the request context and the filter. */
@Module({})
class AnkurahCoreModule {}

/**
 * NestJS integration: `forRoot` creates the durable node once (closed on application shutdown) and serves
 * Socket.IO on Nest's own HTTP server; `forFeature([Album])` provides `@InjectCollection(Album)` repositories.
 */
@Module({})
export class AnkurahModule {
  /** Creates the node from options, or from `useFactory` (with `inject` and `imports`). */
  static forRoot(options: AnkurahModuleOptions | AnkurahModuleAsyncOptions): DynamicModule {
    const optionsProvider: Provider =
      'useFactory' in options
        ? {
            provide: ANKURAH_OPTIONS,
            inject: options.inject ?? [],
            // Nest calls the factory with the resolved `inject` tokens, whose types only the app knows.
            useFactory: options.useFactory as (...args: unknown[]) => Promise<AnkurahModuleOptions>,
          }
        : { provide: ANKURAH_OPTIONS, useValue: options };
    const filter: Provider[] =
      options.exceptionFilter === false ? [] : [{ provide: APP_FILTER, useClass: AnkurahExceptionFilter }];
    return {
      module: AnkurahCoreModule,
      global: true,
      imports: 'useFactory' in options ? [...(options.imports ?? [])] : [],
      providers: [
        optionsProvider,
        nodeProvider,
        contextProvider,
        AnkurahLifecycle,
        AnkurahAuthGuard,
        ...filter,
      ],
      exports: [ANKURAH_NODE, ANKURAH_OPTIONS, ANKURAH_CONTEXT, AnkurahLifecycle, AnkurahAuthGuard],
    };
  }

  /** The asynchronous form of forRoot (the same as passing `{ useFactory, inject, imports }` to forRoot). */
  static forRootAsync(options: AnkurahModuleAsyncOptions): DynamicModule {
    return AnkurahModule.forRoot(options);
  }

  /** Provides a Collection per model, injected with `@InjectCollection(Model)`. */
  static forFeature(models: readonly ModelClass[]): DynamicModule {
    const providers: Provider[] = models.map((model) => ({
      provide: collectionToken(model),
      inject: [ANKURAH_NODE, ANKURAH_OPTIONS],
      useFactory: (node: Node, o: AnkurahModuleOptions): Collection<object> =>
        node.context(o.systemContext ?? {}).collection(model),
    }));
    return { module: AnkurahModule, providers, exports: providers };
  }
}
