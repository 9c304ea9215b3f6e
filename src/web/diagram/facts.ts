import { CAMUNDA_NS } from './bpmn';

const BPMN_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

export interface ElementFacts {
  type: string;
  name?: string;
  formKey?: string;
  candidateGroups: string[];
}

/**
 * What the audit pages need to know of a diagram's elements, read from its XML without bpmn-js:
 * each element's type, name, form and candidate groups.
 */
export function diagramFacts(xml: string | null | undefined): Map<string, ElementFacts> {
  const facts = new Map<string, ElementFacts>();
  if (!xml) return facts;
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return facts;
  for (const element of Array.from(doc.getElementsByTagNameNS(BPMN_NS, '*'))) {
    const id = element.getAttribute('id');
    if (!id) continue;
    facts.set(id, {
      type: element.localName,
      name: element.getAttribute('name') ?? undefined,
      formKey: element.getAttributeNS(CAMUNDA_NS, 'formKey') ?? undefined,
      candidateGroups: (element.getAttributeNS(CAMUNDA_NS, 'candidateGroups') ?? '')
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    });
  }
  return facts;
}
