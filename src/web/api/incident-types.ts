/** An incident as `/api/v1/incidents` answers (docs/DECISIONS.md "Incidents"). */
export interface IncidentEffectText {
  text: string;
}

export interface Incident {
  id: string;
  headline: string;
  causes: { key: string; kind: string; id: string; text: string }[];
  money: {
    currency: string;
    againstTarget: number;
    againstPlan: number;
    kpis: { kpi: string; name: string; period: string | null; counted: boolean }[];
  };
  slipWeeks: number;
  signals: { id: string; kind: string; title: string }[];
  effects: {
    milestones: (IncidentEffectText & { id: string })[];
    kpis: (IncidentEffectText & { id: string; period: string })[];
    objectives: (IncidentEffectText & { id: string })[];
    capacity: (IncidentEffectText & { unit: string })[];
    sources: (IncidentEffectText & { signal: string })[];
  };
  owners: string[];
  reaches: { person: string; as: string; covered: boolean } | null;
  decider: { person: string; name: string; because: string } | null;
  decision: {
    id: string;
    status: 'open' | 'decided';
    title: string;
    dueDate: string | null;
  } | null;
}

export interface IncidentList {
  incidents: Incident[];
}
