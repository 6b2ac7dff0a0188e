/**
 * The album of the Angular sample: the Nest sample's model (samples/nest-albums/album.model.ts), shared by the
 * browser app and the server that serves it, so both sides validate with the same rules and messages.
 */
export { Album } from '../nest-albums/album.model';
