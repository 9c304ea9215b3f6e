import PDFDocument from 'pdfkit';
import { categoryLabel, gradeLabel } from '../services/plan-labels.js';
import { roles } from '../roles.js';
import type { CaseReport, ReportInstance } from './case-report.js';
import { CjkFontSet } from './cjk-fonts.js';
import { fitScale, MARK_COLOURS, paintDiagram } from './diagram-pdf.js';
import { lineHeightOf, PdfText, type TextStyle } from './pdf-text.js';
import * as labels from './report-labels.js';
import { DRILL_MARK, labelOf, shanghaiTime as time } from './report-labels.js';

/** The report's fixed words (all of them pass through the font loader). */
const T = {
  title: '网络舆情案件报告',
  drillBanner: '本案为预案演练：消息只发往内部渠道，不对外发布，不计入统计。',
  generated: '生成时间',
  generatedBy: '生成人',
  facts: '一、基本情况',
  grades: '二、等级变化',
  deadlines: '三、时限',
  publications: '四、发布记录',
  publicationsNote: '发布记录只增不改：更正作为新的一条发布。',
  noPublications: '尚无发布记录。',
  tasks: '五、任务与办理人',
  noTasks: '没有任务。',
  timeline: '六、处置时间线',
  timelineNote:
    '每一步：时间（北京时间）、流程、环节、事件、操作人、关键数据（长文本已截短，全文见审计记录）。',
  processes: '七、流程实例与历史链',
  processesNote: '链头是每个实例历史哈希链的最后一环，可与“审计回放”或 audit verify 的结果核对。',
  diagram: '流程图',
  legendTaken: '已完成的环节与经过的连线',
  legendActive: '当前所在',
  legendNone: '未经过',
  noDiagram: '该流程定义已不可用，无法绘制流程图。',
  footerGenerated: '生成于',
  beijing: '北京时间',
  chainHead: '链头',
  integrityOk: '完整',
  integrityBad: '被篡改',
  yes: '是',
  no: '否',
  waitingFor: '待认领：',
  notApplicable: '纳入月度汇总，无单独时限',
  breached: '超时记录于',
};

interface Column {
  title: string;
  width: number;
}

/** Table columns: titles and relative widths. */
const COLUMNS = {
  facts: [
    { title: '', width: 1 },
    { title: '', width: 5 },
  ],
  grades: [
    { title: '时间', width: 2.2 },
    { title: '原等级', width: 1.6 },
    { title: '等级', width: 1.6 },
    { title: '操作人', width: 1.2 },
    { title: '理由', width: 4 },
  ],
  deadlines: [
    { title: '时限', width: 3 },
    { title: '截止时间', width: 2 },
    { title: '完成时间', width: 2 },
    { title: '状态', width: 2.4 },
  ],
  publications: [
    { title: '时间', width: 2 },
    { title: '类型', width: 1.3 },
    { title: '标题', width: 4 },
    { title: '渠道', width: 1.4 },
    { title: '作者', width: 1.1 },
    { title: '审签', width: 1.1 },
    { title: '方式', width: 1.1 },
  ],
  tasks: [
    { title: '任务', width: 2.2 },
    { title: '候选角色', width: 2 },
    { title: '状态', width: 1 },
    { title: '开始', width: 2 },
    { title: '期限', width: 2 },
    { title: '完成', width: 2 },
    { title: '认领人', width: 1.2 },
    { title: '完成人', width: 1.2 },
  ],
  timeline: [
    { title: '时间', width: 2.2 },
    { title: '流程', width: 1.6 },
    { title: '环节', width: 2 },
    { title: '事件', width: 1.2 },
    { title: '操作人', width: 1.2 },
    { title: '关键数据', width: 5 },
  ],
  processes: [
    { title: '流程', width: 2.4 },
    { title: '实例', width: 2.6 },
    { title: '状态', width: 1 },
    { title: '开始', width: 1.9 },
    { title: '结束', width: 1.9 },
    { title: '当前环节', width: 2 },
    { title: '完整性', width: 1.6 },
    { title: '链头', width: 3.2 },
  ],
} satisfies Record<string, Column[]>;

/** The facts table's rows. */
const FACTS = {
  id: '案件编号',
  title: '标题',
  grade: '等级',
  category: '所属领域',
  platform: '首发平台',
  status: '状态',
  occurredAt: '事发时间',
  firstSeenAt: '发现时间',
  createdAt: '报告时间',
  reportedBy: '报告人',
  via: '报告方式',
  drill: '演练',
  sources: '来源链接',
  summary: '内容摘要',
  gradeReason: '定级理由',
  evidence: '证据留存',
  closedAt: '结案时间',
  outcome: '处置结果',
  reportDeadline: '上报领导小组',
  replyDeadline: '正面回复（事发后 12 小时内）',
};

const PAGE = { margin: 40, footerLine: 9 };
const STYLE = {
  title: { size: 18, weight: 'bold' },
  subtitle: { size: 12, weight: 'bold' },
  heading: { size: 12.5, weight: 'bold' },
  body: { size: 9 },
  note: { size: 8, color: '#555555' },
  cell: { size: 7.5 },
  header: { size: 7.5, weight: 'bold' },
  footer: { size: 6.5, color: '#555555' },
} satisfies Record<string, TextStyle>;

/** Every string a report will draw, for loading the fonts that hold its characters. */
function textsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) textsOf(item, out);
  else if (value && typeof value === 'object' && !(value instanceof Date))
    for (const item of Object.values(value)) textsOf(item, out);
  return out;
}

/** Places blocks top to bottom on portrait pages, starting a new page where one does not fit. */
class ReportWriter {
  y = PAGE.margin;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly text: PdfText,
    private readonly footerHeight: number,
  ) {}

  get left() {
    return PAGE.margin;
  }
  get width() {
    return this.doc.page.width - 2 * PAGE.margin;
  }
  get bottom() {
    return this.doc.page.height - PAGE.margin - this.footerHeight;
  }

  newPage(layout: 'portrait' | 'landscape' = 'portrait') {
    this.doc.addPage({ size: 'A4', layout, margin: PAGE.margin });
    this.y = PAGE.margin;
  }

  ensure(height: number) {
    if (this.y + height > this.bottom) this.newPage();
  }

  paragraph(content: string, style: TextStyle, gapAfter = 4) {
    const lines = this.text.lines(content, this.width, style);
    const lineHeight = lineHeightOf(style);
    for (const line of lines) {
      this.ensure(lineHeight);
      this.text.draw([line], this.left, this.y, style);
      this.y += lineHeight;
    }
    this.y += gapAfter;
  }

  heading(content: string) {
    // A heading never ends a page alone.
    this.ensure(lineHeightOf(STYLE.heading) + 40);
    this.y += 6;
    this.paragraph(content, STYLE.heading, 2);
    this.doc
      .moveTo(this.left, this.y)
      .lineTo(this.left + this.width, this.y)
      .lineWidth(0.6)
      .strokeColor('#999999')
      .stroke();
    this.y += 5;
  }

  /** A table whose header row repeats on every page it runs onto. */
  table(columns: Column[], rows: string[][], options: { boldFirstColumn?: boolean; header?: boolean } = {}) {
    const total = columns.reduce((sum, c) => sum + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const pad = 3;
    const maxHeight = this.bottom - PAGE.margin - 40;
    const layout = (cells: string[], header: boolean) => {
      const lines = cells.map((cell, i) => {
        const style = header || (options.boldFirstColumn && i === 0) ? STYLE.header : STYLE.cell;
        const cellLines = this.text.lines(cell, widths[i] - 2 * pad, style);
        // A cell taller than a page is cut (the history keeps the whole text).
        const fit = Math.floor(maxHeight / lineHeightOf(style));
        return { style, lines: cellLines.length > fit ? cellLines.slice(0, fit) : cellLines };
      });
      const height = Math.max(...lines.map((l) => l.lines.length * lineHeightOf(l.style))) + 2 * pad;
      return { lines, height };
    };
    const drawRow = (row: ReturnType<typeof layout>, header: boolean) => {
      if (header) this.doc.rect(this.left, this.y, this.width, row.height).fillColor('#eeeeee').fill();
      let x = this.left;
      row.lines.forEach((cell, i) => {
        this.text.draw(cell.lines, x + pad, this.y + pad, cell.style);
        x += widths[i];
      });
      this.y += row.height;
      this.doc
        .moveTo(this.left, this.y)
        .lineTo(this.left + this.width, this.y)
        .lineWidth(0.4)
        .strokeColor('#cccccc')
        .stroke();
    };
    const header =
      options.header === false
        ? undefined
        : layout(
            columns.map((c) => c.title),
            true,
          );
    if (header) {
      this.ensure(header.height * 2);
      drawRow(header, true);
    }
    for (const cells of rows) {
      const row = layout(cells, false);
      if (this.y + row.height > this.bottom) {
        this.newPage();
        if (header) drawRow(header, true);
      }
      drawRow(row, false);
    }
    this.y += 8;
  }
}

const roleList = (groups: string[]) =>
  groups.map((group) => roles[group as keyof typeof roles] ?? group).join('、') || '—';

function factsSection(w: ReportWriter, report: CaseReport) {
  const f = report.facts;
  w.heading(T.facts);
  const rows: Array<[string, string]> = [
    [FACTS.id, f.id],
    [FACTS.title, `${f.drill ? `${DRILL_MARK} ` : ''}${f.title}`],
    [FACTS.grade, gradeLabel(f.grade)],
    [FACTS.category, categoryLabel(f.category)],
    [FACTS.platform, report.platformLabel],
    [FACTS.status, labelOf(labels.caseStatusLabels, f.status)],
    [FACTS.occurredAt, time(f.occurredAt)],
    [FACTS.firstSeenAt, time(f.firstSeenAt)],
    [FACTS.createdAt, time(f.createdAt)],
    [FACTS.reportedBy, f.reportedBy],
    [FACTS.via, labelOf(labels.reportedViaLabels, f.via)],
    [FACTS.drill, f.drill ? `${T.yes} ${DRILL_MARK}` : T.no],
    [FACTS.sources, f.sourceUrls.join('\n') || '—'],
    [FACTS.summary, f.summary],
  ];
  if (f.gradeReason) rows.push([FACTS.gradeReason, f.gradeReason]);
  if (f.evidence?.length)
    rows.push([
      FACTS.evidence,
      f.evidence.map((e) => (e.url ? `${e.description} ${e.url}` : e.description)).join('\n'),
    ]);
  if (f.closedAt) rows.push([FACTS.closedAt, time(f.closedAt)]);
  if (f.outcome) rows.push([FACTS.outcome, f.outcome]);
  w.table(COLUMNS.facts, rows, { boldFirstColumn: true, header: false });

  w.heading(T.grades);
  w.table(
    COLUMNS.grades,
    f.gradeHistory.map((change) => [
      time(change.at),
      change.previous ? gradeLabel(change.previous) : '—',
      gradeLabel(change.grade),
      change.by,
      change.reason ?? '—',
    ]),
  );

  w.heading(T.deadlines);
  const toGroup = f.deadlines.report;
  const reply = f.deadlines.reply;
  w.table(COLUMNS.deadlines, [
    toGroup.dueAt
      ? [
          FACTS.reportDeadline,
          time(toGroup.dueAt),
          time(toGroup.doneAt),
          labelOf(labels.deadlineStateLabels, toGroup.state),
        ]
      : [FACTS.reportDeadline, T.notApplicable, time(toGroup.doneAt), '—'],
    [
      FACTS.replyDeadline,
      time(reply.dueAt),
      time(reply.doneAt),
      `${labelOf(labels.deadlineStateLabels, reply.state)}${reply.breachedAt ? `（${T.breached} ${time(reply.breachedAt)}）` : ''}`,
    ],
  ]);
}

function publicationsSection(w: ReportWriter, report: CaseReport) {
  w.heading(T.publications);
  w.paragraph(T.publicationsNote, STYLE.note);
  const publications = report.facts.publications;
  if (publications.length === 0) return w.paragraph(T.noPublications, STYLE.body);
  w.table(
    COLUMNS.publications,
    publications.map((p) => [
      time(p.publishedAt),
      labelOf(labels.publicationKindLabels, p.kind),
      p.url ? `${p.title}\n${p.url}` : p.title,
      p.channel,
      p.author,
      p.approver ?? '—',
      labelOf(labels.publicationViaLabels, p.via),
    ]),
  );
}

function tasksSection(w: ReportWriter, report: CaseReport) {
  w.heading(T.tasks);
  const tasks = report.facts.tasks;
  if (tasks.length === 0) return w.paragraph(T.noTasks, STYLE.body);
  w.table(
    COLUMNS.tasks,
    tasks.map((task) => [
      task.name ?? task.activityId,
      roleList(task.candidateGroups),
      labelOf(labels.taskStatusLabels, task.status),
      time(task.createdAt),
      time(task.dueAt),
      time(task.completedAt),
      task.claimedBy ?? (task.status === 'open' ? `${T.waitingFor}${roleList(task.candidateGroups)}` : '—'),
      task.completedBy ?? '—',
    ]),
  );
}

function timelineSection(w: ReportWriter, report: CaseReport) {
  w.heading(T.timeline);
  w.paragraph(T.timelineNote, STYLE.note);
  w.table(
    COLUMNS.timeline,
    report.timeline.map((step) => [
      time(step.at),
      step.process,
      step.element ?? '—',
      step.event,
      step.actor ?? '—',
      step.data || '—',
    ]),
  );
}

function processesSection(w: ReportWriter, report: CaseReport) {
  w.heading(T.processes);
  w.paragraph(T.processesNote, STYLE.note);
  w.table(
    COLUMNS.processes,
    report.instances.map((instance) => [
      `${instance.name}（第 ${instance.definitionVersion} 版）`,
      instance.id,
      labelOf(labels.instanceStatusLabels, instance.status),
      time(instance.createdAt),
      time(instance.endedAt),
      instance.activeNames.join('、') || '—',
      integrityText(instance),
      `${instance.historyHead}（第 ${instance.historySeq} 条）`,
    ]),
  );
}

function integrityText(instance: ReportInstance): string {
  const { integrity } = instance;
  if (integrity.ok) return `${T.integrityOk}（${integrity.events} 条）`;
  const problem = integrity.problem;
  return `${T.integrityBad}${problem ? `：第 ${problem.seq} 条${labelOf(labels.tamperKindLabels, problem.kind)}` : ''}`;
}

function legend(w: ReportWriter, y: number) {
  let x = w.left;
  for (const [mark, name] of [
    ['taken', T.legendTaken],
    ['active', T.legendActive],
    ['none', T.legendNone],
  ] as const) {
    const colour = MARK_COLOURS[mark];
    w.doc
      .lineWidth(1.5)
      .rect(x, y + 2, 14, 8)
      .fillAndStroke(colour.fill, colour.stroke);
    const lines = w.text.lines(name, 200, STYLE.note);
    w.text.draw(lines, x + 18, y, STYLE.note);
    x += 18 + lines[0].width + 16;
  }
}

/**
 * Each instance's drawings on landscape pages: its process first, then each collapsed
 * sub-process's content, below the previous drawing when it fits there at its own scale.
 */
function diagramPages(w: ReportWriter, report: CaseReport) {
  const titleHeight = lineHeightOf(STYLE.subtitle) + 4;
  for (const instance of report.instances) {
    w.newPage('landscape');
    w.paragraph(
      `${T.diagram}：${instance.name}（第 ${instance.definitionVersion} 版）· ${labelOf(labels.instanceStatusLabels, instance.status)}`,
      STYLE.heading,
      2,
    );
    w.paragraph(`${instance.id} · ${T.chainHead} ${instance.historyHead}`, STYLE.note, 2);
    legend(w, w.y);
    w.y += 18;
    if (instance.views.length === 0) {
      w.paragraph(T.noDiagram, STYLE.body);
      continue;
    }
    const pageArea = { width: w.width, height: w.bottom - w.y - titleHeight };
    instance.views.forEach((view, i) => {
      const height = view.bounds.height * fitScale(view, pageArea);
      if (i > 0) {
        if (w.y + titleHeight + height > w.bottom) w.newPage('landscape');
        else w.y += 10;
        w.paragraph(`${instance.name} › ${view.name}`, STYLE.subtitle, 4);
      }
      w.y += paintDiagram(w.doc, w.text, view, { x: w.left, y: w.y, width: w.width, height: w.bottom - w.y });
    });
  }
}

function footers(w: ReportWriter, report: CaseReport) {
  const { doc, text } = w;
  const range = doc.bufferedPageRange();
  const heads = report.instances.map(
    (i) => `${T.chainHead} ${i.historyHead}（${i.id}，第 ${i.historySeq} 条）`,
  );
  for (let page = range.start; page < range.start + range.count; page++) {
    doc.switchToPage(page);
    const width = doc.page.width - 2 * PAGE.margin;
    let y = doc.page.height - PAGE.margin - footerHeightOf(report) + 6;
    doc
      .moveTo(PAGE.margin, y - 3)
      .lineTo(PAGE.margin + width, y - 3)
      .lineWidth(0.4)
      .strokeColor('#bbbbbb')
      .stroke();
    const first = `${report.facts.drill ? `${DRILL_MARK} ` : ''}${report.facts.id} · ${T.footerGenerated} ${time(
      report.generatedAt,
    )}（${T.beijing}）· ${report.generatedBy}`;
    text.draw(text.lines(first, width - 80, STYLE.footer).slice(0, 1), PAGE.margin, y, STYLE.footer);
    const number = `第 ${page - range.start + 1} / ${range.count} 页`;
    text.draw(text.lines(number, 80, STYLE.footer), PAGE.margin + width - 80, y, STYLE.footer, {
      width: 80,
      align: 'right',
    });
    for (const head of heads) {
      y += PAGE.footerLine;
      text.draw(text.lines(head, width, STYLE.footer).slice(0, 1), PAGE.margin, y, STYLE.footer);
    }
  }
}

const footerHeightOf = (report: CaseReport) => (1 + report.instances.length) * PAGE.footerLine + 10;

/** Characters of the templates below that no constant above holds. */
const TEMPLATE_CHARACTERS = '第版条页›';

function draw(report: CaseReport, fonts: CjkFontSet): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    info: {
      Title: `${T.title} ${report.facts.id}`,
      Subject: report.facts.title,
      Author: 'preplan',
      CreationDate: report.generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  fonts.register(doc);
  const w = new ReportWriter(doc, new PdfText(doc, fonts), footerHeightOf(report));

  w.paragraph(`${T.title}${report.facts.drill ? ` ${DRILL_MARK}` : ''}`, STYLE.title, 2);
  w.paragraph(`${report.facts.id}  ${report.facts.title}`, STYLE.subtitle, 2);
  w.paragraph(
    `${T.generated} ${time(report.generatedAt)}（${T.beijing}） · ${T.generatedBy} ${report.generatedBy}`,
    STYLE.note,
  );
  if (report.facts.drill) w.paragraph(T.drillBanner, { ...STYLE.body, color: '#b71c1c' });
  factsSection(w, report);
  publicationsSection(w, report);
  tasksSection(w, report);
  timelineSection(w, report);
  processesSection(w, report);
  diagramPages(w, report);
  footers(w, report);
  doc.end();
  return ended;
}

/**
 * The printable case report as a PDF (A4; diagrams on landscape pages): facts, deadlines,
 * publications, tasks, the timeline, the instances with their chain heads, and each instance's
 * diagram with the path it took. Every page's footer has the page number, when it was made and
 * every instance's chain head, so a printed page can be matched to the verified history.
 */
export async function renderCaseReportPdf(report: CaseReport): Promise<Buffer> {
  const texts = [
    TEMPLATE_CHARACTERS,
    ...textsOf([T, COLUMNS, FACTS, labels, roles, report]),
    ...[report.facts.grade, ...report.facts.gradeHistory.flatMap((g) => [g.grade, g.previous])].map(
      gradeLabel,
    ),
    categoryLabel(report.facts.category),
  ];
  const fonts = await CjkFontSet.for(texts);
  const pdf = await draw(report, fonts);
  if (fonts.missing.size === 0) return pdf;
  // A character the texts above did not foresee: load its font and draw again.
  return draw(report, await CjkFontSet.for([...texts, ...fonts.missing]));
}
