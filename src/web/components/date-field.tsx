import { TextInput, type TextInputProps } from '@mantine/core';
import { useEffect, useState } from 'react';
import { formatDate, parseDate } from '../format/format.ts';

interface DateFieldProps extends Omit<TextInputProps, 'value' | 'onChange' | 'type'> {
  /** The date, `YYYY-MM-DD`, or '' for none. */
  value: string;
  /** Called with `YYYY-MM-DD` (or the text as typed when it is no date, for the check to name). */
  onChange: (value: string) => void;
}

/**
 * A date typed the way the app shows dates (`5 Oct 2026`; `2026-10-05` and `Oct 5, 2026` read
 * too), shown back in the app's one format: never the browser's own date format.
 */
export function DateField({ value, onChange, error, ...props }: DateFieldProps) {
  const shown = (iso: string) =>
    iso === '' ? '' : parseDate(iso) === null ? iso : formatDate(iso);
  const [text, setText] = useState(() => shown(value));
  const [unreadable, setUnreadable] = useState(false);
  useEffect(() => {
    // Another value from outside (a reset, a new draft): show it, unless it is what was typed.
    setText((current) =>
      parseDate(current) === value || current === value ? current : shown(value),
    );
  }, [value]);
  return (
    <TextInput
      {...props}
      value={text}
      placeholder={props.placeholder ?? 'e.g. 5 Oct 2026'}
      autoComplete="off"
      onChange={(e) => {
        const typed = e.currentTarget.value;
        setText(typed);
        const iso = parseDate(typed);
        if (iso !== null) setUnreadable(false);
        onChange(iso ?? typed.trim());
      }}
      onBlur={() => {
        const iso = parseDate(text);
        if (iso !== null) setText(formatDate(iso));
        setUnreadable(text.trim() !== '' && iso === null);
      }}
      error={error ?? (unreadable ? 'Write a date like 5 Oct 2026' : undefined)}
    />
  );
}
