/**
 * bpmn-auto-layout puts every boundary event of a task at the same spot on its lower edge; the
 * plan's reply deadline has three (two reminders and the deadline). Spread them along the edge,
 * widening the host when needed, and start their outgoing flows from the new spots.
 */
const SIZE = 36;
const GAP = 8;

function shapeBounds(xml: string, id: string): RegExpExecArray | null {
  return new RegExp(
    `(<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"[^>]*>\\s*<dc:Bounds x=")(-?[\\d.]+)(" y=")(-?[\\d.]+)(" width=")([\\d.]+)(" height=")([\\d.]+)(")`,
  ).exec(xml);
}

function setBounds(xml: string, id: string, x: number, y: number, width: number, height: number): string {
  const match = shapeBounds(xml, id);
  if (!match) return xml;
  const replaced = `${match[1]}${x}${match[3]}${y}${match[5]}${width}${match[7]}${height}${match[9]}`;
  return xml.slice(0, match.index) + replaced + xml.slice(match.index + match[0].length);
}

export function spreadBoundaryEvents(xml: string): string {
  const hosts = new Map<string, string[]>();
  for (const match of xml.matchAll(/<bpmn:boundaryEvent id="([^"]+)"[^>]*attachedToRef="([^"]+)"/g)) {
    hosts.set(match[2], [...(hosts.get(match[2]) ?? []), match[1]]);
  }
  let out = xml;
  for (const [host, events] of hosts) {
    if (events.length < 2) continue;
    const bounds = shapeBounds(out, host);
    if (!bounds) continue;
    const [x, y, width, height] = [bounds[2], bounds[4], bounds[6], bounds[8]].map((n) =>
      Math.round(Number(n)),
    );
    const needed = GAP + events.length * (SIZE + GAP);
    const newWidth = Math.max(width, needed);
    out = setBounds(out, host, x, y, newWidth, height);
    events.forEach((event, index) => {
      const ex = x + GAP + index * (SIZE + GAP);
      const ey = y + height - SIZE / 2;
      out = setBounds(out, event, ex, ey, SIZE, SIZE);
      for (const flow of out.matchAll(
        new RegExp(`<bpmn:sequenceFlow id="([^"]+)"[^>]*sourceRef="${event}"`, 'g'),
      )) {
        const edge = new RegExp(
          `(<bpmndi:BPMNEdge id="${flow[1]}_di" bpmnElement="${flow[1]}">\\s*<di:waypoint x=")(-?[\\d.]+)(" y=")(-?[\\d.]+)("\\s*/>\\s*<di:waypoint x=")(-?[\\d.]+)(")`,
        ).exec(out);
        if (!edge) continue;
        const cx = ex + SIZE / 2;
        const replaced = `${edge[1]}${cx}${edge[3]}${ey + SIZE}${edge[5]}${cx}${edge[7]}`;
        out = out.slice(0, edge.index) + replaced + out.slice(edge.index + edge[0].length);
      }
    });
  }
  return out;
}
