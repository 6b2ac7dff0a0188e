/** NestJS integration (Node only; @nestjs/common and @nestjs/core are optional peer dependencies). */
export { AnkurahModule } from './bindings/nest/ankurah-module';
export { InjectCollection, InjectContext, InjectNode, type RequestContext } from './bindings/nest/inject';
export { AnkurahAuthGuard } from './bindings/nest/auth-guard';
export {
  AnkurahExceptionFilter,
  errorBody,
  HTTP_STATUS,
  type AnkurahErrorBody,
} from './bindings/nest/exception-filter';
export { AnkurahLifecycle } from './bindings/nest/lifecycle';
export {
  type AnkurahModuleOptions,
  type AnkurahModuleAsyncOptions,
  type AnkurahSocketOptions,
  type StorageSource,
} from './bindings/nest/options';
export { ANKURAH_NODE, ANKURAH_CONTEXT, ANKURAH_OPTIONS, collectionToken } from './bindings/nest/tokens';
export { Collection } from './node/api/collection';
