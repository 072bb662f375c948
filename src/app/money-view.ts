import type { Visibility } from '../core/access/policy.ts';
import {
  initiativeMoney,
  type InitiativeMoney,
  type ObjectiveMoney,
  portfolioMoney,
  type PortfolioMoney,
} from '../core/governance/money.ts';
import {
  benefitValue,
  type BenefitValue,
  portfolioValue,
  type ValueValidation,
} from '../core/governance/value.ts';
import { fail } from '../core/errors.ts';
import type { Queryable } from '../store/database.ts';
import { listValueValidations } from '../store/value-store.ts';
import type { Snapshot } from './derive.ts';

/**
 * Money and value as a person may see them (docs/GOVERNANCE.md): the portfolio, an objective, an
 * initiative, a benefit. Initiatives they do not see (confidential ones among them) are left out
 * of every roll-up; an item they do not see is not found. `seen` null: everything (the command
 * line, which holds the database).
 */

const sees = (seen: Visibility | null, kind: 'initiative' | 'objective' | 'benefit', id: string) =>
  seen === null || seen.sees(kind, id);

/** The portfolio's money: the initiatives and objectives the viewer sees, and their totals. */
export async function moneyOfPortfolio(
  db: Queryable,
  snapshot: Snapshot,
  seen: Visibility | null,
): Promise<PortfolioMoney> {
  const values = portfolioValue(snapshot.plan, snapshot.state, await listValueValidations(db));
  return portfolioMoney(
    snapshot.plan,
    snapshot.state,
    values.filter((v) => sees(seen, 'benefit', v.benefit)),
    seen?.ids.initiatives,
    seen?.ids.objectives,
  );
}

/** One initiative's money and its benefits' value. */
export async function moneyOfInitiative(
  db: Queryable,
  snapshot: Snapshot,
  seen: Visibility | null,
  id: string,
): Promise<{ asOf: string; money: InitiativeMoney; benefits: BenefitValue[] }> {
  const initiative = snapshot.plan.initiatives.find((i) => i.id === id);
  if (initiative === undefined || !sees(seen, 'initiative', id))
    fail('not_found', `there is no initiative '${id}'`, { path: 'id' });
  const validations = await listValueValidations(db);
  const benefits = portfolioValue(snapshot.plan, snapshot.state, validations).filter(
    (v) => v.initiative === id && sees(seen, 'benefit', v.benefit),
  );
  return {
    asOf: snapshot.state.asOf,
    money: initiativeMoney(snapshot.plan, snapshot.state, initiative, benefits),
    benefits,
  };
}

/** One objective's money, with the initiatives counted in it. */
export async function moneyOfObjective(
  db: Queryable,
  snapshot: Snapshot,
  seen: Visibility | null,
  id: string,
): Promise<{
  asOf: string;
  currency: string;
  money: ObjectiveMoney;
  initiatives: InitiativeMoney[];
}> {
  if (!snapshot.plan.objectives.some((o) => o.id === id) || !sees(seen, 'objective', id))
    fail('not_found', `there is no objective '${id}'`, { path: 'id' });
  const portfolio = await moneyOfPortfolio(db, snapshot, seen);
  const money = portfolio.objectives.find((o) => o.objective === id)!;
  const counted = new Set(money.initiatives.map((i) => i.id));
  return {
    asOf: portfolio.asOf,
    currency: portfolio.currency,
    money,
    initiatives: portfolio.initiatives.filter((i) => counted.has(i.initiative)),
  };
}

/** A benefit's value per period: promised, claimed, validated; and who may validate it. */
export async function valueOfBenefit(
  db: Queryable,
  snapshot: Snapshot,
  seen: Visibility | null,
  id: string,
): Promise<BenefitValue & { asOf: string; validations: ValueValidation[] }> {
  const benefit = snapshot.plan.benefits.find((b) => b.id === id);
  if (benefit === undefined || !sees(seen, 'benefit', id))
    fail('not_found', `there is no benefit '${id}'`, { path: 'id' });
  const validations = await listValueValidations(db, id);
  return {
    asOf: snapshot.state.asOf,
    ...benefitValue(snapshot.plan, snapshot.state, benefit, validations),
    validations,
  };
}
