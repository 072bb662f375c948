import type { Person, Role } from '../domain/plan.ts';

/** Every role a person holds: `role` (member when absent) and the further `roles`. */
export function rolesOf(person: Pick<Person, 'role' | 'roles'> | undefined | null): Role[] {
  if (person === undefined || person === null) return [];
  const roles: Role[] = [person.role ?? 'member'];
  for (const role of person.roles ?? []) if (!roles.includes(role)) roles.push(role);
  return roles;
}

/** Whether the person holds the role (as `role` or among `roles`). */
export function holdsRole(
  person: Pick<Person, 'role' | 'roles'> | undefined | null,
  role: Role,
): boolean {
  return rolesOf(person).includes(role);
}

/** How a role reads in a sentence: "the strategy office", "an admin". */
export const ROLE_WORDS: Readonly<Record<Role, { one: string; all: string }>> = {
  executive: { one: 'an executive', all: 'the executives' },
  strategy_office: { one: 'the strategy office', all: 'the strategy office' },
  finance_controller: { one: 'a finance controller', all: 'the finance controllers' },
  member: { one: 'a member', all: 'the members' },
  admin: { one: 'an admin', all: 'the admins' },
};
