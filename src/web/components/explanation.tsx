import { List, Text } from '@mantine/core';
import type { ExplanationStep } from '../api/types.ts';
import { readableText } from '../format/format.ts';
import { EntityLink } from './entity-link.tsx';

/** The facts and rules behind a derived figure, in order, each reference a link. */
export function Explanation({
  steps,
  label = 'Why',
}: {
  steps: ExplanationStep[];
  label?: string;
}) {
  if (steps.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Nothing to explain: no rule applied.
      </Text>
    );
  }
  return (
    <List type="ordered" spacing={6} size="sm" aria-label={label} className="explanation">
      {steps.map((step, index) => (
        <List.Item key={`${step.rule}:${index}`}>
          <Text size="sm" span>
            {readableText(step.text)}
          </Text>
          {step.ref !== undefined && (
            <Text size="xs" span c="dimmed">
              {' '}
              (<EntityLink kind={step.ref.kind} id={step.ref.id} size="xs" named />)
            </Text>
          )}
        </List.Item>
      ))}
    </List>
  );
}
