import type { ValueValidation } from '../core/governance/value.ts';
import type { Queryable } from './database.ts';

interface Row {
  benefit_id: string;
  period: string;
  amount: number | string;
  note: string;
  validated_by: string;
  validated_at: Date | string;
}

const toValidation = (row: Row): ValueValidation => ({
  benefit: row.benefit_id,
  period: row.period,
  amount: Number(row.amount),
  note: row.note,
  by: row.validated_by,
  at: new Date(row.validated_at).toISOString(),
});

/** Appends a validation in the caller's transaction (the table refuses edits). */
export async function appendValueValidation(
  tx: Queryable,
  validation: ValueValidation,
): Promise<void> {
  await tx.query(
    `INSERT INTO value_validation (benefit_id, period, amount, note, validated_by, validated_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      validation.benefit,
      validation.period,
      validation.amount,
      validation.note,
      validation.by,
      new Date(validation.at),
    ],
  );
}

/** Every validation, oldest first (of one benefit when given): the latest per period counts. */
export async function listValueValidations(
  db: Queryable,
  benefit?: string,
): Promise<ValueValidation[]> {
  const rows = await db.query<Row>(
    `SELECT benefit_id, period, amount, note, validated_by, validated_at FROM value_validation
     ${benefit === undefined ? '' : 'WHERE benefit_id = $1'} ORDER BY seq`,
    benefit === undefined ? [] : [benefit],
  );
  return rows.map(toValidation);
}
