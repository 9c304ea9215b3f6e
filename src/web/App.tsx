import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { I18nProvider, useI18n } from './i18n';
import { may, SessionProvider, useSession, useUser } from './session';
import { NowProvider } from './time';
import { Layout } from './components/Layout';
import { Loading } from './components/bits';
import { LoginPage } from './pages/LoginPage';
import { TasksPage } from './pages/TasksPage';
import { CasesPage } from './pages/CasesPage';
import { CasePage } from './pages/CasePage';
import { ComingSoon, NotFound } from './pages/ComingSoon';

// The pages with forms carry rjsf: loaded when first opened.
const TaskPage = lazy(() => import('./pages/TaskPage').then((m) => ({ default: m.TaskPage })));
const ReportPage = lazy(() => import('./pages/ReportPage').then((m) => ({ default: m.ReportPage })));

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
  const { t } = useI18n();
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
        <Route path="designer" element={<ComingSoon name={t('nav.designer')} />} />
        <Route path="audit" element={<ComingSoon name={t('nav.audit')} />} />
        <Route path="admin" element={<ComingSoon name={t('nav.admin')} />} />
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
