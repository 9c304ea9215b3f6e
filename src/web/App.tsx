import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { I18nProvider } from './i18n';
import { may, SessionProvider, useSession, useUser } from './session';
import { NowProvider } from './time';
import { Layout } from './components/Layout';
import { Loading } from './components/bits';
import { LoginPage } from './pages/LoginPage';
import { TasksPage } from './pages/TasksPage';
import { CasesPage } from './pages/CasesPage';
import { CasePage } from './pages/CasePage';
import { NotFound } from './pages/ComingSoon';

// The pages with forms carry rjsf: loaded when first opened.
const TaskPage = lazy(() => import('./pages/TaskPage').then((m) => ({ default: m.TaskPage })));
const ReportPage = lazy(() => import('./pages/ReportPage').then((m) => ({ default: m.ReportPage })));
// The designer, audit and admin pages: for a few roles only, loaded when first opened.
const DesignerPage = lazy(() => import('./pages/DesignerPage').then((m) => ({ default: m.DesignerPage })));
const ProcessDesignPage = lazy(() =>
  import('./pages/DesignerPage').then((m) => ({ default: m.ProcessDesignPage })),
);
const AuditIndexPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.AuditIndexPage })));
const CaseAuditPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.CaseAuditPage })));
const ReportsPage = lazy(() => import('./pages/ReportsPage').then((m) => ({ default: m.ReportsPage })));
const AdminPage = lazy(() => import('./pages/AdminPage').then((m) => ({ default: m.AdminPage })));

const later = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

/** A page for some roles only: the others are told it is not theirs (the server refuses them anyway). */
function Only({ allowed, children }: { allowed: boolean; children: ReactNode }) {
  return allowed ? children : <NotFound />;
}

/** Where a person lands: their tasks, else the cases, else the first page their role has. */
function Home() {
  const user = useUser();
  if (may.seeTasks(user)) return <Navigate to="/tasks" replace />;
  if (may.seeCases(user)) return <Navigate to="/cases" replace />;
  if (may.design(user)) return <Navigate to="/designer" replace />;
  return <NotFound />;
}

function Routed() {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined)
    return (
      <main className="page">
        <Loading />
      </main>
    );
  const from = (location.state as { from?: string } | null)?.from;
  if (!user)
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          path="*"
          element={<Navigate to="/login" replace state={{ from: location.pathname + location.search }} />}
        />
      </Routes>
    );
  return (
    <Routes>
      <Route path="/login" element={<Navigate to={from && from !== '/login' ? from : '/'} replace />} />
      <Route element={<Layout />}>
        <Route index element={<Home />} />
        <Route path="tasks" element={<TasksPage />} />
        <Route
          path="tasks/:id"
          element={
            <Suspense fallback={<Loading />}>
              <TaskPage />
            </Suspense>
          }
        />
        <Route
          path="report"
          element={
            <Suspense fallback={<Loading />}>
              <ReportPage />
            </Suspense>
          }
        />
        <Route path="cases" element={<CasesPage />} />
        <Route path="cases/:id" element={<CasePage />} />
        <Route path="designer" element={<Only allowed={may.design(user)}>{later(<DesignerPage />)}</Only>} />
        <Route
          path="designer/:key"
          element={<Only allowed={may.design(user)}>{later(<ProcessDesignPage />)}</Only>}
        />
        <Route path="audit" element={<Only allowed={may.audit(user)}>{later(<AuditIndexPage />)}</Only>} />
        <Route path="audit/:id" element={<Only allowed={may.audit(user)}>{later(<CaseAuditPage />)}</Only>} />
        <Route
          path="reports"
          element={<Only allowed={may.readReports(user)}>{later(<ReportsPage />)}</Only>}
        />
        <Route path="admin" element={<Only allowed={may.administer(user)}>{later(<AdminPage />)}</Only>} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <NowProvider>
          <BrowserRouter>
            <Routed />
          </BrowserRouter>
        </NowProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
