import { useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import Modeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import { useI18n } from '../i18n';
import { api, ApiError, saveFile } from '../api';
import type { Catalog, DeployResult, LintProblem, LintResult } from '../types';
import {
  fitDiagram,
  reveal,
  type Canvas,
  type CommandStack,
  type Diagram,
  type DiagramElement,
  type ElementRegistry,
} from './bpmn';
import { PropertiesPanel } from './PropertiesPanel';

const LINT_DELAY_MS = 500;
const MARKERS = ['lint-error', 'lint-warning'];
/** Room the modeler's palette takes on the left of the canvas. */
const PALETTE_WIDTH = 120;

interface EditorProps {
  /** The diagram to open. */
  xml: string;
  /** `edit`: the bpmn-js Modeler with live checks; `view`: a read-only viewer (old versions, auditors). */
  mode: 'edit' | 'view';
  catalog?: Catalog;
  processKeys: string[];
  /** Whether Deploy is offered (designers). */
  canDeploy: boolean;
  /** The downloaded file's name without `.bpmn`. */
  fileName: string;
  onDeployed?(result: DeployResult): void;
  /** Tells the page whether there are changes not deployed. */
  onDirty?(dirty: boolean): void;
}

type DeployState =
  | { state: 'idle' }
  | { state: 'busy' }
  | { state: 'done'; result: DeployResult }
  /** `count`: every problem; the server lists only the first ones. */
  | { state: 'refused'; problems: LintProblem[]; count: number; detail: string }
  | { state: 'failed'; detail: string };

type LintState =
  | { state: 'idle' }
  | { state: 'checking'; last?: LintResult }
  | { state: 'done'; result: LintResult }
  | { state: 'failed'; detail: string };

function problemKey(p: LintProblem, i: number): string {
  return `${p.elementId ?? ''}:${p.rule}:${i}`;
}

/**
 * The process designer's canvas: bpmn-js (Modeler with the camunda moddle, or a viewer for
 * read-only), preplan's properties panel, the deploy checks run live on every change (the same
 * rules as deploy, on the server), download and upload of the XML, and deploy.
 */
export default function ProcessEditor({
  xml,
  mode,
  catalog,
  processKeys,
  canDeploy,
  fileName,
  onDeployed,
  onDirty,
}: EditorProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const container = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [diagram, setDiagram] = useState<Diagram | null>(null);
  const [selected, setSelected] = useState<DiagramElement | undefined>(undefined);
  const [revision, setRevision] = useState(0);
  const [changes, setChanges] = useState(0);
  const [importError, setImportError] = useState<string | null>(null);
  const [lint, setLint] = useState<LintState>({ state: 'idle' });
  const [deploy, setDeploy] = useState<DeployState>({ state: 'idle' });
  const [message, setMessage] = useState<string | null>(null);
  const lintRun = useRef(0);
  const editing = mode === 'edit';

  // One bpmn-js instance per opened diagram.
  useEffect(() => {
    if (!container.current) return;
    const instance = (editing
      ? new Modeler({ container: container.current, moddleExtensions: { camunda: camundaModdle } })
      : new NavigatedViewer({
          container: container.current,
          moddleExtensions: { camunda: camundaModdle },
        })) as unknown as Diagram;
    let live = true;
    const onSelection = (event: { newSelection?: DiagramElement[] }) => {
      const chosen = event.newSelection ?? [];
      // A label stands for its element (a flow's name, an event's caption).
      setSelected(chosen.length === 1 ? (chosen[0].labelTarget ?? chosen[0]) : undefined);
    };
    const onChanged = (event: { trigger?: string }) => {
      setRevision((n) => n + 1);
      // importing clears the command stack: that is no change of the diagram
      if (event.trigger === 'clear') return;
      setChanges((n) => n + 1);
      setDeploy((d) => (d.state === 'refused' || d.state === 'done' ? { state: 'idle' } : d));
    };
    const onRoot = () => setRevision((n) => n + 1);
    instance.on('selection.changed', onSelection as never);
    instance.on('commandStack.changed', onChanged as never);
    instance.on('root.set', onRoot);
    if (!editing)
      instance.on('element.click', ((event: { element?: DiagramElement }) =>
        setSelected(event.element?.labelTarget ?? event.element)) as never);
    instance
      .importXML(xml)
      .then(() => {
        if (!live) return;
        fitDiagram(instance.get<Canvas>('canvas'), editing ? PALETTE_WIDTH : 0);
        setDiagram(instance);
        setRevision((n) => n + 1);
      })
      .catch((error: Error) => live && setImportError(error.message));
    return () => {
      live = false;
      setDiagram(null);
      setSelected(undefined);
      instance.destroy();
    };
  }, [xml, editing]);

  useEffect(() => {
    onDirty?.(changes > 0);
  }, [changes, onDirty]);

  const currentXml = useCallback(async () => {
    if (!diagram) throw new Error('no diagram');
    const { xml: saved } = await diagram.saveXML({ format: true });
    return saved ?? '';
  }, [diagram]);

  // Live checks: the server's deploy rules, a moment after the last change.
  useEffect(() => {
    if (!diagram || !editing) return;
    const run = ++lintRun.current;
    const timer = setTimeout(() => {
      setLint((previous) => ({
        state: 'checking',
        last:
          previous.state === 'done'
            ? previous.result
            : previous.state === 'checking'
              ? previous.last
              : undefined,
      }));
      currentXml()
        .then((text) => api.postXml<LintResult>('/api/definitions/lint', text))
        .then((result) => run === lintRun.current && setLint({ state: 'done', result }))
        .catch(
          (error: unknown) =>
            run === lintRun.current &&
            setLint({ state: 'failed', detail: error instanceof ApiError ? error.detail : String(error) }),
        );
    }, LINT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [diagram, editing, changes, currentXml]);

  const shownLint = lint.state === 'done' ? lint.result : lint.state === 'checking' ? lint.last : undefined;
  const problems = useMemo(
    () => (deploy.state === 'refused' ? deploy.problems : (shownLint?.problems ?? [])),
    [deploy, shownLint],
  );

  // Problems marked on the diagram.
  useEffect(() => {
    if (!diagram) return;
    const registry = diagram.get<ElementRegistry>('elementRegistry');
    const canvas = diagram.get<{
      addMarker(id: string, m: string): void;
      removeMarker(id: string, m: string): void;
    }>('canvas');
    for (const element of registry.getAll())
      for (const marker of MARKERS) canvas.removeMarker(element.id, marker);
    for (const problem of problems)
      if (problem.elementId && registry.get(problem.elementId))
        canvas.addMarker(problem.elementId, problem.severity === 'error' ? 'lint-error' : 'lint-warning');
  }, [diagram, problems, revision]);

  const download = async () => {
    saveFile(`${fileName}.bpmn`, editing ? await currentXml() : xml, 'application/xml');
  };

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file || !diagram) return;
    try {
      await diagram.importXML(await file.text());
      fitDiagram(diagram.get<Canvas>('canvas'), PALETTE_WIDTH);
      setSelected(undefined);
      setDeploy({ state: 'idle' });
      setImportError(null);
      setMessage(t('designer.uploaded', { name: file.name }));
      setChanges((n) => n + 1);
    } catch (error) {
      setMessage(null);
      setImportError(t('designer.uploadFailed', { name: file.name, detail: (error as Error).message }));
    }
  };

  const doDeploy = async () => {
    setDeploy({ state: 'busy' });
    setMessage(null);
    try {
      const result = await api.postXml<DeployResult>('/api/definitions', await currentXml());
      setDeploy({ state: 'done', result });
      setChanges(0);
      onDeployed?.(result);
    } catch (error) {
      if (error instanceof ApiError && Array.isArray(error.body.problems)) {
        const listed = error.body.problems as LintProblem[];
        const count = typeof error.body.problemCount === 'number' ? error.body.problemCount : listed.length;
        setDeploy({ state: 'refused', problems: listed, count, detail: error.detail });
      } else setDeploy({ state: 'failed', detail: error instanceof ApiError ? error.detail : String(error) });
    }
  };

  const commandStack = diagram && editing ? diagram.get<CommandStack>('commandStack') : undefined;
  const errors = problems.filter((p) => p.severity === 'error');
  // Problems the server counted but did not list (it lists the first hundred).
  const unlisted =
    (deploy.state === 'refused' ? deploy.count : (shownLint?.problemCount ?? problems.length)) -
    problems.length;
  const nameOf = (id: string | undefined) => {
    if (!id || !diagram) return '';
    const bo = diagram.get<ElementRegistry>('elementRegistry').get(id)?.businessObject;
    return bo?.name ? `${bo.name}` : id;
  };

  return (
    <div className={`editor ${editing ? 'is-editing' : 'is-viewing'}`}>
      <div className="editor-toolbar" role="toolbar" aria-label={t('designer.toolbar')}>
        {editing && (
          <>
            <button
              type="button"
              className="btn btn-small"
              disabled={!commandStack?.canUndo()}
              onClick={() => commandStack?.undo()}
            >
              <span aria-hidden="true">↶ </span>
              {t('designer.undo')}
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={!commandStack?.canRedo()}
              onClick={() => commandStack?.redo()}
            >
              <span aria-hidden="true">↷ </span>
              {t('designer.redo')}
            </button>
          </>
        )}
        <button
          type="button"
          className="btn btn-secondary"
          disabled={!diagram}
          onClick={() => void download()}
        >
          {t('designer.download')}
        </button>
        {editing && (
          <>
            <button type="button" className="btn btn-secondary" onClick={() => fileInput.current?.click()}>
              {t('designer.upload')}
            </button>
            <input
              ref={fileInput}
              type="file"
              accept=".bpmn,.xml,application/xml,text/xml"
              className="visually-hidden"
              tabIndex={-1}
              aria-label={t('designer.upload')}
              data-testid="upload-input"
              onChange={(e) => void upload(e)}
            />
          </>
        )}
        {editing && canDeploy && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={!diagram || deploy.state === 'busy'}
            onClick={() => void doDeploy()}
          >
            {deploy.state === 'busy' ? t('designer.deploying') : t('designer.deploy')}
          </button>
        )}
        {editing && !canDeploy && <span className="muted small">{t('designer.noDeployRole')}</span>}
        {editing && changes > 0 && (
          <span className="badge warn" data-testid="dirty">
            {t('designer.unsaved')}
          </span>
        )}
      </div>

      <div aria-live="polite" className="editor-messages">
        {message && <p className="alert alert-info">{message}</p>}
        {deploy.state === 'done' && (
          <p className="alert alert-success" data-testid="deploy-result">
            {deploy.result.created
              ? t('designer.deployed', { key: deploy.result.key, version: deploy.result.version })
              : t('designer.unchanged', { key: deploy.result.key, version: deploy.result.version })}
          </p>
        )}
        {deploy.state === 'refused' && (
          <div className="alert alert-error" data-testid="deploy-refused">
            <p>
              <strong>{t('designer.refused', { n: deploy.count })}</strong>
            </p>
          </div>
        )}
        {deploy.state === 'failed' && (
          <p className="alert alert-error">
            {t('app.error')}：{deploy.detail}
          </p>
        )}
      </div>
      {importError && (
        <p className="alert alert-error" role="alert">
          {importError}
        </p>
      )}

      <div className="editor-body">
        <div className="editor-canvas-wrap">
          <div
            ref={container}
            className="editor-canvas diagram-canvas"
            data-testid={editing ? 'modeler' : 'viewer'}
            aria-label={t('designer.canvas')}
            role="group"
          />
          <p className="muted small editor-hint">
            {editing ? t('designer.editHint') : t('designer.viewHint')}
          </p>
        </div>
        <div className="editor-side">
          {diagram && (
            <PropertiesPanel
              key={selected?.id ?? 'root'}
              diagram={diagram}
              element={selected}
              catalog={catalog}
              processKeys={processKeys}
              readOnly={!editing}
            />
          )}
          {editing && (
            <section className="lint" aria-labelledby="lint-title" data-testid="lint">
              <h2 id="lint-title" className="lint-title">
                {t('designer.checks')}
                <span
                  className={`lint-state ${lint.state === 'done' ? (errors.length ? 'has-errors' : 'is-ok') : ''}`}
                  aria-live="polite"
                >
                  {lint.state === 'checking'
                    ? t('designer.checking')
                    : lint.state === 'failed'
                      ? t('designer.checkFailed', { detail: lint.detail })
                      : shownLint
                        ? errors.length === 0
                          ? t('designer.checksOk')
                          : t('designer.checksErrors', { n: errors.length })
                        : ''}
                </span>
              </h2>
              {problems.length === 0 && shownLint && (
                <p className="muted small">{t('designer.noProblems')}</p>
              )}
              {problems.length > 0 && (
                <ul className="problems">
                  {problems.map((problem, index) => (
                    <li key={problemKey(problem, index)} className={`problem problem-${problem.severity}`}>
                      <button
                        type="button"
                        className="problem-link"
                        disabled={!problem.elementId}
                        onClick={() => {
                          if (diagram && problem.elementId) reveal(diagram, problem.elementId);
                        }}
                      >
                        <span className="problem-severity">
                          {problem.severity === 'error' ? t('designer.error') : t('designer.warning')}
                        </span>
                        {problem.elementId && (
                          <strong className="problem-element">{nameOf(problem.elementId)}</strong>
                        )}
                        <span className="problem-rule">
                          {i18n.name(`rule.${problem.rule}`, problem.rule)}
                        </span>
                        <span className="problem-message">{problem.message}</span>
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              {unlisted > 0 && (
                <p className="muted small" data-testid="unlisted-problems">
                  {t('designer.unlisted', { n: unlisted })}
                </p>
              )}
            </section>
          )}
        </div>
      </div>
    </div>
  );
}
