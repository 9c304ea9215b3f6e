/**
 * The case report's words (zh-CN, as the case page says them), and how it writes times and
 * submitted values.
 */

export const caseStatusLabels: Record<string, string> = {
  open: '处置中',
  closed: '已结案',
  cancelled: '已撤销',
};

export const taskStatusLabels: Record<string, string> = {
  open: '待办',
  completed: '已完成',
  cancelled: '已取消',
};

export const deadlineStateLabels: Record<string, string> = {
  pending: '未到期',
  met: '按时完成',
  missed: '已超时',
  late: '逾期完成',
};

export const instanceStatusLabels: Record<string, string> = {
  running: '进行中',
  completed: '已完成',
  failed: '失败',
  cancelled: '已取消',
};

export const publicationKindLabels: Record<string, string> = {
  reply: '正面回复',
  answer: '跟踪答复',
  commentary: '网评文章',
};

export const publicationViaLabels: Record<string, string> = {
  channel: '自动发布',
  manual: '手工登记',
};

/** How a history chain was tampered with (src/audit/verify-history.ts). */
export const tamperKindLabels: Record<string, string> = {
  altered: '被修改',
  removed: '被删除',
  inserted: '被插入',
};

export const reportedViaLabels: Record<string, string> = {
  form: '表单报告',
  api: '接口报告',
  sweep: '日常监测',
};

/** The history events the timeline shows, and what it calls them; the others are engine detail. */
export const timelineEventLabels: Record<string, string> = {
  'instance.started': '流程启动',
  'instance.ended': '流程结束',
  'instance.cancelled': '流程撤销',
  'activity.wait': '任务待办',
  'activity.end': '环节完成',
  'activity.error': '环节出错',
  'activity.timeout': '定时器触发',
  'timer.fired': '定时器触发',
  'task.claimed': '认领任务',
  'task.unclaimed': '放弃认领',
  'task.completed': '完成任务',
  'call.returned': '子流程返回',
  'message.delivered': '收到消息',
  'signal.delivered': '收到信号',
  'incident.raised': '发生故障',
  'incident.retried': '故障重试',
};

export const DRILL_MARK = '【演练】';

const shanghai = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** `2026-03-14 09:05:07` in Beijing time (the office's), or `—`. */
export function shanghaiTime(value: Date | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const parts = Object.fromEntries(shanghai.formatToParts(date).map((part) => [part.type, part.value]));
  // Some ICU versions write midnight as 24.
  const hour = parts.hour === '24' ? '00' : parts.hour;
  return `${parts.year}-${parts.month}-${parts.day} ${hour}:${parts.minute}:${parts.second}`;
}

export const labelOf = (labels: Record<string, string>, value: string | null | undefined) =>
  value ? (labels[value] ?? value) : '—';

type JsonSchemaish = {
  title?: string;
  properties?: Record<string, JsonSchemaish>;
  oneOf?: Array<{ const?: unknown; title?: string }>;
  items?: JsonSchemaish;
  format?: string;
};

const LIMIT = 80;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

export const clip = (text: string, limit = LIMIT) =>
  text.length > limit ? `${text.slice(0, limit - 1)}…` : text;

function valueText(value: unknown, schema: JsonSchemaish | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) return value.map((item) => valueText(item, schema?.items)).join('、');
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && typeof v !== 'object')
      .map(([k, v]) => `${k} ${valueText(v, undefined)}`)
      .join('，');
  if (typeof value === 'string' && ISO_TIME.test(value)) return shanghaiTime(value);
  const option = schema?.oneOf?.find((o) => o.const === value);
  if (option?.title) return option.title;
  if (schema?.format === 'date-time' && typeof value === 'string') return shanghaiTime(value);
  return String(value);
}

/**
 * Submitted values as one line for the timeline: `字段：值；…` with the form's titles and option
 * names, each value cut short (the full text stays in the history and the audit export).
 */
export function describeValues(values: Record<string, unknown> | undefined, schema?: unknown): string {
  if (!values) return '';
  const properties = (schema as JsonSchemaish | undefined)?.properties ?? {};
  return Object.entries(values)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .filter(([, value]) => !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => `${properties[key]?.title ?? key}：${clip(valueText(value, properties[key]))}`)
    .join('；');
}
