/**
 * One collection of the config API as a section of the console: a table of the items a page at a time
 * ("Load more" while the API returns a `nextCursor`), a form to create or edit one, and delete with
 * confirmation. What differs per collection — columns, fields, rules — comes in through the props.
 */

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ConfirmDelete } from "./ConfirmDelete";
import { useAdmin } from "./context";
import type { FormBinding } from "./fields";
import type { FormMode, FormSpec } from "./forms";
import { ItemForm } from "./ItemForm";
import { type CollectionName, PATHS, type Stored } from "./resources";

export interface Column<Item> {
  header: string;
  cell: (item: Item) => ComponentChildren;
  /** The column that names the item (a row header for screen readers). */
  primary?: boolean;
}

export interface CollectionSectionProps<Item extends Stored, Draft> {
  collection: CollectionName;
  /** "Queues". */
  title: string;
  /** "queue". */
  noun: string;
  intro?: ComponentChildren;
  columns: Column<Item>[];
  /** How an item is named in headings and questions ("Billing"). */
  labelOf: (item: Item) => string;
  spec: FormSpec<Item, Draft>;
  fieldsOf: (draft: Draft) => string[];
  renderFields: (form: FormBinding<Draft>, mode: FormMode, item: Item | null) => ComponentChildren;
  /** Why an item cannot be changed or deleted (system pause codes), or null. */
  lockedReason?: (item: Item) => string | null;
  /** What else happens on delete, said in the confirmation. */
  deleteNote?: string;
  /** Called with a newly created item as the API returned it (integrations show their key once). */
  onCreated?: (item: Item) => void;
  /** What of a saved item the list keeps (integrations drop the key). */
  toListItem?: (item: Item) => Item;
}

type Editing = { mode: "create" } | { mode: "edit"; id: string };

interface ListState<Item> {
  items: Item[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
}

export function CollectionSection<Item extends Stored, Draft>(props: CollectionSectionProps<Item, Draft>) {
  const { collection, noun, labelOf } = props;
  const path = PATHS[collection];
  const { http, canEdit, lookups } = useAdmin();
  const [list, setList] = useState<ListState<Item>>({ items: [], nextCursor: null, loading: true, error: null });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<Item | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const listHeadingRef = useRef<HTMLHeadingElement>(null);

  const loadPage = (cursor: string | null) => {
    setList((current) => ({ ...current, loading: true, error: null }));
    http
      .list<Item>(path, cursor)
      .then((page) =>
        setList((current) => {
          // A later page may hold an item created here and already shown: keep one of each.
          const known = cursor === null ? [] : current.items;
          const fresh = page.items.filter((item) => !known.some((shown) => shown.id === item.id));
          return { items: [...known, ...fresh], nextCursor: page.nextCursor, loading: false, error: null };
        }),
      )
      .catch((error: unknown) =>
        setList((current) => ({
          ...current,
          loading: false,
          error: error instanceof Error ? error.message : String(error),
        })),
      );
  };

  useEffect(() => loadPage(null), [path]);

  const open = (next: Editing) => {
    returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setStatus(null);
    setEditing(next);
  };

  const close = () => {
    setEditing(null);
    // Back to the button that opened the form, or to the list when that row is gone.
    requestAnimationFrame(() => {
      const target = returnFocus.current;
      if (target?.isConnected) target.focus();
      else listHeadingRef.current?.focus();
    });
  };

  const saved = (created: Item, mode: FormMode) => {
    const item = props.toListItem?.(created) ?? created;
    setList((current) => {
      const index = current.items.findIndex((shown) => shown.id === item.id);
      const items =
        index === -1 ? [...current.items, item] : current.items.map((shown) => (shown.id === item.id ? item : shown));
      return { ...current, items };
    });
    lookups.changed(collection);
    setStatus(mode === "create" ? `Created ${noun} “${labelOf(item)}”.` : `Saved ${noun} “${labelOf(item)}”.`);
    if (mode === "create") props.onCreated?.(created);
    close();
  };

  const remove = async (item: Item) => {
    // The version shown in the list: a change by someone else since then refuses the delete.
    await http.remove(`${path}/${encodeURIComponent(item.id)}`, `"${item.version}"`);
    setList((current) => ({ ...current, items: current.items.filter((shown) => shown.id !== item.id) }));
    lookups.changed(collection);
    setStatus(`Deleted ${noun} “${labelOf(item)}”.`);
    setDeleting(null);
    requestAnimationFrame(() => listHeadingRef.current?.focus());
  };

  const headingId = `admin-${collection}-title`;

  return (
    <div class="admin-section">
      {editing && (
        <ItemForm<Item, Draft>
          key={editing.mode === "edit" ? editing.id : "new"}
          spec={props.spec}
          noun={noun}
          formId={`admin-${collection}-form`}
          title={(item) =>
            editing.mode === "create"
              ? `New ${noun}`
              : item === null
                ? `Edit ${noun}`
                : `${canEdit && !props.lockedReason?.(item) ? "Edit" : "View"} ${noun} “${labelOf(item)}”`
          }
          createPath={editing.mode === "create" ? path : null}
          itemPath={editing.mode === "edit" ? `${path}/${encodeURIComponent(editing.id)}` : null}
          lockedReason={props.lockedReason}
          fieldsOf={props.fieldsOf}
          renderFields={props.renderFields}
          onSaved={saved}
          onCancel={close}
        />
      )}
      <section class="card admin-list" aria-labelledby={headingId} hidden={editing !== null}>
        <div class="admin-list__head">
          <h2 id={headingId} tabIndex={-1} ref={listHeadingRef}>
            {props.title}
          </h2>
          <div class="admin-list__tools">
            <button type="button" class="button" onClick={() => loadPage(null)} disabled={list.loading}>
              Refresh
            </button>
            {canEdit && (
              <button type="button" class="button button--primary" onClick={() => open({ mode: "create" })}>
                New {noun}
              </button>
            )}
          </div>
        </div>
        {props.intro}
        <p class="admin-list__status" role="status">
          {status}
        </p>
        {list.error && (
          <div class="banner banner--error" role="alert">
            {list.error}
          </div>
        )}
        {list.items.length > 0 ? (
          <div class="admin-table-wrap">
            <table class="admin-table">
              <thead>
                <tr>
                  {props.columns.map((column) => (
                    <th key={column.header} scope="col">
                      {column.header}
                    </th>
                  ))}
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((item) => {
                  const locked = props.lockedReason?.(item) ?? null;
                  const label = labelOf(item);
                  return (
                    <tr key={item.id}>
                      {props.columns.map((column) =>
                        column.primary ? (
                          <th key={column.header} scope="row">
                            {column.cell(item)}
                          </th>
                        ) : (
                          <td key={column.header}>{column.cell(item)}</td>
                        ),
                      )}
                      <td class="admin-table__actions">
                        <button
                          type="button"
                          class="button button--small"
                          aria-label={`${canEdit && !locked ? "Edit" : "View"} ${label}`}
                          onClick={() => open({ mode: "edit", id: item.id })}
                        >
                          {canEdit && !locked ? "Edit" : "View"}
                        </button>
                        {canEdit && !locked && (
                          <button
                            type="button"
                            class="button button--small button--danger-quiet"
                            aria-label={`Delete ${label}`}
                            onClick={() => setDeleting(item)}
                          >
                            Delete
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : (
          !list.loading && !list.error && <p class="empty-state">No {noun}s yet.</p>
        )}
        <div class="admin-list__foot">
          {list.loading && (
            <p class="hint" aria-busy="true">
              Loading…
            </p>
          )}
          {!list.loading && list.nextCursor !== null && (
            <button type="button" class="button" onClick={() => loadPage(list.nextCursor)}>
              Load more
            </button>
          )}
        </div>
      </section>
      {deleting && (
        <ConfirmDelete
          title={`Delete ${noun} “${labelOf(deleting)}”?`}
          onConfirm={() => remove(deleting)}
          onClose={() => setDeleting(null)}
        >
          <p>This cannot be undone.{props.deleteNote ? ` ${props.deleteNote}` : ""}</p>
        </ConfirmDelete>
      )}
    </div>
  );
}
