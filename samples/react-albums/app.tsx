import { memo, useCallback, useLayoutEffect, useState } from 'react';
import { type Node, type View } from 'ankurah';
import { useContext, useLiveQuery, useView } from 'ankurah/react';
import { AlbumForm } from './album-form';
import { probe, useObservableValue } from './hooks';
import { Album } from './models';

/** "Synced", or how many commits wait for the server (offline, or not acknowledged yet). */
function SyncStatus({ node }: { node: Node }) {
  const pending = useObservableValue(node.pending$, 0);
  return pending === 0 ? (
    <span className="status synced">Synced</span>
  ) : (
    <span className="status pending" data-pending={pending}>
      Offline: {pending} change{pending === 1 ? '' : 's'} waiting to sync
    </span>
  );
}

type RowProps = { view: View<Album>; onEdit: (v: View<Album>) => void };

/** One album: memoised on its (stable) view, re-rendered by useView only when that album changes. */
const AlbumRow = memo(function AlbumRow({ view, onEdit }: RowProps) {
  const album = useView(view);
  const ctx = useContext();
  useLayoutEffect(() => {
    const renders = probe().renders;
    renders[album.id] = (renders[album.id] ?? 0) + 1;
  });
  const remove = async () => {
    const trx = ctx.begin();
    await trx.delete(album);
    await trx.commit();
  };
  return (
    <tr data-id={album.id}>
      <td>{album.name}</td>
      <td>{album.artist}</td>
      <td>{album.year}</td>
      <td>
        <button onClick={() => onEdit(album)}>Edit</button>{' '}
        <button onClick={() => void remove()}>Delete</button>
      </td>
    </tr>
  );
});

/** The albums released after `after`, live. */
function AlbumList({ after, onEdit }: { after: number; onEdit: (v: View<Album>) => void }) {
  const { items, loaded, error } = useLiveQuery(Album, 'year > ? ORDER BY year, name', after);
  useLayoutEffect(() => {
    if (loaded && items.length > 0) probe().firstRowsAt ??= performance.now();
  }, [loaded, items]);
  if (error) return <p className="error">Query failed: {error.message}</p>;
  return (
    <table data-loaded={loaded} data-count={items.length}>
      <thead>
        <tr>
          <th>Name</th>
          <th>Artist</th>
          <th>Year</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {items.map((v) => (
          <AlbumRow key={v.id} view={v} onEdit={onEdit} />
        ))}
      </tbody>
    </table>
  );
}

/** The sample: a year filter, the live list, and a create/edit form. */
export function App({ node }: { node: Node }) {
  const [after, setAfter] = useState(1900);
  const [editing, setEditing] = useState<View<Album> | undefined>(undefined);
  const onEdit = useCallback((v: View<Album>) => setEditing(v), []);
  return (
    <main>
      <h1>
        Albums <SyncStatus node={node} />
      </h1>
      <label>
        Released after{' '}
        <input
          name="after"
          type="number"
          value={after}
          onChange={(e) => setAfter(Number(e.target.value) || 0)}
        />
      </label>
      <AlbumList after={after} onEdit={onEdit} />
      <AlbumForm key={editing?.id ?? 'new'} editing={editing} onDone={() => setEditing(undefined)} />
    </main>
  );
}
