import { categoryLabel, gradeLabel, isGrade } from './plan-labels.js';

/** A rendered message: `text` for e-mail, `markdown` for robots. Drill messages start with 【演练】. */
export interface Message {
  template: TemplateName;
  subject: string;
  text: string;
  markdown: string;
}

/** What a template is rendered from. */
export interface TemplateContext {
  variables: Record<string, unknown>;
  input: Record<string, unknown>;
  now: Date;
  /** The signed link of a county message. */
  link?: { url: string; expiresAt: Date };
}

/** A line of a message body: a fact (`label：value`), a paragraph, or a link. */
type Line = [label: string, value: string] | string | { link: string; text: string };

interface Draft {
  subject: string;
  lines: Line[];
}

const DRILL = '【演练】';

const shanghai = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** `2026/01/01 08:00` (Beijing time), or the raw value when it is not a time. */
export function formatTime(value: unknown): string {
  if (value === undefined || value === null || value === '') return '未知';
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? String(value) : shanghai.format(date);
}

function text(value: unknown, fallback = '未填写'): string {
  if (value === undefined || value === null || value === '') return fallback;
  return String(value);
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((item) => String(item)).filter(Boolean);
  return typeof value === 'string' && value ? [value] : [];
}

function measures(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) return '暂无';
  return value
    .map((item, index) => {
      const { measure, owner } = (item ?? {}) as { measure?: unknown; owner?: unknown };
      return `${index + 1}. ${text(measure)}${owner ? `（${String(owner)}）` : ''}`;
    })
    .join('\n');
}

function caseFacts(v: Record<string, unknown>): Line[] {
  const sources = list(v.sourceUrls);
  return [
    ['事件', text(v.title)],
    ['等级', gradeLabel(v.grade)],
    ['类别', categoryLabel(v.category)],
    ['平台', text(v.platform)],
    ['发生时间', formatTime(v.occurredAt)],
    ['发现时间', formatTime(v.firstSeenAt)],
    ['来源', sources.length ? sources.join('\n') : '未填写'],
    ['概要', text(v.summary)],
  ];
}

function linkLine(context: TemplateContext, purpose: string): Line[] {
  if (!context.link) return [];
  return [
    `${purpose}（链接仅可使用一次，有效期至 ${formatTime(context.link.expiresAt)}）：`,
    { link: context.link.url, text: context.link.url },
  ];
}

const templates = {
  'fast-report': ({ variables: v }) => ({
    subject: `【快报事实】${gradeLabel(v.grade)}舆情：${text(v.title)}`,
    lines: [...caseFacts(v), ['报告时限', formatTime(v.reportDueAt)], ['回复时限', formatTime(v.replyDueAt)]],
  }),
  'reply-reminder': ({ variables: v, input }) => ({
    subject: `【回复提醒】${text(v.title)}：距12小时回复时限还剩 ${text(input.hoursLeft, '?')} 小时`,
    lines: [
      `距12小时回复时限还剩 ${text(input.hoursLeft, '?')} 小时，请尽快依据通稿正面回复。`,
      ['事件', text(v.title)],
      ['等级', gradeLabel(v.grade)],
      ['回复时限', formatTime(v.replyDueAt)],
    ],
  }),
  'reply-breach': ({ variables: v }) => ({
    subject: `【超时】${text(v.title)}：已超过12小时回复时限`,
    lines: [
      '本事件已超过12小时回复时限，尚未正面回复，请牵头领导督办。',
      ['事件', text(v.title)],
      ['等级', gradeLabel(v.grade)],
      ['回复时限', formatTime(v.replyDueAt)],
    ],
  }),
  regraded: ({ variables: v }) => {
    const from = Number(v.grade);
    const to = Number(v.newGrade);
    const rise = isGrade(from) && isGrade(to) && to < from;
    return {
      subject: `【${rise ? '舆情升级' : '舆情等级调整'}】${text(v.title)}：${gradeLabel(v.grade)} → ${gradeLabel(v.newGrade)}`,
      lines: [
        ['事件', text(v.title)],
        ['原等级', gradeLabel(v.grade)],
        ['新等级', gradeLabel(v.newGrade)],
        ['调整理由', text(v.regradeReason)],
      ],
    };
  },
  'sweep-reminder': ({ variables: v, input }) => ({
    subject: '【日常监测】请按时完成本轮舆情监测',
    lines: [
      '请检索主流搜索引擎及平台中涉及本街道及其工作的内容，逐条核实并登记；未发现舆情的，请作零报告。',
      ['完成时限', formatTime(input.dueAt ?? v.dueAt)],
    ],
  }),
  'sweep-missed': ({ variables: v, input }) => ({
    subject: '【日常监测】日常监测未按时完成',
    lines: [
      '本轮日常监测未按时完成（未提交监测结果或零报告），已记录在案。',
      ['应完成时间', formatTime(input.dueAt ?? v.dueAt)],
    ],
  }),
  'case-closed': ({ variables: v, now }) => ({
    subject: `【舆情平息】${text(v.title)}`,
    lines: [
      ['事件', text(v.title)],
      ['等级', gradeLabel(v.grade)],
      ['类别', categoryLabel(v.category)],
      ['结束时间', formatTime(now)],
    ],
  }),
  'county-fast-report': (context) => {
    const v = context.variables;
    return {
      subject: `【舆情快报】${gradeLabel(v.grade)}：${text(v.title)}`,
      lines: [
        ...caseFacts(v),
        ['已采取措施', measures(v.measures)],
        ...linkLine(context, '请通过以下链接反馈处置指导意见'),
      ],
    };
  },
  'county-signoff-request': (context) => {
    const v = context.variables;
    return {
      subject: `【通稿审核】${text(v.title)}`,
      lines: [
        ['事件', text(v.title)],
        ['等级', gradeLabel(v.grade)],
        ['通稿标题', text(v.releaseTitle)],
        ['通稿', text(v.releaseText)],
        ...linkLine(context, '请通过以下链接审核签发'),
      ],
    };
  },
  /** A drill's publication goes nowhere public: the internal channels get this copy. */
  'publication-drill': ({ variables: v, input }) => {
    const answer = input.kind === 'answer';
    return {
      subject: `拟发布${answer ? '答复' : '回复'}：${text(answer ? v.answerTitle : v.releaseTitle)}`,
      lines: [
        '演练中不对外发布，以下为拟发布内容：',
        ['事件', text(v.title)],
        ['标题', text(answer ? v.answerTitle : v.releaseTitle)],
        ['正文', text(answer ? v.answerText : v.releaseText)],
      ],
    };
  },
} satisfies Record<string, (context: TemplateContext) => Draft>;

export type TemplateName = keyof typeof templates;

export const templateNames = Object.keys(templates) as TemplateName[];

export function isTemplateName(name: unknown): name is TemplateName {
  return typeof name === 'string' && Object.hasOwn(templates, name);
}

function asText(line: Line): string {
  if (typeof line === 'string') return line;
  if (Array.isArray(line))
    return line[1].includes('\n') ? `${line[0]}：\n${line[1]}` : `${line[0]}：${line[1]}`;
  return line.link;
}

function asMarkdown(line: Line): string {
  if (typeof line === 'string') return line;
  if (Array.isArray(line))
    return line[1].includes('\n') ? `**${line[0]}**：\n${line[1]}` : `**${line[0]}**：${line[1]}`;
  return `[${line.text}](${line.link})`;
}

/**
 * Renders a template. Every drill message says so first, in subject and body, and ends by
 * saying that nothing needs to be done for real.
 */
export function renderTemplate(name: TemplateName, context: TemplateContext, drill: boolean): Message {
  const draft: Draft = templates[name](context);
  const lines = drill ? [...draft.lines, '本消息为预案演练，无需实际处置。'] : draft.lines;
  const subject = `${drill ? DRILL : ''}${draft.subject}`;
  return {
    template: name,
    subject,
    text: [subject, '', ...lines.map(asText)].join('\n'),
    markdown: [`${subject}`, ...lines.map(asMarkdown)].join('\n\n'),
  };
}
