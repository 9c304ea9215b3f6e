import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { useI18n } from '../i18n';
import { may, useUser } from '../session';
import { api } from '../api';
import { useApi } from '../useApi';
import { processName } from '../labels';
import { formatDateTime } from '../time';
import { ErrorBox, Loading, PageTitle } from '../components/bits';
import type { Catalog, DefinitionSummary, DeployResult } from '../types';

// bpmn-js (Modeler and viewer): loaded when a diagram is first opened.
const ProcessEditor = lazy(() => import('../diagram/ProcessEditor'));

/** A process to start from: one start event, executable, ready for the palette. */
function blankDiagram(key: string, name: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="${key}-definitions" targetNamespace="https://preplan.local/plan">
  <bpmn:process id="${key}" name="${name}" isExecutable="true">
    <bpmn:startEvent id="Started" name="开始" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="${key}-diagram">
    <bpmndi:BPMNPlane id="${key}-plane" bpmnElement="${key}">
      <bpmndi:BPMNShape id="Started_di" bpmnElement="Started">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

interface Definitions {
  items: DefinitionSummary[];
}

/** 流程设计: the deployed processes, each with its versions. */
export function DesignerPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const user = useUser();
  const navigate = useNavigate();
  const definitions = useApi<Definitions>('/api/definitions');
  return (
    <>
      <div className="page-head">
        <PageTitle title={t('designer.title')}>{t('designer.title')}</PageTitle>
        {may.edit(user) && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => navigate(`/designer/new?key=process-${Date.now().toString(36)}`)}
          >
            ＋ {t('designer.new')}
          </button>
        )}
      </div>
      <p className="muted">{may.edit(user) ? t('designer.intro') : t('designer.introReadOnly')}</p>
      {definitions.error ? (
        <ErrorBox error={definitions.error} onRetry={definitions.reload} />
      ) : !definitions.data ? (
        <Loading />
      ) : (
        <DefinitionTable items={definitions.data.items} />
      )}
    </>
  );
}

/** The deployed processes (also on the admin page). */
export function DefinitionTable({ items }: { items: DefinitionSummary[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  if (items.length === 0) return <p className="muted empty">{t('designer.none')}</p>;
  return (
    <table className="case-table responsive definitions">
      <thead>
        <tr>
          <th scope="col">{t('designer.process')}</th>
          <th scope="col">{t('designer.key')}</th>
          <th scope="col">{t('designer.latest')}</th>
          <th scope="col">{t('designer.deployedAt')}</th>
          <th scope="col">{t('designer.deployedBy')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.key}>
            <td data-label={t('designer.process')}>
              <Link to={`/designer/${encodeURIComponent(d.key)}`}>{d.name || processName(i18n, d.key)}</Link>
            </td>
            <td data-label={t('designer.key')}>
              <code>{d.key}</code>
            </td>
            <td data-label={t('designer.latest')}>
              {t('designer.version', { n: d.latestVersion })}
              {d.versions.length > 1 && (
                <span className="muted small"> · {t('designer.versionCount', { n: d.versions.length })}</span>
              )}
            </td>
            <td data-label={t('designer.deployedAt')}>{formatDateTime(d.versions[0]?.deployedAt)}</td>
            <td data-label={t('designer.deployedBy')}>{d.versions[0]?.deployedBy}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Warns before the page is left with changes not deployed. */
function useLeaveWarning(active: boolean) {
  useEffect(() => {
    if (!active) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [active]);
}

/**
 * One process: its versions, and the latest in the modeler (designers, admins) or any version in
 * a read-only viewer. `?version=N` opens version N (read-only unless it is the latest);
 * `?from=N` edits a copy of version N.
 */
export function ProcessDesignPage() {
  const { key = '' } = useParams();
  const isNew = key === 'new';
  const [params] = useSearchParams();
  const i18n = useI18n();
  const { t } = i18n;
  const user = useUser();
  const navigate = useNavigate();
  const location = useLocation();
  const definitions = useApi<Definitions>('/api/definitions');
  const catalog = useApi<Catalog>('/api/catalog');
  const [dirty, setDirty] = useState(false);
  useLeaveWarning(dirty);

  const definition = definitions.data?.items.find((d) => d.key === key);
  const latest = definition?.latestVersion;
  const route = `${key}?${params.toString()}`;
  // What the canvas shows is fixed when the page opens: a deploy does not reload it.
  const [opened, setOpened] = useState<Opened | null>(null);

  // A new process starts from a blank diagram under the key the "new" button chose.
  const newKey = params.get('key') ?? 'new-process';
  const blank = useMemo<Opened | null>(
    () =>
      isNew ? { route, xml: blankDiagram(newKey, '新流程'), editable: may.edit(user), copyOf: false } : null,
    [isNew, route, newKey, user],
  );

  useEffect(() => {
    if (isNew || opened?.route === route || latest === undefined) return;
    const from = Number(params.get('from')) || undefined;
    const version = from ?? (Number(params.get('version')) || latest);
    const editable = may.edit(user) && (from !== undefined || version === latest);
    let live = true;
    api
      .get<string>(`/api/definitions/${encodeURIComponent(key)}/versions/${version}/xml`, { as: 'text' })
      .then((xml) => live && setOpened({ route, version, xml, editable, copyOf: from !== undefined }))
      .catch(
        (error: unknown) => live && setOpened({ route, version, error, editable: false, copyOf: false }),
      );
    return () => {
      live = false;
    };
  }, [route, isNew, key, latest, params, opened?.route, user]);

  const reloadDefinitions = definitions.reload;
  const onDeployed = useCallback(
    (result: DeployResult) => {
      reloadDefinitions();
      if (result.key !== key)
        navigate(`/designer/${encodeURIComponent(result.key)}`, {
          replace: true,
          state: { deployed: result },
        });
      else setOpened((o) => (o ? { ...o, version: result.version, copyOf: false } : o));
    },
    [reloadDefinitions, key, navigate],
  );

  if (definitions.error) return <ErrorBox error={definitions.error} onRetry={definitions.reload} />;
  if (!definitions.data) return <Loading />;
  if (!isNew && !definition)
    return (
      <section>
        <PageTitle title={t('designer.title')}>{t('designer.notFound', { key })}</PageTitle>
        <Link to="/designer">{t('designer.back')}</Link>
      </section>
    );

  const current = blank ?? (opened && opened.route === route ? opened : null);
  const shownVersion = current?.version;
  const title = isNew ? t('designer.new') : definition?.name || processName(i18n, key);
  const deployedHere = (location.state as { deployed?: DeployResult } | null)?.deployed;

  return (
    <div className="designer-page">
      <p className="breadcrumb">
        <Link to="/designer">← {t('designer.back')}</Link>
      </p>
      <div className="page-head">
        <PageTitle title={title}>
          {title} {!isNew && <code className="case-id">{key}</code>}
        </PageTitle>
        {shownVersion !== undefined && (
          <p className="badges">
            <span className={`badge ${shownVersion === latest ? 'ok' : 'warn'}`}>
              {current?.copyOf
                ? t('designer.copyBadge', { n: shownVersion })
                : shownVersion === latest
                  ? t('designer.latestBadge', { n: shownVersion })
                  : t('designer.oldBadge', { n: shownVersion })}
            </span>
          </p>
        )}
      </div>
      {deployedHere?.key === key && (
        <p className="alert alert-success" role="status">
          {t('designer.deployed', { key: deployedHere.key, version: deployedHere.version })}
        </p>
      )}

      {definition && (
        <nav className="versions card" aria-label={t('designer.versions')} data-testid="versions">
          <h2 className="versions-title">{t('designer.versions')}</h2>
          <ol className="version-list">
            {definition.versions.map((v) => (
              <li key={v.version}>
                <Link
                  to={
                    v.version === definition.latestVersion
                      ? `/designer/${encodeURIComponent(key)}`
                      : `/designer/${encodeURIComponent(key)}?version=${v.version}`
                  }
                  aria-current={v.version === shownVersion && !current?.copyOf ? 'page' : undefined}
                >
                  {t('designer.version', { n: v.version })}
                </Link>
                {v.version === definition.latestVersion && (
                  <span className="muted small"> ({t('designer.latestShort')})</span>
                )}
                <span className="muted small">
                  {' '}
                  · {formatDateTime(v.deployedAt)} · {v.deployedBy}
                </span>
              </li>
            ))}
          </ol>
        </nav>
      )}

      {current &&
        shownVersion !== undefined &&
        latest !== undefined &&
        !current.editable &&
        shownVersion !== latest && (
          <div className="alert alert-info read-only-note">
            <p>{t('designer.readOnlyOld', { n: shownVersion, latest })}</p>
            <p>
              <Link to={`/designer/${encodeURIComponent(key)}`}>{t('designer.openLatest')}</Link>
              {may.edit(user) && (
                <>
                  {' · '}
                  <Link to={`/designer/${encodeURIComponent(key)}?from=${shownVersion}`}>
                    {t('designer.editFrom', { n: shownVersion })}
                  </Link>
                </>
              )}
            </p>
          </div>
        )}
      {!may.edit(user) && <p className="alert alert-info">{t('designer.readOnlyRole')}</p>}

      {!current ? (
        <Loading />
      ) : current.error ? (
        <ErrorBox error={current.error} />
      ) : (
        <Suspense fallback={<Loading />}>
          <ProcessEditor
            xml={current.xml ?? ''}
            mode={current.editable ? 'edit' : 'view'}
            catalog={catalog.data}
            processKeys={definitions.data.items.map((d) => d.key)}
            canDeploy={may.deploy(user)}
            fileName={isNew ? 'new-process' : current.editable ? key : `${key}-v${shownVersion}`}
            onDeployed={onDeployed}
            onDirty={setDirty}
          />
        </Suspense>
      )}
    </div>
  );
}

interface Opened {
  route: string;
  version?: number;
  xml?: string;
  error?: unknown;
  editable: boolean;
  copyOf: boolean;
}
