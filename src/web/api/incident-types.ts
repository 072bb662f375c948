/** An incident as `/api/v1/incidents` answers (docs/DECISIONS.md "Incidents"): the contract's type. */
export type { Incident, IncidentList } from '../../contract/incidents.ts';
