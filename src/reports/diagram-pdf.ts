import type { Box, DiagramView, DrawnEdge, DrawnShape, PathMark, Point } from './diagram-drawing.js';
import { lineHeightOf, type PdfText } from './pdf-text.js';

/** The path taken in green, where the instance stands now in orange, the rest grey. */
export const MARK_COLOURS: Record<PathMark, { stroke: string; fill: string; text: string }> = {
  taken: { stroke: '#2e7d32', fill: '#e8f5e9', text: '#1b5e20' },
  active: { stroke: '#e65100', fill: '#ffe0b2', text: '#bf360c' },
  none: { stroke: '#8a8a8a', fill: '#ffffff', text: '#424242' },
};

const LABEL = { size: 11 };

function strokeStyle(doc: PDFKit.PDFDocument, mark: PathMark, width: number) {
  const colour = MARK_COLOURS[mark];
  doc
    .lineWidth(mark === 'none' ? width : width + 1)
    .strokeColor(colour.stroke)
    .fillColor(colour.fill);
}

function label(
  doc: PDFKit.PDFDocument,
  text: PdfText,
  content: string,
  box: Box,
  mark: PathMark,
  placement: { centreVertically?: boolean; backdrop?: boolean } = {},
) {
  const style = { ...LABEL, color: MARK_COLOURS[mark].text };
  const lines = text.lines(content, Math.max(box.width, 20), style);
  const lineHeight = lineHeightOf(style);
  const top = placement.centreVertically ? box.y + (box.height - lines.length * lineHeight) / 2 : box.y;
  // Names beside shapes and on flows often sit on a line: a light backdrop keeps them legible.
  if (placement.backdrop) {
    lines.forEach((line, i) => {
      const left = box.x + (box.width - line.width) / 2;
      doc.rect(left - 1, top + i * lineHeight + 1, line.width + 2, lineHeight - 2);
    });
    doc.fillOpacity(0.85).fill('#ffffff').fillOpacity(1);
  }
  text.draw(lines, box.x, top, style, { width: box.width, align: 'center' });
}

function eventShape(doc: PDFKit.PDFDocument, shape: DrawnShape) {
  const { x, y, width, height } = shape.bounds;
  const [cx, cy, r] = [x + width / 2, y + height / 2, Math.min(width, height) / 2];
  const base = shape.kind === 'end-event' ? 3.5 : 1.5;
  strokeStyle(doc, shape.mark, base);
  if (shape.kind === 'boundary-event' && shape.interrupting === false) doc.dash(4, { space: 3 });
  doc.circle(cx, cy, r).fillAndStroke();
  if (shape.kind === 'boundary-event' || shape.kind === 'intermediate-event')
    doc.circle(cx, cy, r - 3).stroke();
  doc.undash();
  const inner = r * 0.55;
  doc.lineWidth(1).strokeColor(MARK_COLOURS[shape.mark].stroke);
  switch (shape.definition) {
    case 'timer':
      doc.circle(cx, cy, inner).stroke();
      doc
        .moveTo(cx, cy - inner * 0.8)
        .lineTo(cx, cy)
        .lineTo(cx + inner * 0.6, cy)
        .stroke();
      break;
    case 'terminate':
      doc.circle(cx, cy, inner).fill(MARK_COLOURS[shape.mark].stroke);
      break;
    case 'message':
      doc.rect(cx - inner, cy - inner * 0.7, inner * 2, inner * 1.4).stroke();
      doc
        .moveTo(cx - inner, cy - inner * 0.7)
        .lineTo(cx, cy)
        .lineTo(cx + inner, cy - inner * 0.7)
        .stroke();
      break;
    case 'signal':
      doc.polygon([cx, cy - inner], [cx + inner, cy + inner * 0.7], [cx - inner, cy + inner * 0.7]).stroke();
      break;
  }
}

/** The exclusive gateway's ×, also part of the complex gateway's marker. */
function cross(doc: PDFKit.PDFDocument, cx: number, cy: number, m: number) {
  doc
    .moveTo(cx - m, cy - m)
    .lineTo(cx + m, cy + m)
    .moveTo(cx + m, cy - m)
    .lineTo(cx - m, cy + m)
    .stroke();
}

/** The parallel gateway's +, also part of the complex gateway's marker. */
function plus(doc: PDFKit.PDFDocument, cx: number, cy: number, m: number) {
  doc
    .moveTo(cx, cy - m * 1.3)
    .lineTo(cx, cy + m * 1.3)
    .moveTo(cx - m * 1.3, cy)
    .lineTo(cx + m * 1.3, cy)
    .stroke();
}

function gatewayShape(doc: PDFKit.PDFDocument, shape: DrawnShape) {
  const { x, y, width, height } = shape.bounds;
  const [cx, cy] = [x + width / 2, y + height / 2];
  strokeStyle(doc, shape.mark, 1.5);
  doc.polygon([cx, y], [x + width, cy], [cx, y + height], [x, cy]).fillAndStroke();
  const m = Math.min(width, height) * 0.22;
  doc.lineWidth(3).strokeColor(MARK_COLOURS[shape.mark].stroke);
  switch (shape.gateway) {
    case 'exclusive':
      cross(doc, cx, cy, m);
      break;
    case 'parallel':
      plus(doc, cx, cy, m);
      break;
    case 'inclusive':
      doc
        .lineWidth(2)
        .circle(cx, cy, m * 1.2)
        .stroke();
      break;
    case 'event-based':
      doc
        .lineWidth(1)
        .circle(cx, cy, m * 1.3)
        .stroke();
      doc.circle(cx, cy, m * 1.05).stroke();
      break;
    case 'complex':
      cross(doc, cx, cy, m);
      plus(doc, cx, cy, m);
      break;
  }
}

function taskIcon(doc: PDFKit.PDFDocument, shape: DrawnShape) {
  const { x, y } = shape.bounds;
  doc.lineWidth(1).strokeColor(MARK_COLOURS[shape.mark].stroke);
  if (shape.type === 'UserTask') {
    doc.circle(x + 12, y + 9, 3).stroke();
    doc
      .moveTo(x + 6, y + 19)
      .bezierCurveTo(x + 6, y + 12, x + 18, y + 12, x + 18, y + 19)
      .closePath()
      .stroke();
  } else if (shape.type === 'ServiceTask' || shape.type === 'SendTask') {
    doc.circle(x + 12, y + 12, 5).stroke();
    doc.circle(x + 12, y + 12, 2).stroke();
  }
}

function activityShape(doc: PDFKit.PDFDocument, text: PdfText, shape: DrawnShape) {
  const { x, y, width, height } = shape.bounds;
  const container = shape.kind === 'subprocess' || shape.kind === 'container';
  strokeStyle(doc, shape.mark, shape.kind === 'call-activity' ? 3.5 : 1.5);
  if (shape.kind === 'container') doc.rect(x, y, width, height).stroke();
  else if (container) doc.roundedRect(x, y, width, height, 10).stroke();
  else doc.roundedRect(x, y, width, height, 10).fillAndStroke();
  if (shape.kind === 'collapsed-subprocess') {
    const [bx, by] = [x + width / 2 - 7, y + height - 16];
    doc.lineWidth(1).rect(bx, by, 14, 14).stroke();
    doc
      .moveTo(bx + 3, by + 7)
      .lineTo(bx + 11, by + 7)
      .moveTo(bx + 7, by + 3)
      .lineTo(bx + 7, by + 11)
      .stroke();
  }
  if (shape.kind === 'task') taskIcon(doc, shape);
  if (!shape.label) return;
  if (container)
    label(doc, text, shape.label.text, { x: x + 8, y: y + 6, width: width - 16, height: 20 }, shape.mark);
  else
    label(
      doc,
      text,
      shape.label.text,
      {
        x: x + 5,
        y: y + 5,
        width: width - 10,
        height: height - (shape.kind === 'collapsed-subprocess' ? 22 : 10),
      },
      shape.mark,
      { centreVertically: true },
    );
}

function dataShape(doc: PDFKit.PDFDocument, shape: DrawnShape) {
  const { x, y, width, height } = shape.bounds;
  const fold = Math.min(10, width / 3);
  strokeStyle(doc, shape.mark, 1);
  doc
    .polygon([x, y], [x + width - fold, y], [x + width, y + fold], [x + width, y + height], [x, y + height])
    .fillAndStroke();
}

function annotationShape(doc: PDFKit.PDFDocument, text: PdfText, shape: DrawnShape) {
  const { x, y, height } = shape.bounds;
  doc.lineWidth(1).strokeColor(MARK_COLOURS.none.stroke);
  doc
    .moveTo(x + 10, y)
    .lineTo(x, y)
    .lineTo(x, y + height)
    .lineTo(x + 10, y + height)
    .stroke();
  if (shape.label)
    label(doc, text, shape.label.text, { ...shape.bounds, x: x + 5, width: shape.bounds.width - 5 }, 'none', {
      centreVertically: true,
    });
}

function arrowHead(doc: PDFKit.PDFDocument, from: Point, to: Point, colour: string) {
  const angle = Math.atan2(to.y - from.y, to.x - from.x);
  const [length, spread] = [10, 0.4];
  doc
    .polygon(
      [to.x, to.y],
      [to.x - length * Math.cos(angle - spread), to.y - length * Math.sin(angle - spread)],
      [to.x - length * Math.cos(angle + spread), to.y - length * Math.sin(angle + spread)],
    )
    .fill(colour);
}

function edgeLine(doc: PDFKit.PDFDocument, edge: DrawnEdge) {
  const colour = MARK_COLOURS[edge.mark].stroke;
  doc
    .lineWidth(edge.mark === 'taken' ? 3 : 1.2)
    .strokeColor(colour)
    .lineJoin('round');
  if (edge.kind === 'message') doc.dash(6, { space: 4 });
  if (edge.kind === 'association') doc.dash(2, { space: 3 });
  const [first, ...rest] = edge.waypoints;
  doc.moveTo(first.x, first.y);
  for (const point of rest) doc.lineTo(point.x, point.y);
  doc.stroke().undash();
  if (edge.kind !== 'association') arrowHead(doc, edge.waypoints.at(-2)!, edge.waypoints.at(-1)!, colour);
}

/**
 * Paints one drawing as vectors, scaled to fit `area` (never above 1.5×) and centred across it:
 * containers, then flows, then shapes with their names, then the flows' names on top.
 */
export const fitScale = (view: DiagramView, area: { width: number; height: number }) =>
  Math.min(area.width / view.bounds.width, area.height / view.bounds.height, 1.5);

export function paintDiagram(doc: PDFKit.PDFDocument, text: PdfText, view: DiagramView, area: Box): number {
  const { bounds } = view;
  const scale = fitScale(view, area);
  const left = area.x + (area.width - bounds.width * scale) / 2 - bounds.x * scale;
  const top = area.y - bounds.y * scale;
  doc.save();
  doc.translate(left, top).scale(scale);
  const behind = view.shapes.filter((s) => s.kind === 'subprocess' || s.kind === 'container');
  for (const shape of behind) activityShape(doc, text, shape);
  for (const edge of view.edges) edgeLine(doc, edge);
  for (const shape of view.shapes) {
    if (behind.includes(shape)) continue;
    if (shape.kind.endsWith('event')) eventShape(doc, shape);
    else if (shape.kind === 'gateway') gatewayShape(doc, shape);
    else if (shape.kind === 'data') dataShape(doc, shape);
    else if (shape.kind === 'annotation') annotationShape(doc, text, shape);
    else activityShape(doc, text, shape);
    if (shape.label && !shape.label.inside)
      label(doc, text, shape.label.text, shape.label.bounds, shape.mark, { backdrop: true });
  }
  for (const edge of view.edges)
    if (edge.label) label(doc, text, edge.label.text, edge.label.bounds, edge.mark, { backdrop: true });
  doc.restore();
  return bounds.height * scale;
}
