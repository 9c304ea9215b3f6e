import { useEffect, useRef, useState } from 'react';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { useI18n } from '../i18n';

interface Canvas {
  zoom(level: 'fit-viewport' | number, center?: 'auto'): number;
  addMarker(element: string, marker: string): void;
}
interface BusinessObject {
  id: string;
  $type: string;
  $parent?: BusinessObject;
}
interface ElementRegistry {
  get(id: string): { businessObject?: BusinessObject } | undefined;
}

/** The sub-processes an element sits in: a collapsed one shows on the main plane instead of it. */
function containers(registry: ElementRegistry, id: string): string[] {
  const found: string[] = [];
  let parent = registry.get(id)?.businessObject?.$parent;
  while (parent && parent.$type === 'bpmn:SubProcess') {
    if (registry.get(parent.id)) found.push(parent.id);
    parent = parent.$parent;
  }
  return found;
}

/**
 * The instance's diagram (bpmn-js NavigatedViewer: drag to pan, scroll to zoom), its active
 * elements marked `is-active` (and the sub-processes holding them `is-active-within`), the
 * tasks done in it `is-done`.
 */
export default function CaseDiagram({
  xml,
  active,
  done,
}: {
  xml: string;
  active: string[];
  done: string[];
}) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!container.current) return;
    const viewer = new NavigatedViewer({ container: container.current });
    let live = true;
    viewer
      .importXML(xml)
      .then(() => {
        if (!live) return;
        const canvas = viewer.get<Canvas>('canvas');
        const registry = viewer.get<ElementRegistry>('elementRegistry');
        for (const id of done) if (registry.get(id)) canvas.addMarker(id, 'is-done');
        for (const id of active) {
          if (!registry.get(id)) continue;
          canvas.addMarker(id, 'is-active');
          for (const container of containers(registry, id)) canvas.addMarker(container, 'is-active-within');
        }
        canvas.zoom('fit-viewport', 'auto');
      })
      .catch((failure: Error) => live && setError(failure.message));
    return () => {
      live = false;
      viewer.destroy();
    };
  }, [xml, active, done]);

  return (
    <figure className="diagram">
      <div ref={container} className="diagram-canvas" data-testid="diagram" />
      <figcaption className="muted small">
        <span className="legend legend-active" aria-hidden="true" /> {t('case.diagramHint')}
      </figcaption>
      {error && <p className="alert alert-error">{error}</p>}
    </figure>
  );
}
