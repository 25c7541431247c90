import { type FormEvent, useReducer, useState } from 'react';
import { MAX_ITEM_LENGTH, checklistReducer, initialChecklist, progressLabel } from '../logic';

export function Checklist() {
  const [state, dispatch] = useReducer(checklistReducer, initialChecklist);
  const [draft, setDraft] = useState('');

  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    dispatch({ type: 'add', text: draft });
    setDraft('');
  }

  return (
    <section aria-labelledby="checklist-heading">
      <h1 id="checklist-heading">Launch checklist</h1>
      <p role="status">{progressLabel(state.items)}</p>
      <ul>
        {state.items.map((item) => (
          <li key={item.id}>
            <label>
              <input type="checkbox" checked={item.done} onChange={() => dispatch({ type: 'toggle', id: item.id })} />
              <span className={item.done ? 'done' : undefined}>{item.text}</span>
            </label>
            <button type="button" aria-label={`Remove ${item.text}`} onClick={() => dispatch({ type: 'remove', id: item.id })}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add}>
        <label htmlFor="new-item">New item</label>
        <input id="new-item" value={draft} maxLength={MAX_ITEM_LENGTH} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit">Add</button>
        <button type="button" onClick={() => dispatch({ type: 'clear-done' })}>
          Clear done
        </button>
      </form>
    </section>
  );
}
