import { useState, type FormEvent } from 'react';
import { ValidationError, type View } from 'ankurah';
import { useContext } from 'ankurah/react';
import { Album } from './models';

type Fields = { name: string; artist: string; year: string };
type Errors = Partial<Record<keyof Fields | 'form', string>>;

const blank: Fields = { name: '', artist: '', year: '' };

function fieldsOf(view: View<Album> | undefined): Fields {
  return view ? { name: view.name, artist: view.artist, year: String(view.year) } : blank;
}

/** One message per field from a ValidationError (its violations name the field and each failed constraint). */
function errorsOf(e: unknown): Errors {
  if (!(e instanceof ValidationError)) return { form: e instanceof Error ? e.message : String(e) };
  const out: Errors = {};
  for (const v of e.violations) {
    const key = v.field in blank ? (v.field as keyof Fields) : 'form';
    out[key] = Object.values(v.constraints).join('; ');
  }
  return out;
}

/** Creates an album, or edits `editing`; validation errors are shown under their field and nothing is saved. */
export function AlbumForm({ editing, onDone }: { editing?: View<Album> | undefined; onDone: () => void }) {
  const ctx = useContext();
  const [fields, setFields] = useState<Fields>(() => fieldsOf(editing));
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const values = {
      name: fields.name,
      artist: fields.artist,
      year: fields.year === '' ? NaN : Number(fields.year),
    };
    const trx = ctx.begin();
    try {
      if (editing) Object.assign(await trx.edit(editing), values);
      else await trx.create(Album, values);
      await trx.commit();
      setErrors({});
      setFields(blank);
      onDone();
    } catch (err) {
      setErrors(errorsOf(err));
    } finally {
      setBusy(false);
    }
  };

  const input = (key: keyof Fields, label: string, type = 'text') => (
    <label>
      {label}
      <input
        name={key}
        type={type}
        value={fields[key]}
        onChange={(e) => setFields({ ...fields, [key]: e.target.value })}
      />
      {errors[key] && (
        <span className="error" data-error={key}>
          {errors[key]}
        </span>
      )}
    </label>
  );

  return (
    <form onSubmit={(e) => void submit(e)} data-form={editing ? 'edit' : 'create'}>
      {input('name', 'Name')}
      {input('artist', 'Artist')}
      {input('year', 'Year', 'number')}
      <div>
        <button type="submit" disabled={busy}>
          {editing ? 'Save' : 'Add album'}
        </button>
        {editing && (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
      {errors.form && (
        <span className="error" data-error="form">
          {errors.form}
        </span>
      )}
    </form>
  );
}
