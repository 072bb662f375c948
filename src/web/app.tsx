import { Alert, Center } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Shell } from './components/app-shell.tsx';
import { Loading } from './components/page.tsx';
import { LiveProvider } from './live/live-context.tsx';
import { useSession } from './live/session-context.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { StrategyMapPage } from './pages/strategy-map-page.tsx';

// Pages beyond the strategy map load on first visit, each in its own chunk.
const ObjectivePage = lazy(() =>
  import('./pages/objective-page.tsx').then((m) => ({ default: m.ObjectivePage })),
);
const KpiPage = lazy(() => import('./pages/kpi-page.tsx').then((m) => ({ default: m.KpiPage })));
const InitiativePage = lazy(() =>
  import('./pages/initiative-page.tsx').then((m) => ({ default: m.InitiativePage })),
);
const MilestonePage = lazy(() =>
  import('./pages/milestone-page.tsx').then((m) => ({ default: m.MilestonePage })),
);
const WorkItemPage = lazy(() =>
  import('./pages/work-item-page.tsx').then((m) => ({ default: m.WorkItemPage })),
);
const SignalsPage = lazy(() =>
  import('./pages/signals-page.tsx').then((m) => ({ default: m.SignalsPage })),
);
const DependenciesPage = lazy(() =>
  import('./pages/dependencies-page.tsx').then((m) => ({ default: m.DependenciesPage })),
);
const CapacityPage = lazy(() =>
  import('./pages/capacity-page.tsx').then((m) => ({ default: m.CapacityPage })),
);
const UnitPage = lazy(() => import('./pages/unit-page.tsx').then((m) => ({ default: m.UnitPage })));
const DecisionsPage = lazy(() =>
  import('./pages/decisions-page.tsx').then((m) => ({ default: m.DecisionsPage })),
);
const DecisionPage = lazy(() =>
  import('./pages/decision-page.tsx').then((m) => ({ default: m.DecisionPage })),
);
const ScenariosPage = lazy(() =>
  import('./pages/scenarios-page.tsx').then((m) => ({ default: m.ScenariosPage })),
);
const ReviewsPage = lazy(() =>
  import('./pages/reviews-page.tsx').then((m) => ({ default: m.ReviewsPage })),
);
const ReviewPackPage = lazy(() =>
  import('./pages/reviews-page.tsx').then((m) => ({ default: m.ReviewPackPage })),
);
const AuditPage = lazy(() =>
  import('./pages/audit-page.tsx').then((m) => ({ default: m.AuditPage })),
);
const PeriodsPage = lazy(() =>
  import('./pages/periods-page.tsx').then((m) => ({ default: m.PeriodsPage })),
);
const ChangesPage = lazy(() =>
  import('./pages/changes-page.tsx').then((m) => ({ default: m.ChangesPage })),
);
const PortfolioPage = lazy(() =>
  import('./pages/portfolio-page.tsx').then((m) => ({ default: m.PortfolioPage })),
);
const PlanEditorPage = lazy(() =>
  import('./pages/plan-editor-page.tsx').then((m) => ({ default: m.PlanEditorPage })),
);

function SignedOut() {
  const location = useLocation();
  if (location.pathname === '/sign-in') return <SignInPage />;
  const next = `${location.pathname}${location.search}`;
  return (
    <Navigate
      to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`}
      replace
    />
  );
}

function AfterSignIn() {
  const location = useLocation();
  const next = new URLSearchParams(location.search).get('next');
  // Only paths of this app: never an address elsewhere.
  return (
    <Navigate
      to={next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/'}
      replace
    />
  );
}

/** The app: the sign-in page, or the signed-in shell with its pages, live. */
export function App() {
  const { session } = useSession();
  if (session.kind === 'loading') return <Loading label="Starting Throughline" />;
  if (session.kind === 'unreachable') {
    return (
      <Center mih="100vh" p="lg">
        <Alert color="red" title="The server cannot be reached" role="alert">
          {session.message}
        </Alert>
      </Center>
    );
  }
  if (session.kind === 'signed-out') return <SignedOut />;
  return (
    <LiveProvider>
      <Shell>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<StrategyMapPage />} />
            <Route path="/sign-in" element={<AfterSignIn />} />
            <Route path="/objectives/:id" element={<ObjectivePage />} />
            <Route path="/kpis/:id" element={<KpiPage />} />
            <Route path="/initiatives" element={<PortfolioPage />} />
            <Route path="/initiatives/:id" element={<InitiativePage />} />
            <Route path="/milestones/:id" element={<MilestonePage />} />
            <Route path="/work-items/:key" element={<WorkItemPage />} />
            <Route path="/signals" element={<SignalsPage />} />
            <Route path="/decisions" element={<DecisionsPage />} />
            <Route path="/decisions/:id" element={<DecisionPage />} />
            <Route path="/scenarios" element={<ScenariosPage />} />
            <Route path="/dependencies" element={<DependenciesPage />} />
            <Route path="/capacity" element={<CapacityPage />} />
            <Route path="/units/:id" element={<UnitPage />} />
            <Route path="/plan" element={<PlanEditorPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/reviews" element={<ReviewsPage />} />
            <Route path="/reviews/packs/:id" element={<ReviewPackPage />} />
            <Route path="/periods" element={<PeriodsPage />} />
            <Route path="/changes" element={<ChangesPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </Shell>
    </LiveProvider>
  );
}
