import { assertMay } from '../core/access/policy.ts';
import {
  benefitValue,
  latestValidations,
  type ValueValidation,
  validationProblem,
} from '../core/governance/value.ts';
import { fail } from '../core/errors.ts';
import { unstorableReason } from '../core/storable-text.ts';
import { appendValueValidation, listValueValidations } from '../store/value-store.ts';
import type { AppContext } from './context.ts';
import { type ActorLike, write } from './write.ts';

export interface ValidateValueRequest {
  benefit: string;
  period: string;
  amount: number;
  note: string;
}

/** The longest note kept with a validation. */
export const MAX_NOTE_LENGTH = 2000;
/** The largest amount a validation may confirm (organisation's currency). */
export const MAX_AMOUNT = 1e15;

export interface ValidateValueResult {
  validation: ValueValidation;
  /** True when the same amount and note were already the period's validation: nothing stored. */
  duplicate: boolean;
}

/**
 * A finance controller (never the owner of the benefit's initiative) confirms the amount a benefit
 * realised in an ended period, with a note (docs/GOVERNANCE.md "Validated value"). Appended, audited,
 * and the signals recomputed (a validation can clear a value signal), in one write.
 */
export async function validateValue(
  ctx: AppContext,
  actor: ActorLike,
  request: ValidateValueRequest,
): Promise<ValidateValueResult> {
  checkRequest(request);
  const written = await write(ctx, actor, async (scope) => {
    const snapshot = await scope.snapshot();
    const benefit = snapshot?.plan.benefits.find((b) => b.id === request.benefit);
    if (snapshot === null || benefit === undefined)
      fail('not_found', `there is no benefit '${request.benefit}'`, { path: 'benefit' });
    assertMay(snapshot.plan, scope.actor.id, { kind: 'value.validate', benefit: benefit.id });
    const validations = await listValueValidations(scope.tx, benefit.id);
    const value = benefitValue(snapshot.plan, snapshot.state, benefit, validations);
    const problem = validationProblem(value, request.period);
    if (problem !== null) fail('request.invalid', problem.message, { path: `$.${problem.field}` });
    const before = latestValidations(validations).get(`${benefit.id}\u0000${request.period}`);
    if (before !== undefined && before.amount === request.amount && before.note === request.note)
      return { validation: before, duplicate: true };
    const validation: ValueValidation = {
      benefit: benefit.id,
      period: request.period,
      amount: request.amount,
      note: request.note,
      by: scope.actor.id,
      at: scope.at.toISOString(),
    };
    await appendValueValidation(scope.tx, validation);
    const claimed = value.periods.find((p) => p.period === request.period)?.claimed ?? null;
    scope.audit({
      action: 'value.validate',
      item: `benefits/${benefit.id}`,
      before: before === undefined ? { period: request.period, claimed } : before,
      after: { period: request.period, amount: request.amount, note: request.note },
    });
    scope.derive();
    return { validation, duplicate: false };
  });
  return written.value;
}

/** Bad input named by its field before anything is read or written. */
function checkRequest(request: ValidateValueRequest): void {
  const text = (value: unknown, field: string, max: number): void => {
    if (typeof value !== 'string' || value.trim() === '')
      fail('request.invalid', `${field}: give a text`, { path: `$.${field}` });
    if (value.length > max)
      fail('request.invalid', `${field}: at most ${max} characters (got ${value.length})`, {
        path: `$.${field}`,
      });
    const reason = unstorableReason(value);
    if (reason !== null) fail('request.invalid', `${field}: ${reason}`, { path: `$.${field}` });
  };
  text(request.benefit, 'benefit', 200);
  text(request.period, 'period', 20);
  text(request.note, 'note', MAX_NOTE_LENGTH);
  const amount: unknown = request.amount;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > MAX_AMOUNT)
    fail(
      'request.invalid',
      `amount: the realised amount must be a number from 0 to ${MAX_AMOUNT} (got ${String(amount)})`,
      { path: '$.amount' },
    );
}
