import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { useI18n } from '../i18n';
import { containers, fitDiagram, type Canvas, type Diagram, type ElementRegistry } from './bpmn';

export interface ReplayMarkers {
  completed: string[];
  active: string[];
  timedOut: string[];
  /** The element of the step shown. */
  current?: string;
}

/**
 * The instance's diagram version in a bpmn-js viewer, marked as it stood at the replay's step:
 * completed elements and flows taken green, running ones blue, fired timers orange, the step's
 * own element outlined. Markers change with the step; the diagram is imported once. While the
 * next step's state is on its way (`markers` undefined) the last markers stay.
 */
export default function ReplayDiagram({ xml, markers }: { xml: string; markers?: ReplayMarkers }) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const [viewer, setViewer] = useState<Diagram | null>(null);
  const [error, setError] = useState<string | null>(null);
  const marked = useRef<Array<[string, string]>>([]);

  useEffect(() => {
    if (!container.current) return;
    const instance = new NavigatedViewer({ container: container.current }) as unknown as Diagram;
    let live = true;
    instance
      .importXML(xml)
      .then(() => {
        if (!live) return;
        fitDiagram(instance.get<Canvas>('canvas'));
        marked.current = [];
        setViewer(instance);
      })
      .catch((failure: Error) => live && setError(failure.message));
    return () => {
      live = false;
      setViewer(null);
      instance.destroy();
    };
  }, [xml]);

  // Marked in the same commit that shows the step, so the page never shows one step's text
  // with another step's markers.
  useLayoutEffect(() => {
    if (!viewer || !markers) return;
    const canvas = viewer.get<Canvas>('canvas');
    const registry = viewer.get<ElementRegistry>('elementRegistry');
    for (const [id, marker] of marked.current) if (registry.get(id)) canvas.removeMarker(id, marker);
    const next: Array<[string, string]> = [];
    const mark = (id: string, marker: string) => {
      if (!registry.get(id) || next.some(([i, m]) => i === id && m === marker)) return;
      canvas.addMarker(id, marker);
      next.push([id, marker]);
    };
    for (const id of markers.completed) mark(id, 'replay-completed');
    for (const id of markers.timedOut) mark(id, 'replay-timed-out');
    for (const id of markers.active) {
      mark(id, 'replay-active');
      for (const holder of containers(registry, id)) mark(holder, 'replay-active-within');
    }
    if (markers.current) mark(markers.current, 'replay-current');
    // Follow the step into the collapsed sub-process it happened in, and back out; a step of the
    // process as a whole (start, end) shows the main plane.
    const element = markers.current ? registry.get(markers.current) : undefined;
    const root = element
      ? canvas.findRoot(element)
      : registry
          .getAll()
          .find((e) => !e.parent && /^bpmn:(Process|Collaboration)$/.test(e.businessObject?.$type));
    if (root && root !== canvas.getRootElement()) canvas.setRootElement(root);
    marked.current = next;
  }, [viewer, markers]);

  return (
    <figure className="diagram replay-diagram">
      <div
        ref={container}
        className="diagram-canvas"
        data-testid="replay-diagram"
        role="group"
        aria-label={t('audit.diagramLabel')}
      />
      <figcaption className="legend-row small">
        <span>
          <span className="legend legend-completed" aria-hidden="true" /> {t('audit.legendCompleted')}
        </span>
        <span>
          <span className="legend legend-running" aria-hidden="true" /> {t('audit.legendActive')}
        </span>
        <span>
          <span className="legend legend-timeout" aria-hidden="true" /> {t('audit.legendTimedOut')}
        </span>
        <span>
          <span className="legend legend-current" aria-hidden="true" /> {t('audit.legendCurrent')}
        </span>
      </figcaption>
      {error && <p className="alert alert-error">{error}</p>}
    </figure>
  );
}
