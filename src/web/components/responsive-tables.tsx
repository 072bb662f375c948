import { useEffect } from 'react';

/** Labels longer than this go above their value in a card, not beside it. */
const LONG_LABEL = 18;

/** The header text of each column of a table (a cell spanning columns names each of them). */
function columnLabels(table: HTMLTableElement): string[] {
  const head = table.tHead?.rows;
  const row = head === undefined || head.length === 0 ? null : head[head.length - 1];
  const labels: string[] = [];
  if (row === null || row === undefined) return labels;
  for (const cell of Array.from(row.cells)) {
    const text = (cell.getAttribute('aria-label') ?? cell.textContent ?? '').replace(/\s+/g, ' ');
    for (let i = 0; i < Math.max(1, cell.colSpan); i++) labels.push(text.trim());
  }
  return labels;
}

function setAttribute(el: Element, name: string, value: string | null): void {
  if (value === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/**
 * Makes one table readable as cards on a narrow screen: each body cell gets its column's header
 * as `data-label` (styles.css shows it beside the value below 48em), and the table's parts get
 * their roles written out, so that a screen reader still reads a table when CSS lays it out as
 * blocks. A table marked `keep-table`, or one cells were labelled by hand for (`data-label-own`
 * on the table), is left as it is.
 */
export function labelTable(table: HTMLTableElement): void {
  if (table.classList.contains('keep-table') || table.hasAttribute('data-label-own')) return;
  const labels = columnLabels(table);
  table.classList.add('table-cards');
  setAttribute(table, 'role', 'table');
  for (const group of [table.tHead, ...Array.from(table.tBodies), table.tFoot]) {
    if (group !== null) setAttribute(group, 'role', 'rowgroup');
  }
  for (const row of Array.from(table.rows)) {
    setAttribute(row, 'role', 'row');
    const inHead = row.parentElement === table.tHead;
    let column = 0;
    for (const cell of Array.from(row.cells)) {
      if (inHead) {
        setAttribute(cell, 'role', 'columnheader');
      } else if (cell.tagName === 'TH') {
        setAttribute(cell, 'role', 'rowheader');
      } else {
        setAttribute(cell, 'role', 'cell');
      }
      if (!inHead) {
        const label = labels[column] ?? '';
        const text = (cell.textContent ?? '').trim();
        // A cell says its column's name, unless it is the row's own name or the name says nothing.
        const labelled =
          label !== '' && cell.tagName !== 'TH' && cell.colSpan <= 1 && label !== text;
        setAttribute(cell, 'data-label', labelled ? label : null);
        setAttribute(cell, 'data-label-long', labelled && label.length > LONG_LABEL ? '' : null);
        setAttribute(cell, 'data-empty', text === '' && cell.children.length === 0 ? '' : null);
      }
      column += Math.max(1, cell.colSpan);
    }
  }
}

/** Where the app draws tables: the page, and the dialogs and drawers portalled beside it. */
const TABLES = '#main table, [role="dialog"] table';

/**
 * Tables as cards on phones, for every table the page under `#main` or a dialog or drawer draws,
 * whoever drew it: the cells are labelled once the table is in the page and again whenever it
 * changes. Dialogs are portalled outside `#main`, so the whole body is watched.
 */
export function useTableCards(): void {
  useEffect(() => {
    const root = document.body;
    let frame: number | null = null;
    const label = () => {
      frame = null;
      for (const table of Array.from(root.querySelectorAll<HTMLTableElement>(TABLES)))
        labelTable(table);
    };
    const schedule = () => {
      frame ??= requestAnimationFrame(label);
    };
    // Attributes are not observed: labelling does not wake the observer it answers.
    const observer = new MutationObserver(schedule);
    observer.observe(root, { childList: true, subtree: true, characterData: true });
    label();
    return () => {
      observer.disconnect();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, []);
}
